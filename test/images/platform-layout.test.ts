import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../oci/registry';

// The platform image's layout without a Docker engine: the build stage's steps in a scratch directory (tsc to lib/,
// the data files beside it), then the runtime's view (no src/, no TypeScript): `mlops --help` works and
// `mlops gateway` answers /readyz. The steps are the Dockerfile's own (asserted below), so the two cannot drift.
const ROOT = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(ROOT, 'images/platform/Dockerfile'), 'utf8');

describe('images/platform: the compiled CLI starts from lib/ alone', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'platform-image-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the Dockerfile builds and ships what this test reproduces', () => {
    expect(dockerfile).toContain('npm rebuild better-sqlite3 --build-from-source');
    expect(dockerfile).toContain('RUN npx tsc -p tsconfig.json \\\n && cp src/config/*.json lib/src/config/');
    for (const copied of ['COPY --from=build /app/node_modules/ node_modules/', 'COPY --from=build /app/lib/ lib/', 'COPY bin/ bin/', 'COPY prompts/ prompts/']) {
      expect(dockerfile).toContain(copied);
    }
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    expect(dockerfile).toContain('ln -s /app/bin/mlops /usr/local/bin/mlops');
  });

  test('tsc → lib/; without src/ the CLI runs the JavaScript and the gateway becomes ready', async () => {
    for (const p of ['package.json', 'tsconfig.json', 'imports', 'src', 'prompts', 'bin']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    cpSync(join(dir, 'src/config'), join(dir, 'lib/src/config'), { recursive: true, filter: (f) => !f.endsWith('.ts') });
    rmSync(join(dir, 'src'), { recursive: true });
    expect(existsSync(join(dir, 'lib/src/cli/main.js'))).toBe(true);

    const env = { PATH: process.env.PATH!, NODE_ENV: 'production', MLOPS_PROMPTS_DIR: join(dir, 'prompts') };
    const help = spawnSync(process.execPath, ['bin/mlops', '--help'], { cwd: dir, env, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('gateway');

    const state = join(dir, 'state');
    mkdirSync(state);
    const [http, am, ks] = [await freePort(), await freePort(), await freePort()];
    const gw = spawn(process.execPath, ['bin/mlops', 'gateway'], {
      cwd: dir,
      env: { ...env, PORT: String(http), ALERTMANAGER_PORT: String(am), KSERVE_PORT: String(ks), GATEWAY_TOKEN: 't', GITHUB_TOKEN: 'x', GITHUB_REPOSITORY: 'acme/repo', GATEWAY_STATE_DIR: state },
      stdio: 'ignore',
    });
    try {
      const deadline = Date.now() + 30_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = await fetch(`http://127.0.0.1:${http}/readyz`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    } finally {
      gw.kill('SIGTERM');
    }
  }, 240_000);
});
