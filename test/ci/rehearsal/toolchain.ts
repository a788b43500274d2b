import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `setup-node`, `setup-python`, `npm ci` and `pip install` would have put on the runner, taken
 * from what scripts/setup.sh already built in the worktree (node_modules, .venvs/{tools,train,serve})
 * instead of downloading it again. Each substitution is a small shell stand-in on PATH that checks
 * what the real tool would check (the lockfile or requirement file exists in the clone and matches
 * what the worktree was built from), links the built result, and logs itself, so the report can say
 * which `run:` steps went through a substitution. Everything else these commands do runs for real.
 *
 * `.venvs/` is NOT linked into the clone: on GitHub it does not exist, and a step that used it
 * would pass here and fail there.
 */

/** Requirement file (path from the repo root) → the venv scripts/setup.sh builds from it. */
export const REQUIREMENT_SETS: Record<string, string> = {
  'requirements/tools.txt': 'tools',
  'model/requirements/train.txt': 'train',
  'model/requirements/serve.txt': 'serve',
};

export interface Toolchain {
  /** Directory of the stand-ins; goes on PATH before the system's. */
  readonly shimDir: string;
  /** The interpreter the venvs were built from (setup-python's `python`). */
  readonly python: string;
}

/** The base interpreter of a venv, from its pyvenv.cfg (`home = /usr/bin`). */
function basePython(venv: string): string {
  const cfg = readFileSync(join(venv, 'pyvenv.cfg'), 'utf8');
  const home = /^home\s*=\s*(.+)$/m.exec(cfg)?.[1]?.trim();
  if (!home) throw new Error(`${venv}/pyvenv.cfg has no "home" line`);
  for (const name of ['python3.11', 'python3']) {
    if (existsSync(join(home, name))) return join(home, name);
  }
  throw new Error(`no python3 in ${home} (from ${venv}/pyvenv.cfg)`);
}

function which(cmd: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  throw new Error(`${cmd} is not on PATH`);
}

const COMMON = (root: string) => `set -euo pipefail
ROOT=${JSON.stringify(root)}
VENVS="$ROOT/.venvs"
substituted() { printf '%s\\n' "$*" >> "\${REHEARSAL_SUBSTITUTIONS:-/dev/null}"; }
# A requirement file (as given, from the current directory) → the venv setup.sh built from it, after
# checking the file in the clone is the one that venv was built from (setup.sh's stamp).
set_of() {
  local given=$1 rel set
  if [ ! -f "$given" ]; then echo "ERROR: Could not open requirements file: [Errno 2] No such file or directory: '$given'" >&2; return 1; fi
  rel=$(realpath --relative-to="$GITHUB_WORKSPACE" "$given")
  case "$rel" in
${Object.entries(REQUIREMENT_SETS).map(([f, s]) => `    ${f}) set=${s} ;;`).join('\n')}
    *) echo "rehearsal: no venv of scripts/setup.sh is built from $rel" >&2; return 1 ;;
  esac
  # What pip would find already satisfied: every name==version pinned in the file is installed in the venv.
  # (Not setup.sh's stamp of the file: on a machine where worktrees share .venvs, another branch's set
  # with the same pins plus more is as good.)
  if ! "$VENVS/$set/bin/python" - "$given" >&2 <<'PY'
import importlib.metadata as md, re, sys
missing = []
for line in open(sys.argv[1]):
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\\[[^]]*\\])?==([^\\s;\\\\]+)", line)
    if not m:
        continue
    try:
        have = md.version(m.group(1))
    except md.PackageNotFoundError:
        have = "none"
    if have != m.group(3):
        missing.append(f"{m.group(1)}=={m.group(3)} (has {have})")
if missing:
    sys.exit("lacks " + ", ".join(missing))
PY
  then
    echo "rehearsal: .venvs/$set does not hold what $rel pins (above): run scripts/setup.sh" >&2; return 1
  fi
  echo "$set"
}
requirement_files() {
  while [ $# -gt 0 ]; do
    case "$1" in -r|--requirement) echo "$2"; shift 2 ;; -r*) echo "\${1#-r}"; shift ;; *) shift ;; esac
  done
}
`;

/** Writes the stand-ins for a worktree whose node_modules and .venvs scripts/setup.sh built. */
export function prepareToolchain(root: string, dir: string): Toolchain {
  for (const set of Object.values(REQUIREMENT_SETS)) {
    if (!existsSync(join(root, '.venvs', set, 'bin', 'python'))) throw new Error(`${root}/.venvs/${set} is missing: run scripts/setup.sh`);
  }
  if (!existsSync(join(root, 'node_modules', '.bin'))) throw new Error(`${root}/node_modules is missing: run scripts/setup.sh`);
  const python = basePython(join(root, '.venvs', 'tools'));
  const npm = which('npm');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, body: string) => writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${COMMON(root)}${body}`, { mode: 0o755 });

  // setup-python's `python`: `-m venv` and `-m pip install -r` are substituted, the rest is Python.
  write('python', `
if [ "\${1:-}" = -m ] && [ "\${2:-}" = venv ]; then
  dir="\${@: -1}"
  mkdir -p "$dir/bin"
  ln -sf ${JSON.stringify(python)} "$dir/bin/python"
  cp "$(dirname "$0")/venv-pip" "$dir/bin/pip"
  substituted "python -m venv $dir (its pip links the venv setup.sh built from the same requirement file)"
  exit 0
fi
if [ "\${1:-}" = -m ] && [ "\${2:-}" = pip ] && [ "\${3:-}" = install ]; then
  files=$(requirement_files "$@")
  [ -n "$files" ] || { echo "rehearsal: pip install without -r is not substituted: $*" >&2; exit 1; }
  for f in $files; do
    set=$(set_of "$f")
    echo "$VENVS/$set/bin" >> "$GITHUB_PATH"
    substituted "pip install -r $f → .venvs/$set/bin on PATH"
  done
  exit 0
fi
exec ${JSON.stringify(python)} "$@"
`);
  writeFileSync(join(dir, 'python3'), '#!/usr/bin/env bash\nexec "$(dirname "$0")/python" "$@"\n', { mode: 0o755 });

  // The pip of a venv made by \`python -m venv\` above: the venv becomes the one setup.sh built.
  write('venv-pip', `
[ "\${1:-}" = install ] || { echo "rehearsal: only pip install is substituted: $*" >&2; exit 1; }
venv=$(cd "$(dirname "$0")/.." && pwd)
files=$(requirement_files "$@")
[ "$(echo "$files" | wc -w)" = 1 ] || { echo "rehearsal: one -r file per venv is substituted, got: $files" >&2; exit 1; }
set=$(set_of "$files")
rm -rf "$venv" && ln -s "$VENVS/$set" "$venv"
substituted "$venv/bin/pip install -r $files → $venv is .venvs/$set"
`);

  // \`npm ci\`: the lockfile in the clone must be the worktree's; node_modules is linked.
  write('npm', `
if [ "\${1:-}" = ci ]; then
  if [ ! -f package-lock.json ]; then echo "npm ERR! The \\\`npm ci\\\` command can only install with an existing package-lock.json (in $(pwd))" >&2; exit 1; fi
  cmp -s package-lock.json "$ROOT/package-lock.json" || { echo "rehearsal: package-lock.json differs from the worktree's: run scripts/setup.sh" >&2; exit 1; }
  rm -rf node_modules && ln -s "$ROOT/node_modules" node_modules
  # npm makes a directory, which the .gitignore pattern node_modules/ ignores; a symlink it does not, and a
  # later step that wants a clean tree (pin-images --commit) would see it. The clone's own exclude file.
  if exclude=$(git rev-parse --git-path info/exclude 2>/dev/null); then mkdir -p "$(dirname "$exclude")" && echo /node_modules >> "$exclude"; fi
  substituted "npm ci → node_modules linked from the worktree (same package-lock.json)"
  exit 0
fi
exec ${JSON.stringify(npm)} "$@"
`);
  // `apt-get` (platform-ci's container installs git before checkout): never touches this machine's
  // packages; `install` succeeds when every package is already installed here (scripts/setup.sh's job).
  write('apt-get', `
case " $* " in
  *" update "*) substituted "apt-get update (not run: the package lists of this machine are not touched)"; exit 0 ;;
  *" install "*)
    missing=()
    for a in "$@"; do
      case "$a" in -*|install) ;; *) dpkg-query -W -f='\${Status}' "$a" 2>/dev/null | grep -q "install ok installed" || missing+=("$a") ;; esac
    done
    if [ \${#missing[@]} -gt 0 ]; then echo "rehearsal: not installed on this machine: \${missing[*]} (scripts/setup.sh installs the Debian packages)" >&2; exit 100; fi
    substituted "apt-get $* → already installed here"; exit 0 ;;
  *) echo "rehearsal: apt-get $* is not substituted" >&2; exit 100 ;;
esac
`);
  return { shimDir: dir, python };
}
