import * as fs from 'node:fs';
import { join } from 'node:path';

/**
 * src/review/ (PR review aids) stands apart from the runtime: it may use Config and npm packages,
 * never the analysis core, the three analyses, the gateway, the CLI, or test code.
 */
const dir = join(__dirname, '../../src/review');
const FORBIDDEN = /^\.\.\/(analysis|triage|alerts|drift|gateway|cli|demo|testing)(\/|$)|^\.\.\/\.\.\/test\//;

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
const importsOf = (file: string) =>
  [...fs.readFileSync(join(dir, file), 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]);

test('the import scan sees imports (it is not vacuous)', () => {
  expect(files.flatMap(importsOf)).toEqual(expect.arrayContaining(['zod', 'yaml', '@octokit/rest', './schema']));
});

test.each(files)('src/review/%s imports nothing from the analyses, the gateway, the CLI or tests', (file) => {
  expect(importsOf(file).filter((s) => FORBIDDEN.test(s))).toEqual([]);
});
