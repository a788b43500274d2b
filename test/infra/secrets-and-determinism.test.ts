import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { siteDoc } from './support';

/** main.ts names the stack after the site's cluster name. */
const stackFile = '/stacks/homelab/cdk.tf.json';

/**
 * Runs the real entry point (`src/infra/main.ts`, as `npx projen synth:infra` does) in a child process, so
 * environment variables and the site file are the synth-time inputs exactly as a user provides them.
 */
const repoRoot = resolve(__dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'infra-synth-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function synthToDir(name: string, env: Record<string, string>, site: unknown): { status: number | null; stderr: string; outdir: string } {
  const outdir = join(tmp, name);
  const siteFile = join(tmp, `${name}.yaml`);
  writeFileSync(siteFile, stringify(site));
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/infra/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, CDKTF_OUTDIR: outdir, MLOPS_SITE_FILE: siteFile },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr, outdir };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [f.slice(dir.length), readFileSync(f, 'utf8')]));
}

const CANARY = 'CANARYa8f3c2e1d9b7406f95e2c1a0b3d4e5f6';

describe('no secret reaches cdktf.out', () => {
  // Every way a user might hand a secret to the synth: provider env vars, TF_VAR_*, the K3s installer's
  // env, S3 credentials, and generic names.
  const secretEnv = Object.fromEntries(
    [
      'PROXMOX_VE_API_TOKEN',
      'PROXMOX_VE_PASSWORD',
      'PROXMOX_VE_SSH_PASSWORD',
      'PROXMOX_VE_SSH_PRIVATE_KEY',
      'PROXMOX_VE_AUTH_TICKET',
      'TF_VAR_proxmox_api_token',
      'TF_VAR_k3s_token',
      'K3S_TOKEN',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'GITHUB_TOKEN',
    ].map((k) => [k, CANARY]),
  );

  test('secrets in the environment: synth succeeds and the canary appears in no file', () => {
    const r = synthToDir('env', secretEnv, siteDoc());
    expect(r.stderr).not.toContain('failed');
    expect(r.status).toBe(0);
    const tree = readTree(r.outdir);
    expect(Object.keys(tree)).toContain(stackFile);
    for (const [file, text] of Object.entries(tree)) expect({ file, leaked: text.includes(CANARY) }).toEqual({ file, leaked: false });
    // The cloud-init snippets reference the sensitive variable instead.
    const stack = JSON.parse(tree[stackFile]);
    for (const snippet of Object.values<any>(stack.resource.proxmox_virtual_environment_file)) {
      expect(snippet.source_raw.data).toContain('${jsonencode(var.k3s_token)}');
    }
    expect(stack.variable.k3s_token.sensitive).toBe(true);
    expect(stack.provider.proxmox[0].api_token).toBe('${var.proxmox_api_token}');
  });

  test('secrets in the site file are rejected (synth fails naming the key) and nothing is written', () => {
    const site = siteDoc({ k3sToken: CANARY, proxmox: { apiToken: CANARY } });
    const r = synthToDir('config', {}, site);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/config\.yaml: k3sToken: unknown key/);
    expect(r.stderr).toMatch(/config\.yaml: proxmox\.apiToken: unknown key/);
    expect(r.stderr).not.toContain(CANARY);
    expect(() => readdirSync(r.outdir)).toThrow();
  });
});

test('HCL output mode is refused rather than silently dropping the bindings\' arguments', () => {
  const r = synthToDir('hcl', { SYNTH_HCL_OUTPUT: 'true' }, siteDoc());
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('SYNTH_HCL_OUTPUT=true is not supported');
});

describe('synthesis is deterministic and machine-independent', () => {
  test('two runs are byte-identical and contain no absolute path of this machine', () => {
    const a = synthToDir('run-a', {}, siteDoc());
    const b = synthToDir('run-b', {}, siteDoc());
    expect([a.status, b.status]).toEqual([0, 0]);
    const treeA = readTree(a.outdir);
    expect(treeA).toEqual(readTree(b.outdir));
    const machinePaths = [repoRoot, tmp, homedir(), process.cwd()].filter((p) => p.length > 1);
    for (const [file, text] of Object.entries(treeA)) {
      for (const p of machinePaths) expect({ file, path: p, found: text.includes(p) }).toEqual({ file, path: p, found: false });
    }
    const stack = JSON.parse(treeA[stackFile]);
    expect(stack.terraform.backend.local.path.startsWith('/')).toBe(false);
  });
});
