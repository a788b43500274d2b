import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * scripts/setup.sh's prerequisite checks and its Debian-package step, run for real against fake
 * node/python3/apt-get/dpkg-query/systemctl binaries placed first on PATH: nothing is installed and no
 * service is touched. `--check-only` stops after the checks and the printed plan.
 */
const ROOT = resolve(__dirname, '../..');
const SETUP = join(ROOT, 'scripts/setup.sh');

let work: string;
beforeEach(() => { work = mkdtempSync(join(tmpdir(), 'setup-test-')); });
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A directory of executable shell scripts, to put first on PATH. */
function fakeBin(scripts: Record<string, string>): string {
  const bin = join(work, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

/** A python3 that reports `version` and, when `venv` is false, fails `import venv, ensurepip` like Debian without python3-venv. */
function fakePython(version: string, venv: boolean): string {
  return [
    'case "$2" in',
    `  *version_info*) echo ${version} ;;`,
    `  *ensurepip*) ${venv ? 'exit 0' : 'echo "ModuleNotFoundError: No module named \'ensurepip\'" >&2; exit 1'} ;;`,
    '  *) exit 3 ;;',
    'esac',
  ].join('\n');
}

function runSetup(bin: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', [SETUP, '--check-only'], {
    cwd: ROOT,
    encoding: 'utf8',
    input: '',
    timeout: 60_000,
    env: { ...process.env, CI: 'true', PATH: `${bin}:${process.env.PATH}`, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('setup.sh --check-only: prerequisites', () => {
  test('a Python older than 3.11 stops it with the version found, what is needed and the fix', () => {
    const r = runSetup(fakeBin({ python3: fakePython('3.10.12', true) }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('python3 is 3.10.12');
    expect(r.stderr).toContain('need Python >= 3.11');
    expect(r.stderr).toContain('apt-get install python3.11 python3.11-venv');
    expect(r.stderr).toContain('SETUP_PYTHON=python3.11');
    expect(r.stdout).not.toContain('will install');
  });

  test('a Python without venv/ensurepip stops it and names python3-venv', () => {
    const r = runSetup(fakeBin({ python3: fakePython('3.11.2', false) }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('python3 3.11.2');
    expect(r.stderr).toContain('cannot create virtual environments');
    expect(r.stderr).toContain('apt-get install python3-venv (or python3.11-venv for python3.11)');
  });

  test('SETUP_PYTHON picks the interpreter, and the message names it', () => {
    const r = runSetup(fakeBin({ 'python3': fakePython('3.10.12', true), 'python3.12': fakePython('3.12.1', false) }), { SETUP_PYTHON: 'python3.12' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('python3.12 3.12.1');
    expect(r.stderr).toContain('python3.12-venv');
  });

  /** dpkg-query reporting every package installed except `absent`. */
  const dpkgWithout = (absent: string) => `[ "$1" = -W ] || exit 2; for last; do :; done; [ "$last" = ${absent} ] && exit 1; printf 'install ok installed'`;

  test('python3-venv still to be installed: the venv check waits for apt, the version check does not', () => {
    const deferred = runSetup(fakeBin({ 'python3': fakePython('3.11.2', false), 'dpkg-query': dpkgWithout('python3-venv') }));
    expect(deferred.stderr).toBe('');
    expect(deferred.code).toBe(0);
    expect(deferred.stdout).toContain('Debian packages (apt-get, no service started): python3-venv');
    expect(deferred.stdout).toContain("python3's venv is checked after the Debian packages are installed");

    const tooOld = runSetup(fakeBin({ 'python3': fakePython('3.10.12', false), 'dpkg-query': dpkgWithout('python3-venv') }));
    expect(tooOld.code).toBe(1);
    expect(tooOld.stderr).toContain('python3 is 3.10.12');
  });

  test('a Node older than package.json engines stops it before anything else', () => {
    const r = runSetup(fakeBin({ node: 'echo v18.19.0', python3: fakePython('3.10.0', false) }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('node is 18.19.0');
    expect(r.stderr).toContain('needs Node >= 20.19.0 (package.json engines)');
    expect(r.stderr).not.toContain('python');
  });

  test('good prerequisites: exit 0, a plan (or "installed already"), and nothing installed', () => {
    const r = runSetup(fakeBin({ python3: fakePython('3.11.7', true) }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[setup\] prerequisites ok; (will install:[\s\S]*--check-only: nothing installed|everything is installed already)/);
  });

  test('an unknown option is a usage error', () => {
    const r = spawnSync('bash', [SETUP, '--yes'], { cwd: ROOT, encoding: 'utf8', input: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--yes'");
  });
});

describe('scripts/setup/checks.sh helpers', () => {
  const sh = (script: string) => spawnSync('bash', ['-c', `source scripts/setup/checks.sh; ${script}`], { cwd: ROOT, encoding: 'utf8' });

  test.each([
    ['3.11.7', '3.11', true], ['3.11', '3.11.0', true], ['3.9.18', '3.11', false], ['3.10.12', '3.11', false],
    ['20.19.0', '20.19.0', true], ['20.9.1', '20.19.0', false], ['22.0.0', '20.19.0', true], ['3.12.0rc1', '3.11', true],
  ])('version_at_least %s %s → %s', (have, want, ok) => {
    expect(sh(`version_at_least ${have} ${want}`).status).toBe(ok ? 0 : 1);
  });

  test('required_node_version reads package.json engines.node (projen minNodeVersion)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const r = sh('required_node_version package.json');
    expect(r.stdout.trim()).toBe(pkg.engines.node.replace(/^[^0-9]*/, ''));
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('setup never stops, restarts or masks a service', () => {
  const files = [SETUP, ...readdirSync(join(ROOT, 'scripts/setup')).map((f) => join(ROOT, 'scripts/setup', f))];
  const code = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');

  test.each(files.map((f) => [f.slice(ROOT.length + 1), f]))('%s has no systemctl stop/kill/restart/mask, service … stop, invoke-rc.d', (_name, f) => {
    const text = code(f);
    expect(text).not.toMatch(/systemctl\s+(?:--\S+\s+)*(stop|kill|restart|try-restart|reload-or-restart|mask|start)\b/);
    expect(text).not.toMatch(/\bservice\s+\S+\s+(stop|restart)\b/);
    expect(text).not.toMatch(/invoke-rc\.d/);
  });
});

test('the set-up scripts pass shellcheck (Debian package, installed by setup.sh), sourced files followed', () => {
  const scripts = ['scripts/setup.sh', ...readdirSync(join(ROOT, 'scripts/setup')).map((f) => `scripts/setup/${f}`)];
  const r = spawnSync('shellcheck', ['-x', ...scripts], { cwd: ROOT, encoding: 'utf8' });
  if (r.error) throw new Error(`shellcheck did not run (scripts/setup.sh installs it): ${r.error.message}`);
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

describe('install_debian_packages (fake apt-get, dpkg-query, systemctl; no root needed)', () => {
  /**
   * A fake Debian host: `prometheus` becomes installed when apt-get installs it; `grafana` was installed
   * before. Each ships one service unit. apt-get records whether the policy-rc.d file forbade service
   * starts (exit 101) while it ran; systemctl records every call.
   */
  function fakeHost() {
    const state = join(work, 'state');
    mkdirSync(state);
    const bin = fakeBin({
      'id': 'echo 0',
      'apt-get': [
        `echo "apt-get $*" >> ${state}/calls`,
        'case "$*" in *install*)',
        `  if [ -x "$SETUP_POLICY_RC_D" ]; then "$SETUP_POLICY_RC_D" prometheus start; echo "policy-rc.d exit $?" >> ${state}/calls; else echo "no policy-rc.d" >> ${state}/calls; fi`,
        `  [ -z "$FAIL_APT" ] || exit 100; touch ${state}/installed ;;`,
        'esac',
      ].join('\n'),
      'dpkg-query': [
        'case "$1" in',
        '  -W) echo "ii  grafana"',
        `      [ -f ${state}/installed ] && echo "ii  prometheus"; true ;;`,
        '  -L) echo "/usr/lib/systemd/system/$2.service"; echo /usr/lib/systemd/system/$2@.service; echo /usr/bin/$2 ;;',
        'esac',
      ].join('\n'),
      'systemctl': [
        `echo "systemctl $*" >> ${state}/calls`,
        'case "$1" in is-active) exit 3 ;; is-enabled) exit 0 ;; disable) exit 0 ;; esac',
      ].join('\n'),
    });
    return { bin, state, calls: () => readFileSync(join(state, 'calls'), 'utf8') };
  }

  function install(bin: string, policy: string, env: Record<string, string> = {}) {
    return spawnSync('bash', ['-c', 'set -euo pipefail; log() { printf "[setup] %s\\n" "$*"; }; source scripts/setup/checks.sh; source scripts/setup/apt.sh; install_debian_packages prometheus'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SETUP_POLICY_RC_D: policy, ...env },
    });
  }

  test('no policy-rc.d on the host: services are forbidden to start during apt-get, the file is removed, the new unit is disabled with a message', () => {
    const host = fakeHost();
    const policy = join(work, 'policy-rc.d');
    const r = install(host.bin, policy);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(host.calls()).toContain('apt-get install -y -qq --no-install-recommends prometheus');
    expect(host.calls()).toContain('policy-rc.d exit 101');
    expect(existsSync(policy)).toBe(false);
    // Only the package installed on this run; grafana was there before and is never looked at.
    expect(host.calls()).toContain('systemctl disable --quiet prometheus.service');
    expect(host.calls()).not.toContain('grafana');
    expect(host.calls()).not.toMatch(/systemctl (stop|start|restart|mask)/);
    expect(r.stdout).toContain('prometheus.service (package prometheus, installed now) is not started and now disabled at boot');
    expect(r.stdout).toContain('systemctl enable --now prometheus');
  });

  test("the host's own policy-rc.d is left exactly as it is", () => {
    const host = fakeHost();
    const policy = join(work, 'policy-rc.d');
    const own = '#!/bin/sh\n# the host admin\'s policy\nexit 0\n';
    writeFileSync(policy, own);
    chmodSync(policy, 0o755);
    const r = install(host.bin, policy);
    expect(r.status).toBe(0);
    expect(host.calls()).toContain('policy-rc.d exit 0');
    expect(readFileSync(policy, 'utf8')).toBe(own);
  });

  test('a failed apt-get still removes the policy-rc.d it wrote, and a stale one of ours is reused, not kept', () => {
    const host = fakeHost();
    const policy = join(work, 'policy-rc.d');
    writeFileSync(policy, '#!/bin/sh\n# Written by self-healing-mlops scripts/setup.sh for one apt-get run; removed after it.\nexit 0\n');
    chmodSync(policy, 0o755);
    const r = install(host.bin, policy, { FAIL_APT: '1' });
    expect(r.status).toBe(100);
    expect(host.calls()).toContain('policy-rc.d exit 101');
    expect(existsSync(policy)).toBe(false);
    expect(host.calls()).not.toContain('systemctl');
  });
});
