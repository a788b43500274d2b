import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Finds references to things outside the repository in its tracked files: a clone on GitHub (or on a
 * user's machine) has nothing beside it and none of the developer's directories.
 *
 * The rules, and why each exists:
 * - `sibling`: a relative path climbing out to a sibling `shared` folder, or the folder's name
 *   `shared/reference`. The reference material the repository was written from lives there on the
 *   development machine; what the build and tests need is vendored in vendor/ instead. Every file.
 * - `machine`: an absolute path of a developer's machine: `/work/…` (the development workspace),
 *   `/root/…`, `/home/<user>/…`, `/Users/<user>/…` (macOS), `C:\Users\…` (Windows). Every file
 *   except vendor/ (verbatim upstream text whose examples are upstream's). `/home/runner/` is legitimate:
 *   it is the home of GitHub's hosted runners and of the ARC runner image (dist/ runs
 *   `/home/runner/run.sh`; captured CI logs under test/fixtures/ show it).
 * - `tmp`: a baked `/tmp/<name>` path in what build, synth and CI execute (src/, .projenrc.ts, projenrc/,
 *   cdk8s.yaml, cdktf.json, package.json, .github/, .ci/, dist/, imports/, shell scripts under scripts/):
 *   scratch space is `mktemp`/`os.tmpdir()`. Docs and tests may name /tmp in example commands and dummy
 *   values; nothing reads those.
 * System paths (`/usr/bin`, `/opt/venv` in an image, `/mnt/models` in a pod, `/etc`) are not developer
 * paths and are never matched.
 */
export type Rule = 'sibling' | 'machine' | 'tmp';

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly rule: Rule;
  readonly match: string;
}

/** Start of a path: not preceded by a character that would make it the tail of a longer path or word. */
const START = String.raw`(?<![\w.~/\\-])`;

const RULES: ReadonlyArray<{ rule: Rule; re: RegExp; applies: (file: string) => boolean }> = [
  { rule: 'sibling', re: /(?:\.\.[/\\])+shared\b|\bshared[/\\]reference\b/g, applies: () => true },
  {
    rule: 'machine',
    re: new RegExp(String.raw`${START}(?:/work/|/root/|/home/(?!runner/)[\w.-]+/|/Users/[\w.-]+/|[A-Za-z]:\\Users\\)`, 'g'),
    applies: (file) => !file.startsWith('vendor/'),
  },
  {
    rule: 'tmp',
    re: new RegExp(String.raw`${START}/tmp/[\w.-]+`, 'g'),
    applies: (file) =>
      /^(src|projenrc|\.github|\.ci|dist|imports)\//.test(file) ||
      ['.projenrc.ts', 'cdk8s.yaml', 'cdktf.json', 'package.json'].includes(file) ||
      /^scripts\/.*\.sh$/.test(file),
  },
];

/** This check's own rules and tests: they spell out the patterns they look for. */
const SELF = new Set(['test/repo/support/outside-paths.ts', 'test/repo/self-contained.test.ts']);

/**
 * Findings in one file's text that are not allowed. `allowed` holds `file|match` pairs that are
 * deliberate (each listed with its reason where it is declared).
 */
export function findOutsidePaths(file: string, text: string, allowed: ReadonlySet<string> = new Set()): Finding[] {
  const out: Finding[] = [];
  if (SELF.has(file)) return out;
  const lines = text.split('\n');
  for (const { rule, re, applies } of RULES) {
    if (!applies(file)) continue;
    lines.forEach((line, i) => {
      for (const m of line.matchAll(re)) {
        if (!allowed.has(`${file}|${m[0]}`)) out.push({ file, line: i + 1, rule, match: m[0] });
      }
    });
  }
  return out;
}

/** Git-tracked text files of a checkout (binary files, those with a NUL byte, are skipped). */
export function trackedTextFiles(root: string): Array<{ file: string; text: string }> {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\0').filter(Boolean);
  const out: Array<{ file: string; text: string }> = [];
  for (const file of files) {
    let buf: Buffer;
    try {
      buf = readFileSync(join(root, file));
    } catch {
      continue; // tracked but deleted in the work tree: nothing to read
    }
    if (buf.includes(0)) continue;
    out.push({ file, text: buf.toString('utf8') });
  }
  return out;
}
