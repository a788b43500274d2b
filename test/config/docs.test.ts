import * as fs from 'fs';
import * as path from 'path';
import { secretsToSeal } from '../../src/config/credentials';
import { platformConfig } from '../../src/config/platform';
import { helmCharts } from '../../src/config/versions';
import { syncWaves } from '../../src/k8s/bootstrap';

const root = path.resolve(__dirname, '..', '..');
const bootstrapDoc = fs.readFileSync(path.join(root, 'docs', 'bootstrap.md'), 'utf8');
const gitopsDoc = fs.readFileSync(path.join(root, 'docs', 'gitops.md'), 'utf8');

test('docs/bootstrap.md lists exactly the credentials table, with their keys', () => {
  const rows = bootstrapDoc.split('\n').filter((l) => /^\| `[a-z0-9-]+` \| `[a-z0-9-]+` \|/.test(l));
  const documented = rows.map((r) => {
    const cells = r.split('|').map((c) => c.trim());
    return { ns: cells[1].replace(/`/g, ''), name: cells[2].replace(/`/g, ''), keys: cells[3].split(',').map((k) => k.trim().replace(/`/g, '')) };
  });
  expect(documented).toEqual(secretsToSeal().map((s) => ({ ns: s.namespace, name: s.name, keys: [...s.keys] })));
});

test('docs/bootstrap.md shows what npx projen bootstrap runs, with the pinned argo-cd chart version', () => {
  const { chart, repoURL, version } = helmCharts.argoCd;
  expect(bootstrapDoc).toContain('npx projen bootstrap');
  expect(bootstrapDoc).toContain(`helm upgrade --install argocd ${chart} --repo ${repoURL} --version ${version} \\\n  --namespace argocd --values dist/bootstrap/argocd-values.yaml`);
});

test('no doc tells anyone to kubectl apply the dist/bootstrap folder (it holds a values file)', () => {
  for (const doc of ['README.md', 'docs/bootstrap.md', 'docs/proxmox.md', 'docs/quickstart.md', 'docs/gitops.md']) {
    const text = fs.readFileSync(path.join(root, doc), 'utf8');
    expect({ doc, applies: /kubectl apply -f dist\/bootstrap\/?(\s|`|$)/m.test(text.replace(/never with\s+`kubectl apply -f dist\/bootstrap\/`|never `kubectl apply -f dist\/bootstrap\/`/g, '')) }).toEqual({ doc, applies: false });
  }
});

test('docs/gitops.md gives every sync wave', () => {
  for (const [name, wave] of Object.entries(syncWaves)) expect(gitopsDoc).toMatch(new RegExp(`\\| ${wave} \\| \`${name}\` \\|`));
});

test('docs/github-app.md gives the runner App the permission its registration scope needs', () => {
  // actions/actions-runner-controller github/actions/client.go @ gha-runner-scale-set-0.13.0: a repository
  // githubConfigUrl registers through POST /repos/<owner>/<repo>/actions/runners/registration-token, which
  // needs Administration: write; an organisation URL needs Self-hosted runners: write instead.
  const appDoc = fs.readFileSync(path.join(root, 'docs', 'github-app.md'), 'utf8');
  const scope = new URL(platformConfig.runners.githubConfigUrl).pathname.split('/').filter(Boolean).length === 2 ? 'repository' : 'organisation';
  expect(scope).toBe('repository');
  expect(appDoc).toMatch(/\| repository \(.*\) \| Repository → \*\*Administration\*\* \| Read and write \|/);
  expect(appDoc).toMatch(/\| organisation \(.*\) \| Organization → \*\*Self-hosted runners\*\* \| Read and write \|/);
  expect(appDoc).toContain('POST /repos/<owner>/<repo>/actions/runners/registration-token');
});
