import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ARGOCD_VALUES_FILE, BOOTSTRAP_CHART } from '../../../src/k8s/bootstrap';
import { extraOutputFiles } from '../../../src/k8s/mlops';

/** The repo root and the committed dist/. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const DIST = path.join(REPO_ROOT, 'dist');

/** Files in dist/ that are not Kubernetes manifests: ArgoCD's bootstrap values and src/k8s/mlops' plain files. */
export const PLAIN_FILES = new Set([`${BOOTSTRAP_CHART}/${ARGOCD_VALUES_FILE}`, ...Object.values(extraOutputFiles)]);

export interface Manifest {
  /** Path relative to dist/, e.g. `apps/Application.argo-cd.k8s.yaml`. */
  readonly file: string;
  /** The chart folder. */
  readonly chart: string;
  readonly obj: any;
}

/** Every file under a directory, relative, sorted. */
export function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

/** Every Kubernetes object in a dist/ directory (every `*.k8s.yaml` document). */
export function loadManifests(dist = DIST): Manifest[] {
  const out: Manifest[] = [];
  for (const file of listFiles(dist)) {
    if (!file.endsWith('.k8s.yaml')) continue;
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(dist, file), 'utf8'))) {
      const obj = doc.toJS();
      if (obj) out.push({ file, chart: file.split('/')[0], obj });
    }
  }
  return out;
}
