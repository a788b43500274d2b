import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { actionlint } from './support/actionlint';
import { synthWorkflowFiles } from './support/bare-project';
import { AlertAnalysisWorkflow, DriftAnalysisWorkflow, TriageWorkflow } from '../../src/ci';
import { WorkflowLlm } from '../../src/ci/lib/llm';
import { loadSiteFile } from '../../src/config/site';

/**
 * The analysis workflows pass the site file's LLM (site.yaml → llm; .projenrc.ts hands it over):
 * an on-prem OpenAI-compatible endpoint and model as well as Gemini. The CLI picks the provider as
 * src/analysis/providers/index.ts does: `--provider openai` reads OPENAI_BASE_URL, OPENAI_MODEL and
 * OPENAI_API_KEY; without a flag Gemini when GEMINI_API_KEY is set (GEMINI_MODEL optional), else offline.
 */
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function synth(llm: WorkflowLlm): Record<string, any> {
  const files = synthWorkflowFiles((project) => {
    new TriageWorkflow(project, { llm });
    new AlertAnalysisWorkflow(project, { llm });
    new DriftAnalysisWorkflow(project, { llm });
  });
  return Object.fromEntries(['triage', 'alert-analysis', 'drift-analysis'].map((n) => [n, { text: files[`.github/workflows/${n}.yml`], doc: parse(files[`.github/workflows/${n}.yml`]) }]));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stepRunning = (wf: any, command: string) => Object.values<any>(wf.doc.jobs).flatMap((j) => j.steps.map((s: any) => ({ ...s, job: j })))
  .filter((s) => typeof s.run === 'string' && s.run.includes(`npx mlops ${command}`) && !s.run.includes('--from-report') && !s.run.includes('--offline --json'));

describe('an on-prem OpenAI-compatible endpoint (llm.provider: openai)', () => {
  const llm: WorkflowLlm = { provider: 'openai', baseUrl: 'http://192.168.1.20:11434/v1', model: 'qwen2.5:14b-instruct' };
  const wfs = synth(llm);

  test.each([['triage', 'triage'], ['alert-analysis', 'analyze-alert'], ['drift-analysis', 'analyze-drift']])('%s passes endpoint, model, key secret and --provider openai', (name, command) => {
    const steps = stepRunning(wfs[name], command);
    expect(steps).toHaveLength(1);
    const env = { ...steps[0].job.env, ...steps[0].env };
    expect(env).toMatchObject({ OPENAI_BASE_URL: llm.baseUrl, OPENAI_MODEL: llm.model, OPENAI_API_KEY: '${{ secrets.OPENAI_API_KEY }}' });
    expect(env.GEMINI_API_KEY).toBeUndefined();
    expect(steps[0].run).toContain(`npx mlops ${command} --provider openai`);
    expect(steps[0].run.split('\n')[0]).toBe('if [ -z "${OPENAI_API_KEY:-}" ]; then unset OPENAI_API_KEY; fi');
    // Only the cluster's runners reach an on-prem endpoint.
    expect(steps[0].job['runs-on']).toBe('homelab');
  });

  test('fork runs of triage stay offline and get no secret', () => {
    const fork = Object.values<any>(wfs.triage.doc.jobs.analyze.steps).find((s) => String(s.name).startsWith('Triage a fork run'));
    expect(fork.run).toContain('--offline');
    // Only the workflow's own read token (to read the run's logs); no secret of the repository.
    expect(JSON.stringify(fork.env ?? {})).not.toMatch(/secrets\./);
  });

  test('the generated workflows pass actionlint 1.17 with shellcheck, nothing filtered', () => {
    const project = mkdtempSync(join(tmpdir(), 'llm-actionlint-'));
    outdirs.push(project);
    mkdirSync(join(project, '.github/workflows'), { recursive: true });
    cpSync(resolve(__dirname, '../../.github/actionlint.yaml'), join(project, '.github/actionlint.yaml'));
    for (const [name, wf] of Object.entries(wfs)) writeFileSync(join(project, `.github/workflows/${name}.yml`), wf.text);
    expect(actionlint(project, Object.keys(wfs).map((n) => `.github/workflows/${n}.yml`))).toEqual([]);
  });
});

describe('Gemini (the shipped site file) and offline', () => {
  test('the site file as shipped (its fixture copy) names Gemini: the key secret, no provider flag (offline without the secret)', () => {
    expect(loadSiteFile(join(__dirname, '../config/site.fixture.yaml')).llm).toEqual({ provider: 'gemini' });
    const wfs = synth({ provider: 'gemini' });
    for (const [name, command] of [['triage', 'triage'], ['alert-analysis', 'analyze-alert'], ['drift-analysis', 'analyze-drift']]) {
      const [step] = stepRunning(wfs[name], command);
      expect({ ...step.job.env, ...step.env }.GEMINI_API_KEY).toBe('${{ secrets.GEMINI_API_KEY }}');
      expect(step.run).not.toContain('--provider');
      if (name === 'triage') expect(step.job['runs-on']).toBe('ubuntu-24.04');
    }
  });

  test('a Gemini model from the site file is passed as GEMINI_MODEL', () => {
    const [step] = stepRunning(synth({ provider: 'gemini', model: 'gemini-2.5-pro' })['alert-analysis'], 'analyze-alert');
    expect({ ...step.job.env, ...step.env }.GEMINI_MODEL).toBe('gemini-2.5-pro');
  });

  test('offline: no key, --offline', () => {
    const [step] = stepRunning(synth({ provider: 'offline' })['drift-analysis'], 'analyze-drift');
    expect(step.run).toContain('npx mlops analyze-drift --offline');
    expect({ ...step.job.env, ...step.env }.GEMINI_API_KEY).toBeUndefined();
  });
});
