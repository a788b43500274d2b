import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffLines, MAX_EDIT_DISTANCE, unifiedDiff } from '../../src/review/line-diff';

/** A small deterministic generator (no Math.random: a failure must reproduce). */
function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function mutate(seed: number): { a: string[]; b: string[] } {
  const r = lcg(seed);
  const a = Array.from({ length: Math.floor(r() * 40) }, () => `line ${Math.floor(r() * 6)}`);
  const b = a.filter(() => r() > 0.15).map((l) => (r() > 0.85 ? `changed ${Math.floor(r() * 4)}` : l));
  if (r() > 0.5) b.splice(Math.floor(r() * b.length), 0, 'inserted');
  return { a, b };
}

const text = (lines: string[]) => (lines.length ? lines.join('\n') + '\n' : '');

describe('line diff', () => {
  test('the edit script rebuilds both sides and is as short as git --minimal finds (60 random cases)', () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'line-diff-'));
    try {
      for (let seed = 1; seed <= 60; seed++) {
        const { a, b } = mutate(seed);
        const script = diffLines(a, b);
        expect(script.filter((l) => l.op !== '+').map((l) => l.text)).toEqual(a);
        expect(script.filter((l) => l.op !== '-').map((l) => l.text)).toEqual(b);
        fs.writeFileSync(join(dir, 'a'), text(a));
        fs.writeFileSync(join(dir, 'b'), text(b));
        let gitOut = '';
        try {
          execFileSync('git', ['diff', '--no-index', '--minimal', '--no-color', 'a', 'b'], { cwd: dir });
        } catch (e) {
          gitOut = String((e as { stdout: Buffer }).stdout);
        }
        const gitEdits = gitOut.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l)).length;
        expect({ seed, edits: script.filter((l) => l.op !== ' ').length }).toEqual({ seed, edits: gitEdits });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the unified hunks apply with git apply and give the new text (60 random cases)', () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'line-diff-apply-'));
    try {
      execFileSync('git', ['init', '--quiet'], { cwd: dir });
      for (let seed = 100; seed < 160; seed++) {
        const { a, b } = mutate(seed);
        const hunks = unifiedDiff(text(a), text(b));
        if (text(a) === text(b)) {
          expect(hunks).toBe('');
          continue;
        }
        fs.writeFileSync(join(dir, 'f.txt'), text(a));
        fs.writeFileSync(join(dir, 'p.diff'), `--- a/f.txt\n+++ b/f.txt\n${hunks}`);
        execFileSync('git', ['apply', '--unidiff-zero', 'p.diff'], { cwd: dir });
        expect({ seed, text: fs.readFileSync(join(dir, 'f.txt'), 'utf8') }).toEqual({ seed, text: text(b) });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('hunks carry 3 lines of context and git-style headers', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const b = [...a];
    b[5] = 'F';
    expect(unifiedDiff(text(a), text(b))).toBe(['@@ -3,7 +3,7 @@', ' c', ' d', ' e', '-f', '+F', ' g', ' h', ' i', ''].join('\n'));
    expect(unifiedDiff('', 'x\ny\n')).toBe('@@ -0,0 +1,2 @@\n+x\n+y\n');
    expect(unifiedDiff('x\n', '')).toBe('@@ -1,1 +0,0 @@\n-x\n');
  });

  test('beyond MAX_EDIT_DISTANCE edits the diff is a whole replacement, still correct', () => {
    const a = Array.from({ length: MAX_EDIT_DISTANCE }, (_, i) => `a${i}`);
    const b = Array.from({ length: MAX_EDIT_DISTANCE }, (_, i) => `b${i}`);
    const script = diffLines(a, b);
    expect(script.filter((l) => l.op === '-').map((l) => l.text)).toEqual(a);
    expect(script.filter((l) => l.op === '+').map((l) => l.text)).toEqual(b);
  });
});
