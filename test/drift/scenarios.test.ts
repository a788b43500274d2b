import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { retrainWindow } from '../../src/contracts/dispatch';
import { act } from '../../src/drift/actions';
import { analyzeTables } from '../../src/drift/analyze';
import { readCsv } from '../../src/drift/csv';
import { driftMarkdown } from '../../src/drift/render';
import type { DriftReport } from '../../src/drift/report';
import { GitHubFake, startGitHubFake } from '../fakes/github';
import { SlackFake, startSlackFake } from '../fakes/slack';

/**
 * Scenarios made with the model's own data generator (`credit_risk.dataset`, via its CLI entry point) and the
 * model trained by `credit_risk.train`; the current windows carry the model's predictions and the true labels.
 * Each scenario's root cause and urgency are checked against the decision table, and the urgency's action is
 * taken against the loopback GitHub and Slack fakes.
 */

const repo = path.resolve(__dirname, '..', '..');
const python = path.join(repo, '.venvs', 'train', 'bin', 'python');
const ROWS = '3000';
const NO_DRIFT_SEEDS = Array.from({ length: 20 }, (_, i) => 100 + i);
const WIDE = 'age,annual_income,loan_amount,credit_score,debt_to_income,credit_utilization,num_credit_lines,years_employed,savings_balance';

const files: Record<string, string[]> = {
  ref: ['--rows', ROWS, '--seed', '1'],
  covariate: ['--rows', ROWS, '--seed', '3', '--covariate-drift', 'credit_score,annual_income'],
  wide: ['--rows', ROWS, '--seed', '4', '--covariate-drift', WIDE],
  concept: ['--rows', ROWS, '--seed', '5', '--concept-drift'],
  nulls: ['--rows', ROWS, '--seed', '6', '--nulls', 'age:0.1'],
  outOfRange: ['--rows', ROWS, '--seed', '7', '--out-of-range', 'loan_amount:0.05'],
  ...Object.fromEntries(NO_DRIFT_SEEDS.map((s) => [`clean${s}`, ['--rows', ROWS, '--seed', String(s)]])),
};

let work: string;
let github: GitHubFake;
let slack: SlackFake;

beforeAll(async () => {
  if (!fs.existsSync(python)) throw new Error(`${python} is missing: run scripts/setup.sh (it builds .venvs/train)`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-scenarios-'));
  fs.writeFileSync(path.join(work, 'spec.json'), JSON.stringify({ trainRows: 4000, trainSeed: 11, files }));
  const r = spawnSync(python, [path.join(__dirname, 'scenario_data.py'), work, path.join(work, 'spec.json')], {
    cwd: repo,
    env: { ...process.env, PYTHONPATH: path.join(repo, 'model', 'src') },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`scenario data generation failed (${r.status}): ${r.stderr}`);
  github = await startGitHubFake();
  slack = await startSlackFake();
}, 660_000);

afterAll(async () => {
  await github?.close();
  await slack?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function analyse(current: string): DriftReport {
  const reference = readCsv(path.join(work, 'ref.csv'));
  return analyzeTables(reference, readCsv(path.join(work, `${current}.csv`)), { target: 'label', prediction: 'prediction' }).report;
}

function env(): NodeJS.ProcessEnv {
  return {
    GITHUB_TOKEN: 'ghs_test_token',
    GITHUB_REPOSITORY: 'acme/model',
    GITHUB_API_URL: github.url,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slack.apiUrl,
  };
}

/** The urgency the table gives for a measured accuracy (labels present, enough of them). */
function tableUrgency(accuracy: number, datasetDrift: boolean, someDrift: boolean): string {
  if (accuracy < 0.8 || (accuracy < 0.85 && datasetDrift)) return 'P0';
  if (accuracy < 0.85 || datasetDrift) return 'P1';
  return someDrift ? 'P2' : 'none';
}

describe('drift scenarios with the model\'s data generator', () => {
  it('no drift gives root cause none and urgency none over 20 seeds', () => {
    const outcomes = NO_DRIFT_SEEDS.map((s) => {
      const r = analyse(`clean${s}`);
      return { seed: s, rootCause: r.rootCause, urgency: r.urgency, drifted: r.features.filter((f) => f.drifted).map((f) => f.name) };
    });
    expect(outcomes).toEqual(NO_DRIFT_SEEDS.map((seed) => ({ seed, rootCause: 'none', urgency: 'none', drifted: [] })));
  });

  it('covariate drift: the drifted features are exactly the injected ones; with the accuracy drop → data-drift, retrain, P2 → Slack', async () => {
    const r = analyse('covariate');
    expect(r.features.filter((f) => f.drifted).map((f) => f.name).sort()).toEqual(['annual_income', 'credit_score']);
    expect(r.accuracy.counts).toBe(true);
    expect(r.baselines.d30! - r.accuracy.current!).toBeGreaterThan(0.03);
    expect(r.rootCause).toBe('data-drift');
    expect(r.remediation).toBe('retrain');
    expect(r.urgency).toBe(tableUrgency(r.accuracy.current!, r.datasetDrift, true));
    expect(r.urgency).toBe('P2');
    const before = slack.messages.length;
    const action = await act(r, { env: env(), markdown: driftMarkdown(r) });
    expect(action.kind).toBe('slack');
    expect(slack.messages.length).toBe(before + 1);
    expect(slack.messages.at(-1)!.channel).toBe('#ml-alerts');
    expect(slack.messages.at(-1)!.text).toContain('data-drift');
  });

  it('wide covariate drift: drifted set equals the injected set; dataset drift → P1 issue for the ML team (or P0 under 0.85)', async () => {
    const r = analyse('wide');
    expect(r.features.filter((f) => f.drifted).map((f) => f.name).sort()).toEqual(WIDE.split(',').sort());
    expect(r.datasetDrift).toBe(true);
    expect(r.urgency).toBe(tableUrgency(r.accuracy.current!, true, true));
    const action = await act(r, { env: env(), markdown: driftMarkdown(r) });
    if (r.urgency === 'P1') {
      expect(action.kind).toBe('github-issue');
      const issue = github.issues.find((i) => i.title.includes('credit-risk'))!;
      expect(issue.body).toContain('@self-healing-mlops/ml');
      expect(issue.labels).toEqual(expect.arrayContaining(['drift', 'team:ml', 'urgency:P1']));
      // The same episode comments instead of opening a twin.
      await act(r, { env: env(), markdown: driftMarkdown(r) });
      expect(github.issues.filter((i) => i.title.includes('credit-risk'))).toHaveLength(1);
    } else {
      expect(action.kind).toBe('retrain-dispatch');
    }
  });

  it('concept drift: accuracy drops with stable features → concept-drift, retrain, P0 → repository_dispatch retrain', async () => {
    const r = analyse('concept');
    expect(r.features.filter((f) => f.drifted)).toEqual([]);
    expect(r.rootCause).toBe('concept-drift');
    expect(r.remediation).toBe('retrain');
    expect(r.accuracy.current!).toBeLessThan(0.8);
    expect(r.urgency).toBe('P0');
    const before = github.dispatches.length;
    const action = await act(r, { env: env(), markdown: driftMarkdown(r) });
    expect(action.kind).toBe('retrain-dispatch');
    expect(github.dispatches.length).toBe(before + 1);
    expect(github.dispatches.at(-1)).toMatchObject({
      event_type: 'retrain',
      client_payload: { model: 'credit-risk', urgency: 'P0', rootCause: 'concept-drift', window: retrainWindow(r.window) },
    });
  });

  it('injected nulls → data-quality naming the feature, P2 → Slack', async () => {
    const r = analyse('nulls');
    expect(r.rootCause).toBe('data-quality');
    expect(r.affectedFeatures).toEqual(['age']);
    expect(r.remediation).toBe('investigate');
    expect(r.urgency).toBe('P2');
    const age = r.features.find((f) => f.name === 'age')!;
    expect(age.currentNullShare).toBeGreaterThan(0.08);
    const before = slack.messages.length;
    expect((await act(r, { env: env(), markdown: driftMarkdown(r) })).kind).toBe('slack');
    expect(slack.messages.length).toBe(before + 1);
    expect(slack.messages.at(-1)!.text).toContain('data-quality');
  });

  it('injected out-of-range values → data-quality naming the feature', () => {
    const r = analyse('outOfRange');
    expect(r.rootCause).toBe('data-quality');
    expect(r.affectedFeatures).toEqual(['loan_amount']);
    expect(r.urgency).toBe('P2');
  });

  it('without labels the urgency is at most P1, from feature drift alone', () => {
    const reference = readCsv(path.join(work, 'ref.csv'));
    const r = analyzeTables(reference, readCsv(path.join(work, 'concept.csv')), { ignore: ['label', 'prediction'] }).report;
    expect(r.accuracy.current).toBeNull();
    expect(r.rootCause).toBe('none');
    const wide = analyzeTables(reference, readCsv(path.join(work, 'wide.csv')), { ignore: ['label', 'prediction'] }).report;
    expect(wide.rootCause).toBe('data-drift');
    expect(wide.urgency).toBe('P1');
  });
});
