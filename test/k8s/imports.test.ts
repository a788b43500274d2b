import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles, REPO_ROOT } from './support/dist';

/**
 * imports/ is what `npx projen import` generates from the CRD files listed in cdk8s.yaml
 * (vendor/crds/, vendored verbatim): a fresh import into a temp dir is byte-identical.
 */
test('a fresh cdk8s import reproduces the committed imports/ byte for byte', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
  try {
    const cli = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s');
    execFileSync(cli, ['import', '--no-check-upgrade', '--language', 'typescript', '--output', out], { cwd: REPO_ROOT, stdio: 'pipe' });
    const committed = listFiles(path.join(REPO_ROOT, 'imports'));
    expect(listFiles(out)).toEqual(committed);
    expect(committed.length).toBe(9);
    for (const f of committed) {
      const same = fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(REPO_ROOT, 'imports', f)));
      expect([f, same]).toEqual([f, true]);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
