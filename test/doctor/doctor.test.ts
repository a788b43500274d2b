import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'yaml';
import { runDoctor } from '../../src/cli/doctor';
import { checkForkSafety, HOMELAB_WORKFLOWS, ref } from '../../src/doctor';
import { FakeActionsSettings, startGitHubFake } from '../fakes/github';

const REPO = 'acme/model';
const ORG_URL = 'https://github.com/acme';

/** Settings a careful organization owner would have: the fix every finding points to. */
function safe(): FakeActionsSettings {
  return {
    repository: { private: false, ownerType: 'Organization' },
    workflowPermissions: { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false },
    forkPrContributorApproval: { approval_policy: 'all_external_contributors' },
    runnerGroups: [
      { id: 1, name: 'Default', visibility: 'all', default: true, allows_public_repositories: false, restricted_to_workflows: false, selected_workflows: [] },
      {
        id: 2,
        name: 'homelab',
        visibility: 'selected',
        default: false,
        // A public repository can use a group only when it allows public repositories.
        allows_public_repositories: true,
        restricted_to_workflows: true,
        selected_workflows: HOMELAB_WORKFLOWS.map((w) => ref(REPO, w, 'main')),
      },
    ],
  };
}

async function check(settings: FakeActionsSettings, opts: { githubConfigUrl?: string; runnerGroup?: string } = {}) {
  const fake = await startGitHubFake({ repository: REPO, actionsSettings: settings });
  try {
    return await checkForkSafety({
      repository: REPO,
      token: 't',
      baseUrl: fake.url,
      runnerGroup: opts.runnerGroup ?? 'homelab',
      githubConfigUrl: opts.githubConfigUrl ?? ORG_URL,
      homelabWorkflows: HOMELAB_WORKFLOWS,
    });
  } finally {
    await fake.close();
  }
}

describe('checkForkSafety against the GitHub fake', () => {
  it('safe settings: no finding', async () => {
    expect(await check(safe())).toEqual([]);
  });

  it('a runner group open to every workflow is unsafe, and the fix names our workflow refs', async () => {
    const s = safe();
    s.runnerGroups![1].restricted_to_workflows = false;
    const findings = await check(s);
    expect(findings).toHaveLength(1);
    expect(findings[0].problem).toMatch(/"homelab" is not restricted to selected workflows/);
    expect(findings[0].fix).toContain('acme/model/.github/workflows/alert-analysis.yml@refs/heads/main');
  });

  it('a selected workflow at any ref but the default branch (or of another repository) is unsafe', async () => {
    const s = safe();
    s.runnerGroups![1].selected_workflows.push('acme/model/.github/workflows/x.yml@refs/heads/feature', 'other/repo/.github/workflows/y.yml@refs/heads/main');
    const findings = await check(s);
    expect(findings.map((f) => f.problem)).toEqual([
      expect.stringContaining('"acme/model/.github/workflows/x.yml@refs/heads/feature"'),
      expect.stringContaining('"other/repo/.github/workflows/y.yml@refs/heads/main"'),
    ]);
  });

  it('fork approval for first-time contributors only is unsafe', async () => {
    const s = safe();
    s.forkPrContributorApproval = { approval_policy: 'first_time_contributors' };
    const [f, ...rest] = await check(s);
    expect(rest).toEqual([]);
    expect(f.setting).toBe('fork pull request approval');
    expect(f.fix).toContain('all_external_contributors');
  });

  it('a writable default token is unsafe', async () => {
    const s = safe();
    s.workflowPermissions = { default_workflow_permissions: 'write', can_approve_pull_request_reviews: true };
    expect((await check(s)).map((f) => f.problem)).toEqual([
      'default_workflow_permissions is "write"',
      expect.stringContaining('can_approve_pull_request_reviews is true'),
    ]);
  });

  it('a private repository: the group must not allow public repositories; fork workflows need approval, no write token, no secrets', async () => {
    const s = safe();
    s.repository.private = true;
    const forkSettings = (run: boolean, writeTokens: boolean, secrets: boolean, approval: boolean) => ({
      run_workflows_from_fork_pull_requests: run,
      send_write_tokens_to_workflows: writeTokens,
      send_secrets_and_variables: secrets,
      require_approval_for_fork_pr_workflows: approval,
    });
    s.forkPrWorkflowsPrivateRepos = forkSettings(true, true, true, false);
    const problems = (await check(s)).map((f) => f.problem);
    expect(problems).toEqual([
      expect.stringContaining('require_approval_for_fork_pr_workflows is false'),
      expect.stringContaining('send_write_tokens_to_workflows is true'),
      expect.stringContaining('send_secrets_and_variables is true'),
      expect.stringContaining('allows_public_repositories is true'),
    ]);
    // Fork workflows that never run need no approval.
    s.forkPrWorkflowsPrivateRepos = forkSettings(false, false, false, false);
    s.runnerGroups![1].allows_public_repositories = false;
    expect(await check(s)).toEqual([]);
  });

  it('repository-level runners on a public repository are unsafe (no runner group can restrict them)', async () => {
    const findings = await check(safe(), { githubConfigUrl: 'https://github.com/acme/model' });
    expect(findings).toHaveLength(1);
    expect(findings[0].problem).toMatch(/repository-level runners belong to no runner group/);
  });

  it('a missing group and unreadable settings are findings, never a silent pass', async () => {
    expect((await check(safe(), { runnerGroup: 'nope' }))[0].problem).toBe('runner group "nope" not found in acme');
    const s = safe();
    delete s.runnerGroups;
    delete s.forkPrContributorApproval;
    const problems = (await check(s)).map((f) => f.problem);
    expect(problems).toEqual([
      expect.stringMatching(/cannot read .*fork-pr-contributor-approval \(HTTP 404\)/),
      expect.stringMatching(/cannot read \/orgs\/\{org\}\/actions\/runner-groups \(HTTP 403\)/),
    ]);
  });
});

describe('mlops doctor (exit codes and output)', () => {
  async function doctor(settings: FakeActionsSettings, flags: { repo?: string; runnerGroup?: string; githubConfigUrl?: string }, token: string | null = 't') {
    const fake = await startGitHubFake({ repository: REPO, actionsSettings: settings });
    const out = new PassThrough(); const err = new PassThrough();
    let stdout = ''; let stderr = '';
    out.on('data', (d) => { stdout += d; }); err.on('data', (d) => { stderr += d; });
    try {
      const code = await runDoctor(
        { repo: REPO, runnerGroup: 'homelab', githubConfigUrl: ORG_URL, ...flags },
        { GITHUB_API_URL: fake.url, ...(token ? { GITHUB_TOKEN: token } : {}) }, out, err);
      return { code, stdout, stderr };
    } finally {
      await fake.close();
    }
  }

  it('0 when safe', async () => {
    const r = await doctor(safe(), {});
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('cannot reach the homelab runners unapproved');
  });

  it('a homelab workflow missing from the selection is a note (its jobs would never run), not unsafe', async () => {
    const s = safe();
    s.runnerGroups![1].selected_workflows = s.runnerGroups![1].selected_workflows.filter((w) => !w.includes('drift-analysis'));
    expect(await check(s)).toEqual([expect.objectContaining({ level: 'note', problem: expect.stringContaining('acme/model/.github/workflows/drift-analysis.yml@refs/heads/main') })]);
    const r = await doctor(s, {});
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: homelab runner group: /);
  });

  it('1 with one line per unsafe setting, naming it and the fix', async () => {
    const s = safe();
    s.runnerGroups![1].restricted_to_workflows = false;
    s.forkPrContributorApproval = { approval_policy: 'first_time_contributors_new_to_github' };
    const r = await doctor(s, {});
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^unsafe: fork pull request approval: .*Fix: /);
    expect(lines[1]).toMatch(/^unsafe: homelab runner group: .*Fix: /);
  });

  it('2 on usage errors', async () => {
    expect((await doctor(safe(), { repo: 'not a repo' })).code).toBe(2);
    expect((await doctor(safe(), { githubConfigUrl: 'http://example.com/x' })).code).toBe(2);
    const noToken = await doctor(safe(), {}, null);
    expect(noToken).toMatchObject({ code: 2, stderr: 'mlops doctor: GITHUB_TOKEN is not set\n' });
  });
});

describe('HOMELAB_WORKFLOWS', () => {
  it('lists exactly the committed workflows that can run on homelab', () => {
    const dir = join(__dirname, '..', '..', '.github', 'workflows');
    const onHomelab = readdirSync(dir).filter((f) => {
      const wf = parse(readFileSync(join(dir, f), 'utf8')) as { jobs: Record<string, { 'runs-on': unknown }> };
      return Object.values(wf.jobs).some((j) => JSON.stringify(j['runs-on']).includes('homelab'));
    });
    expect([...HOMELAB_WORKFLOWS].sort()).toEqual(onHomelab.sort());
  });
});
