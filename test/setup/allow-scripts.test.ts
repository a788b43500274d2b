import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * npm's install-script policy (package.json `allowScripts`, written by .projenrc.ts) must cover exactly
 * the dependencies that have install scripts, so npm ci prints no "install-scripts" warning today and npm
 * 12, which skips uncovered scripts, still builds what the code needs. npm marks such packages in the
 * lockfile with `hasInstallScript: true` (npm docs: configuring-npm/package-lock-json.md).
 */
const ROOT = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

/** Package names in the lockfile with an install script (optional platform packages for other OSes included). */
const withInstallScripts = [...new Set(
  Object.entries<any>(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
    .map(([path, entry]) => entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
)].sort();

test('every lockfile package with an install script is reviewed in allowScripts (.projenrc.ts)', () => {
  const uncovered = withInstallScripts.filter((name) => !(name in pkg.allowScripts));
  expect(uncovered).toEqual([]);
});

test('allowScripts lists no package the lockfile no longer has with an install script', () => {
  expect(Object.keys(pkg.allowScripts).sort()).toEqual(withInstallScripts);
});

test('the native builds the code needs at run time are allowed', () => {
  // better-sqlite3: the gateway's outbox (src/gateway/outbox.ts); @swc/core: ts-node --swc in synth.
  expect(pkg.allowScripts['better-sqlite3']).toBe(true);
  expect(pkg.allowScripts['@swc/core']).toBe(true);
});
