import { parse } from 'yaml';
import { synthWorkflowFiles } from './support/bare-project';
import {
  AlertAnalysisWorkflow,
  annotatePinnedActions,
  DriftAnalysisWorkflow,
  ModelPipelineJobs,
  ModelPipelineWorkflow,
  PlatformCiWorkflow,
  RetrainWorkflow,
  TriageWorkflow,
  uses,
} from '../../src/ci';
import { ciContainerImage, githubActions } from '../../src/config/versions';

/** The six components on a bare project, as .projenrc.ts instantiates them (default options). */
function synthWorkflows(): Record<string, string> {
  return synthWorkflowFiles((project) => {
    new ModelPipelineWorkflow(project);
    new RetrainWorkflow(project);
    new TriageWorkflow(project);
    new AlertAnalysisWorkflow(project);
    new DriftAnalysisWorkflow(project);
    new PlatformCiWorkflow(project);
  });
}

const workflows = synthWorkflows();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const doc = (name: string): any => parse(workflows[`.github/workflows/${name}.yml`]);

describe('workflow components', () => {
  test('synthesize exactly the six workflows', () => {
    expect(Object.keys(workflows).sort()).toEqual(
      ['alert-analysis', 'drift-analysis', 'model-ci-ct-cd', 'platform-ci', 'retrain', 'triage'].map((n) => `.github/workflows/${n}.yml`),
    );
  });

  test.each(Object.keys(workflows).sort())('%s matches its snapshot', (path) => {
    expect(workflows[path]).toMatchSnapshot();
  });

  test('pins carry the release tag as a comment', () => {
    const line = `      - uses: ${uses('checkout')}`;
    expect(annotatePinnedActions(line)).toBe(`${line} # ${githubActions.checkout.version}`);
    // A SHA that is not in versions.ts stays bare (and the pin test then fails on the missing comment).
    const unknown = `      uses: actions/checkout@${'f'.repeat(40)}`;
    expect(annotatePinnedActions(unknown)).toBe(unknown);
  });
});

describe('model-ci-ct-cd', () => {
  const wf = doc('model-ci-ct-cd');
  const J = ModelPipelineJobs;

  test('runs on pushes to main and pull requests touching model/', () => {
    expect(wf.on.push).toEqual({ branches: ['main'], paths: ['model/**', '.github/workflows/model-ci-ct-cd.yml'] });
    expect(wf.on.pull_request.paths).toContain('model/**');
  });

  test('stages are chained lint → test/SAST/SCA/secrets → train → image → release, with a final gate', () => {
    expect(wf.jobs[J.TEST].needs).toBe(J.LINT);
    expect(wf.jobs[J.TRAIN].needs).toEqual([J.TEST, J.SAST, J.SCA, J.SECRETS]);
    expect(wf.jobs[J.IMAGE].needs).toBe(J.TRAIN);
    expect(wf.jobs[J.RELEASE].needs).toEqual([J.TRAIN, J.IMAGE]);
    expect(wf.jobs[J.GATE].needs.sort()).toEqual(Object.values(J).filter((j) => j !== J.GATE).sort());
    expect(wf.jobs[J.GATE].if).toBe('always()');
  });

  test('Gitleaks is a checksum-verified binary over the full history', () => {
    const steps = wf.jobs[J.SECRETS].steps;
    expect(steps[0].with['fetch-depth']).toBe(0);
    const install = steps.find((s: { name: string }) => s.name.startsWith('Install Gitleaks')).run;
    expect(install).toMatch(/sha256sum -c -/);
    expect(install).toMatch(/[0-9a-f]{64} {2}gitleaks_\d+\.\d+\.\d+_linux_x64\.tar\.gz/);
  });

  test('Snyk without a token is a reported skip, never a silent pass', () => {
    const snyk = wf.jobs[J.SCA].steps.find((s: { name: string }) => s.name.startsWith('Snyk')).run;
    expect(snyk).toContain('::warning title=SCA skipped::');
    expect(snyk).toContain('GITHUB_STEP_SUMMARY');
    expect(snyk).toContain('--severity-threshold=high');
  });

  test('trains on the homelab against the cluster MLflow on main, against a throwaway server elsewhere', () => {
    const train = wf.jobs[J.TRAIN];
    expect(train['runs-on']).toContain("'homelab'");
    expect(train['runs-on']).toContain("github.ref == 'refs/heads/main'");
    const local = train.steps.find((s: { name: string }) => s.name.startsWith('Throwaway MLflow'));
    expect(local.if).toBe("env.LOCAL_MLFLOW == 'true'");
    expect(local.run).toContain('--backend-store-uri "sqlite:///');
  });

  test('image: Trivy fails on CRITICAL before the push, the push only on main', () => {
    const steps = wf.jobs[J.IMAGE].steps as Array<{ name: string; uses?: string; if?: string; with?: Record<string, unknown> }>;
    const build = steps.findIndex((s) => s.uses === uses('buildPush'));
    const scan = steps.findIndex((s) => s.uses === uses('trivy') && s.with?.['exit-code'] === '1');
    const push = steps.findIndex((s) => s.name.startsWith('Push the scanned image'));
    expect(build).toBeGreaterThan(-1);
    expect(scan).toBeGreaterThan(build);
    expect(push).toBeGreaterThan(scan);
    expect(steps[scan].with?.severity).toBe('CRITICAL');
    expect(steps[build].with).toMatchObject({ 'sbom': true, 'provenance': 'mode=max', 'cache-from': 'type=gha' });
    expect(steps[push].if).toContain("github.ref == 'refs/heads/main'");
  });

  test('release bumps with the GitHub App token, on main only', () => {
    const release = wf.jobs[J.RELEASE];
    expect(release.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    // Minted after npm ci, contents: write only (test/ci/untrusted.test.ts checks the order everywhere).
    const mint = release.steps.find((s: { uses?: string }) => s.uses === uses('createGithubAppToken'));
    expect(mint.with['permission-contents']).toBe('write');
    const bump = release.steps.find((s: { run?: string }) => s.run?.includes('bump-image')).run;
    expect(bump).toBe('npx mlops bump-image --image "$IMAGE" --digest "$DIGEST" --model-version "$MODEL_VERSION" --run-id "$RUN_ID" --commit --push');
  });
});

describe('retrain', () => {
  const wf = doc('retrain');

  test('dispatch + manual triggers with model and window; one run per model', () => {
    expect(wf.on.repository_dispatch).toEqual({ types: ['retrain'] });
    expect(Object.keys(wf.on.workflow_dispatch.inputs).sort()).toEqual(['model', 'window']);
    expect(wf.concurrency).toEqual({ 'group': 'retrain-${{ inputs.model || github.event.client_payload.model }}', 'cancel-in-progress': false });
    expect(wf.jobs.train['runs-on']).toBe('homelab');
  });

  test('reads labelled captures through the gateway API with the bearer token', () => {
    const step = wf.jobs.train.steps.find((s: { id?: string }) => s.id === 'captures');
    expect(step.run).toContain('Authorization: Bearer ${GATEWAY_TOKEN}');
    expect(step.run).toContain('--data-urlencode "labelled=true"');
    expect(step.run).toContain('/v1/captures');
  });

  test('never deploys: the bump is committed on a branch and proposed as a pull request', () => {
    const run = wf.jobs['pull-request'].steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(run).toContain('bump-image');
    expect(run).not.toContain('--push');
    expect(run).toContain('gh pr create --base "$BASE"');
    expect(run).not.toMatch(/HEAD:refs\/heads\/main/);
  });

  test('inputs reach scripts only through env, never interpolated into run', () => {
    const runs = Object.values(wf.jobs).flatMap((j) => (j as { steps: Array<{ run?: string }> }).steps.map((s) => s.run ?? ''));
    for (const run of runs) expect(run).not.toMatch(/\$\{\{\s*(inputs|github\.event)/);
  });
});

describe('triage', () => {
  const wf = doc('triage');

  test('runs when a pipeline workflow fails', () => {
    expect(wf.on.workflow_run).toEqual({ workflows: ['model-ci-ct-cd', 'retrain', 'platform-ci'], types: ['completed'] });
    expect(wf.jobs.analyze.if).toBe("github.event.workflow_run.conclusion == 'failure'");
  });

  test('analysis holds no write permission; posting is separate and serialised by the dedupe key', () => {
    expect(Object.values(wf.jobs.analyze.permissions)).not.toContain('write');
    expect(wf.jobs.post.permissions).toEqual({ contents: 'write', issues: 'write' });
    expect(wf.jobs.post.concurrency).toEqual({ 'group': 'triage-post-${{ needs.analyze.outputs.dedupe-key }}', 'cancel-in-progress': false, 'queue': 'max' });
    const runs = wf.jobs.post.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(runs).toContain('npx mlops triage --from-report triage-report/report.json --sink github');
    expect(runs).toContain('npx mlops triage --from-report triage-report/report.json --sink slack');
  });

  test('fork runs: offline provider, no secrets, no posting', () => {
    const sameRepo = 'github.event.workflow_run.head_repository.full_name == github.repository';
    expect(wf.jobs.post.if).toBe(sameRepo);
    const fork = wf.jobs.analyze.steps.find((s: { if?: string }) => s.if === `!(${sameRepo})`);
    expect(fork.run).toContain('--offline');
    // Only the run's own read-only token (actions: read, for the logs); no secrets.
    expect(fork.env).toEqual({ GITHUB_TOKEN: '${{ github.token }}' });
  });
});

describe('alert-analysis and drift-analysis', () => {
  test('alert-analysis runs analyze-alert on the homelab for dispatched alerts', () => {
    const wf = doc('alert-analysis');
    expect(wf.on).toEqual({ repository_dispatch: { types: ['alert'] } });
    expect(wf.jobs.analyze['runs-on']).toBe('homelab');
    expect(wf.jobs.analyze.steps.at(-1).run).toBe('npx mlops analyze-alert --alert "$GITHUB_EVENT_PATH" --sink github');
    expect(wf.jobs.analyze.steps[0].with['fetch-depth']).toBe(0); // rollouts come from release.json's git history
  });

  test('drift-analysis: dispatch + schedule on the homelab; code decides urgency and acts (--act)', () => {
    const wf = doc('drift-analysis');
    expect(wf.on.repository_dispatch).toEqual({ types: ['drift'] });
    expect(wf.on.schedule).toHaveLength(1);
    expect(wf.jobs.analyze['runs-on']).toBe('homelab');
    expect(wf.jobs.analyze.permissions).toEqual({ contents: 'write', issues: 'write' });
    const runs = wf.jobs.analyze.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(runs).toMatch(/npx mlops analyze-drift --gateway-url "\$GATEWAY_URL" --mlflow-url "\$MLFLOW_TRACKING_URI" .*\n.*--act/);
    // Drift episodes survive from run to run: restored before the analysis, saved after it whatever happened.
    const steps = wf.jobs.analyze.steps as Array<{ id?: string; uses?: string; if?: string; with?: Record<string, string> }>;
    const at = (action: string) => steps.findIndex((s) => s.uses?.startsWith(`${action}@`));
    const analyze = steps.findIndex((s) => s.id === 'analyze');
    expect(at('actions/cache/restore')).toBeGreaterThan(-1);
    expect(at('actions/cache/restore')).toBeLessThan(analyze);
    expect(at('actions/cache/save')).toBeGreaterThan(analyze);
    expect(steps[at('actions/cache/save')]).toMatchObject({ if: 'always()', with: { path: wf.jobs.analyze.env.MLOPS_STATE_DIR } });
  });
});

describe('platform-ci', () => {
  test('runs the README test command on pushes and pull requests', () => {
    const wf = doc('platform-ci');
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(wf.jobs['test-all'].steps.map((s: { run?: string }) => s.run).filter(Boolean).slice(-2)).toEqual(['bash .ci/run', 'bin/mlops pin-images --check']);
    expect(wf.jobs['test-all']['timeout-minutes']).toBe(90);
  });

  test('runs in a digest-pinned debian:bookworm container, read-only, with git before checkout and no setup-python', () => {
    const testAll = doc('platform-ci').jobs['test-all'];
    expect(testAll.container.image).toBe(`${ciContainerImage.repository}:${ciContainerImage.tag}@${ciContainerImage.digest}`);
    expect(testAll.container.image).toMatch(/^docker\.io\/library\/debian:bookworm@sha256:[0-9a-f]{64}$/);
    expect(testAll.permissions).toEqual({ contents: 'read' });
    const names = testAll.steps.map((s: { name: string }) => s.name);
    expect(names.indexOf('Install git (for checkout)')).toBeLessThan(names.indexOf('Checkout'));
    expect(testAll.steps.some((s: { uses?: string }) => s.uses?.startsWith('actions/setup-python@'))).toBe(false);
  });
});
