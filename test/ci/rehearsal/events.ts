import type { Workflow } from './workflow';

/**
 * The trigger of a rehearsal and the event payload GitHub would write to GITHUB_EVENT_PATH
 * (webhook payload shapes: github/docs content/webhooks/webhook-events-and-payloads.md), trimmed to
 * the fields the workflows and the CLI read.
 */
export type EventName = 'push' | 'pull_request' | 'workflow_dispatch' | 'workflow_run' | 'repository_dispatch' | 'schedule';

export interface Scenario {
  readonly event: EventName;
  /** Merged over the default payload (shallowly, per top-level key). */
  readonly payload?: Record<string, unknown>;
  /** workflow_dispatch inputs (defaults come from the workflow). */
  readonly inputs?: Record<string, string>;
  readonly vars?: Record<string, string>;
  readonly secrets?: Record<string, string>;
  /** Extra runner environment (the fakes' URLs: GITHUB_API_URL, SLACK_API_URL, GEMINI_BASE_URL). */
  readonly env?: Record<string, string>;
  /** `owner/name`. @default acme/model */
  readonly repository?: string;
}

export interface EventContext {
  readonly name: EventName;
  readonly payload: Record<string, unknown>;
  readonly ref: string;
  readonly inputs: Record<string, string>;
}

export function buildEvent(wf: Workflow, s: Scenario, sha: string): EventContext {
  if (!(s.event in wf.on)) throw new Error(`${wf.file} is not triggered by ${s.event} (on: ${Object.keys(wf.on).join(', ')})`);
  const repository = s.repository ?? 'acme/model';
  const repo = { full_name: repository, name: repository.split('/')[1], owner: { login: repository.split('/')[0] }, default_branch: 'main' };
  let payload: Record<string, unknown>;
  let ref = 'refs/heads/main';
  let inputs: Record<string, string> = {};
  switch (s.event) {
    case 'push':
      payload = { ref, before: '0'.repeat(40), after: sha, repository: repo };
      break;
    case 'pull_request':
      ref = 'refs/pull/1/merge';
      payload = {
        action: 'opened',
        number: 1,
        pull_request: { number: 1, head: { sha, ref: 'feature', repo }, base: { sha, ref: 'main', repo } },
        repository: repo,
      };
      break;
    case 'workflow_dispatch': {
      const declared = ((wf.on.workflow_dispatch ?? {}) as { inputs?: Record<string, { default?: string; required?: boolean }> }).inputs ?? {};
      for (const [k, spec] of Object.entries(declared)) {
        const v = s.inputs?.[k] ?? spec.default;
        if (v === undefined && spec.required) throw new Error(`${wf.file}: workflow_dispatch input "${k}" is required`);
        if (v !== undefined) inputs[k] = String(v);
      }
      for (const k of Object.keys(s.inputs ?? {})) {
        if (!(k in declared)) throw new Error(`${wf.file}: workflow_dispatch has no input "${k}"`);
      }
      payload = { inputs, ref, repository: repo };
      break;
    }
    case 'repository_dispatch':
      payload = { action: 'dispatch', client_payload: {}, repository: repo };
      break;
    case 'workflow_run':
      payload = {
        action: 'completed',
        workflow_run: { id: 4242, name: 'model-ci-ct-cd', conclusion: 'failure', head_branch: 'main', head_sha: sha, head_repository: repo, repository: repo },
        repository: repo,
      };
      break;
    case 'schedule':
      payload = { schedule: '23 */6 * * *', repository: repo };
      break;
  }
  payload = { ...payload, ...(s.payload ?? {}) };
  if (s.event === 'repository_dispatch') {
    const types = ((wf.on.repository_dispatch ?? {}) as { types?: string[] }).types;
    if (types && !types.includes(String(payload.action))) throw new Error(`${wf.file}: repository_dispatch type "${String(payload.action)}" is not one of ${types.join(', ')}`);
  }
  return { name: s.event, payload, ref, inputs };
}
