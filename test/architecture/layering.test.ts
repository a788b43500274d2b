import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadESLint } from 'eslint';

/**
 * The never-import rules (.projenrc.ts, `import/no-restricted-paths`) are enforced by the lint
 * every suite runs. This proves the rule fires: a deliberate import from an analysis into the
 * gateway, written as a real file beside the analysis, fails lint with the rule's message.
 */
const root = path.resolve(__dirname, '..', '..');

async function lintProbe(dir: string, source: string) {
  const file = path.join(root, 'src', dir, `layering-probe-${process.pid}.ts`);
  fs.writeFileSync(file, source);
  try {
    const ESLint = await loadESLint({ useFlatConfig: false });
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintFiles([file]);
    return result.messages.filter((m) => m.ruleId === 'import/no-restricted-paths').map((m) => m.message);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

test('an analysis importing the gateway fails lint', async () => {
  const messages = await lintProbe('alerts', "import { eventTypeOf } from '../gateway/alertmanager';\n\nexport const probe = eventTypeOf;\n");
  expect(messages).toEqual([expect.stringContaining('an analysis imports neither another analysis, the gateway nor the CLI')]);
}, 120_000);

test('the core importing an analysis, and src/ importing a test fake, fail lint; contracts do not', async () => {
  const core = await lintProbe('analysis', "import { driftDedupeKey } from '../drift/episodes';\nimport { freePort } from '../../test/support/net';\n\nexport const probe = [driftDedupeKey, freePort];\n");
  expect(core).toEqual([
    expect.stringContaining('the analysis core depends on no command line, analysis or service'),
    expect.stringContaining('nothing in src/ imports the demo, the tests or the benchmarks'),
  ]);
  expect(await lintProbe('drift', "import { gatewayPaths } from '../contracts/gateway';\n\nexport const probe = gatewayPaths;\n")).toEqual([]);
}, 120_000);
