import * as fs from 'node:fs';
import { join } from 'node:path';

/**
 * src/review/ (PR review aids) stands apart from the runtime: it may use Config and npm packages,
 * never the analysis core, the three analyses, the gateway, the CLI, or test code.
 */
const dir = join(__dirname, '../../src/review');
const FORBIDDEN = /^\.\.\/(analysis|triage|alerts|drift|gateway|cli|demo|testing)(\/|$)|^\.\.\/\.\.\/test\//;

test.each(fs.readdirSync(dir).filter((f) => f.endsWith('.ts')))('src/review/%s imports nothing from the analyses, the gateway, the CLI or tests', (file) => {
  const text = fs.readFileSync(join(dir, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]);
  expect(specifiers.length).toBeGreaterThan(0);
  expect(specifiers.filter((s) => FORBIDDEN.test(s))).toEqual([]);
});
