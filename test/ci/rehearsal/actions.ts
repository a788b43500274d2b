import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { checkoutInto, Origin } from './workspace';

/**
 * The `uses:` actions the workflows call, emulated with the behaviour later steps depend on:
 * - actions/checkout: a clone of the rehearsal origin (workspace.ts);
 * - actions/setup-node, actions/setup-python: nothing (toolchain.ts puts the tools on PATH);
 * - actions/upload-artifact, actions/download-artifact: a per-run store; downloading a name no
 *   earlier job uploaded FAILS (as on GitHub), uploading a name twice fails (v4 artifacts are immutable);
 * - actions/cache/restore, actions/cache/save: a per-run store with key and restore-keys prefixes;
 * - actions/create-github-app-token: a fake token (the inputs must be set, as the real action requires);
 * - github/codeql-action/upload-sarif: the file must exist and be SARIF (the upload itself is GitHub's).
 * Behaviour is from each action's README/action.yml at the pinned major version.
 */

export interface RunStores {
  /** name → directory holding the artifact's files, and the job that uploaded it. */
  readonly artifacts: Map<string, { dir: string; job: string }>;
  /** key → directory holding the cached paths. */
  readonly caches: Map<string, string>;
  /** Where the stores keep their files. */
  readonly dir: string;
}

export interface ActionCall {
  readonly action: string;
  /** `with:` after expression evaluation. */
  readonly inputs: Record<string, string>;
  readonly workspace: string;
  readonly origin: Origin;
  readonly stores: RunStores;
  /** Artifacts of earlier rehearsed runs, by run id (download-artifact's `run-id:`). */
  readonly otherRuns: ReadonlyMap<string, RunStores['artifacts']>;
  readonly job: string;
}

export interface ActionResult {
  readonly ok: boolean;
  readonly outputs: Record<string, string>;
  readonly log: string;
}

const ok = (log: string, outputs: Record<string, string> = {}): ActionResult => ({ ok: true, outputs, log });
const fail = (log: string): ActionResult => ({ ok: false, outputs: {}, log });

/** A path input inside the workspace (GitHub resolves them from GITHUB_WORKSPACE). */
function inWorkspace(ws: string, p: string): string {
  const full = isAbsolute(p) ? p : resolve(ws, p);
  return full;
}

function lines(v: string | undefined): string[] {
  return (v ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  if (!statSync(dir).isDirectory()) return 1;
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0);
}

const EMULATIONS: Record<string, (c: ActionCall) => ActionResult> = {
  'actions/checkout': (c) => {
    const depth = c.inputs['fetch-depth'] === undefined ? 1 : Number(c.inputs['fetch-depth']);
    if ('token' in c.inputs && !c.inputs.token) return fail('checkout: input "token" is set but empty (the expression gave nothing)');
    if (c.inputs.path) return fail('checkout: path: is not emulated');
    checkoutInto(c.origin, c.workspace, { depth, ref: c.inputs.ref || undefined });
    return ok(`cloned ${c.origin.url} (depth ${depth === 0 ? 'all' : depth}${c.inputs.ref ? `, ref ${c.inputs.ref}` : ''})`);
  },
  'actions/setup-node': (c) => ok(`node ${process.version} on PATH (asked for ${c.inputs['node-version'] ?? '?'})`),
  'actions/setup-python': (c) => ok(`python from scripts/setup.sh's venvs (asked for ${c.inputs['python-version'] ?? '?'})`),
  'actions/upload-artifact': (c) => {
    const name = c.inputs.name || 'artifact';
    const paths = lines(c.inputs.path);
    if (paths.length !== 1) return fail(`upload-artifact: one path is emulated, got ${JSON.stringify(paths)}`);
    if (/[*?[]/.test(paths[0])) return fail(`upload-artifact: glob paths are not emulated: ${paths[0]}`);
    const src = inWorkspace(c.workspace, paths[0]);
    const n = countFiles(src);
    if (n === 0) {
      const mode = c.inputs['if-no-files-found'] || 'warn';
      const msg = `upload-artifact ${name}: no files found at ${paths[0]}`;
      if (mode === 'error') return fail(`${msg} (if-no-files-found: error)`);
      return ok(mode === 'warn' ? `::warning::${msg}` : msg);
    }
    if (c.stores.artifacts.has(name)) return fail(`upload-artifact: an artifact named "${name}" was already uploaded by job ${c.stores.artifacts.get(name)!.job} (v4 artifacts are immutable)`);
    const dest = join(c.stores.dir, 'artifacts', name);
    mkdirSync(dest, { recursive: true });
    // A single directory uploads its contents; a single file uploads the file.
    if (statSync(src).isDirectory()) cpSync(src, dest, { recursive: true });
    else cpSync(src, join(dest, basename(src)));
    c.stores.artifacts.set(name, { dir: dest, job: c.job });
    return ok(`uploaded ${n} file(s) from ${paths[0]} as "${name}"`, { 'artifact-id': String(c.stores.artifacts.size) });
  },
  'actions/download-artifact': (c) => {
    const name = c.inputs.name;
    if (!name) return fail('download-artifact: downloading every artifact (no name) is not emulated');
    // With run-id: an artifact of another workflow run (the real action then needs a token with actions: read).
    const runId = c.inputs['run-id'];
    if (runId && !c.inputs['github-token']) return fail('download-artifact: run-id needs github-token (empty here)');
    const store = runId ? c.otherRuns.get(runId) : c.stores.artifacts;
    if (!store) return fail(`download-artifact: no rehearsed run with id ${runId} (rehearsed: ${[...c.otherRuns.keys()].join(', ') || 'none'})`);
    const art = store.get(name);
    if (!art) {
      const have = [...store.keys()];
      const where = runId ? `run ${runId} did not upload it` : 'no earlier job uploaded it';
      return fail(`download-artifact: Artifact not found for name: ${name} (${where}; uploaded so far: ${have.length ? have.join(', ') : 'none'})`);
    }
    const dest = inWorkspace(c.workspace, c.inputs.path || '.');
    mkdirSync(dest, { recursive: true });
    cpSync(art.dir, dest, { recursive: true });
    return ok(`downloaded "${name}" (from job ${art.job}) to ${relative(c.workspace, dest) || '.'}`, { 'download-path': dest });
  },
  'actions/cache/restore': (c) => {
    const key = c.inputs.key;
    if (!key) return fail('cache/restore: input "key" is required');
    let matched: string | undefined = c.stores.caches.has(key) ? key : undefined;
    for (const prefix of lines(c.inputs['restore-keys'])) {
      if (matched) break;
      matched = [...c.stores.caches.keys()].reverse().find((k) => k.startsWith(prefix));
    }
    if (!matched) return ok(`cache miss for ${key}`, { 'cache-hit': 'false', 'cache-primary-key': key });
    for (const p of lines(c.inputs.path)) cpSync(join(c.stores.caches.get(matched)!, p), inWorkspace(c.workspace, p), { recursive: true });
    return ok(`restored ${matched}`, { 'cache-hit': String(matched === key), 'cache-primary-key': key, 'cache-matched-key': matched });
  },
  'actions/cache/save': (c) => {
    const key = c.inputs.key;
    if (!key) return fail('cache/save: input "key" is required');
    const paths = lines(c.inputs.path).filter((p) => existsSync(inWorkspace(c.workspace, p)));
    if (paths.length === 0) return ok('::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.');
    if (c.stores.caches.has(key)) return ok(`::warning::Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache.`);
    const dest = join(c.stores.dir, 'caches', String(c.stores.caches.size));
    for (const p of paths) cpSync(inWorkspace(c.workspace, p), join(dest, p), { recursive: true });
    c.stores.caches.set(key, dest);
    return ok(`saved ${paths.join(', ')} as ${key}`);
  },
  'actions/create-github-app-token': (c) => {
    for (const input of ['app-id', 'private-key']) {
      if (!c.inputs[input]) return fail(`create-github-app-token: input "${input}" is empty (vars.MLOPS_APP_ID / secrets.MLOPS_APP_PRIVATE_KEY, docs/github-app.md)`);
    }
    return ok('fake installation token', { 'token': 'ghs_rehearsalFakeInstallationToken0000000', 'app-slug': 'mlops-rehearsal', 'installation-id': '1' });
  },
  'github/codeql-action/upload-sarif': (c) => {
    const file = inWorkspace(c.workspace, c.inputs.sarif_file || '../results');
    if (!existsSync(file)) return fail(`upload-sarif: ${c.inputs.sarif_file} does not exist`);
    let doc: { version?: string; runs?: unknown[] };
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      return fail(`upload-sarif: ${c.inputs.sarif_file} is not JSON: ${(err as Error).message}`);
    }
    if (doc.version !== '2.1.0' || !Array.isArray(doc.runs)) return fail(`upload-sarif: ${c.inputs.sarif_file} is not SARIF 2.1.0`);
    return ok(`SARIF with ${doc.runs.length} run(s) checked (the upload to code scanning is GitHub's)`);
  },
};

export function isEmulated(action: string): boolean {
  return action in EMULATIONS;
}

export function emulate(call: ActionCall): ActionResult {
  const fn = EMULATIONS[call.action];
  if (!fn) return fail(`${call.action} is neither emulated (actions.ts) nor in the skip table (skips.ts)`);
  try {
    return fn(call);
  } catch (err) {
    return fail(`${call.action}: ${(err as Error).message}`);
  }
}
