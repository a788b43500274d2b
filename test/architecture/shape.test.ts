import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { z } from 'zod';
import * as alertmanager from '../../src/contracts/alertmanager';
import * as captures from '../../src/contracts/captures';
import * as dispatch from '../../src/contracts/dispatch';
import * as release from '../../src/contracts/release';

/** The runtime reads as its architecture: only shipped code in src/, thin commands, contracts declared once. */
const root = path.resolve(__dirname, '..', '..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

test('src/ holds no demo and no test fakes', () => {
  expect(fs.existsSync(path.join(src, 'demo'))).toBe(false);
  expect(fs.existsSync(path.join(src, 'testing'))).toBe(false);
  expect(fs.existsSync(path.join(root, 'demo', 'main.ts'))).toBe(true);
});

/**
 * Commands merged while the runtime was being reshaped, not yet thin: each is named here with the
 * change that slims it, and the test fails once it is thin (so the list cannot go stale).
 */
test('every command file listed in src/cli/commands.ts is at most 60 lines', () => {
  const registry = fs.readFileSync(path.join(src, 'cli', 'commands.ts'), 'utf8');
  const files = [...registry.matchAll(/from '\.\/([\w-]+)'/g)].map((m) => path.join(src, 'cli', `${m[1]}.ts`));
  expect(files.length).toBeGreaterThanOrEqual(5);
  const sizes = files.map((f) => ({ file: path.relative(root, f), lines: fs.readFileSync(f, 'utf8').trimEnd().split('\n').length }));
  expect(sizes.filter((f) => f.lines > 60)).toEqual([]);
});

/** Key sets of every zod object the contracts export (top level and nested fields), for the scan below. */
function contractKeySets(): Map<string, string> {
  const sets = new Map<string, string>();
  const visit = (name: string, schema: unknown): void => {
    if (!(schema instanceof z.ZodObject)) return;
    const keys = Object.keys(schema.shape);
    if (keys.length >= 3) sets.set([...keys].sort().join(','), name);
    for (const [k, v] of Object.entries(schema.shape)) visit(`${name}.${k}`, v);
  };
  for (const mod of [alertmanager, captures, dispatch, release]) {
    for (const [name, value] of Object.entries(mod)) visit(name, value);
  }
  return sets;
}

/** Key sets of the object literals passed to `z.object(...)` / `z.strictObject(...)` in a source text. */
export function zodObjectKeySets(text: string, file = 'probe.ts'): string[] {
  const out: string[] = [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)
      && ['object', 'strictObject', 'looseObject'].includes(node.expression.name.text)
      && node.arguments[0] && ts.isObjectLiteralExpression(node.arguments[0])) {
      const keys = node.arguments[0].properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : '?'));
      out.push([...keys].sort().join(','));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

test('the scan finds a contract re-declared with zod (it can fail)', () => {
  const sets = contractKeySets();
  expect(sets.size).toBeGreaterThanOrEqual(5);
  const copy = 'const release = z.strictObject({ image: z.string(), digest: z.string(), mlflowModel: z.string(), mlflowVersion: z.string(), runId: z.string() });';
  expect(zodObjectKeySets(copy).map((k) => sets.get(k))).toEqual(['releaseSchema']);
});

test('no zod object with a contract\'s key set is declared outside src/contracts', () => {
  const sets = contractKeySets();
  const copies = sourceFiles(src)
    .filter((f) => !f.startsWith(path.join(src, 'contracts') + path.sep))
    .flatMap((f) => zodObjectKeySets(fs.readFileSync(f, 'utf8'), f).filter((k) => sets.has(k)).map((k) => `${path.relative(root, f)} re-declares ${sets.get(k)}`));
  expect(copies).toEqual([]);
});
