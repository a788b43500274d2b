import { execFileSync } from 'node:child_process';
import type * as K8s from '@kubernetes/client-node';
import { kubernetesClient } from './kubernetes';

/**
 * Rollouts before an alert, from two sources: the commits that changed `src/config/release.json`
 * (the only file a release edits), and the sync history of the ArgoCD Application that deploys the
 * model (when the commit reached the cluster; a sync can also come from a manual rollback that no
 * release commit shows).
 */
export interface Rollout {
  /** The release commit (git) or the synced revision (ArgoCD). */
  readonly sha: string;
  /** Commit time (git) or the time the sync completed (ArgoCD `deployedAt`). */
  readonly at: Date;
  readonly subject: string;
  /** @default 'git' */
  readonly source?: 'git' | 'argocd';
}

/**
 * The Application that deploys the predictor (`dist/apps/Application.model-serving.k8s.yaml`) and
 * the namespace ArgoCD runs in; the alert-analysis reader may `get` Applications there, nothing more.
 */
export const defaultArgocdApplication = { namespace: 'argocd', name: 'model-serving' } as const;

export function releaseHistory(repoDir: string, limit = 20): Rollout[] {
  const out = execFileSync('git', ['log', `-n${limit}`, '--format=%H%x09%cI%x09%s', '--', 'src/config/release.json'], {
    cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.split('\n').filter(Boolean).map((line) => {
    const [sha, at, ...subject] = line.split('\t');
    return { sha, at: new Date(at), subject: subject.join('\t'), source: 'git' as const };
  });
}

interface RevisionHistory {
  id?: number;
  revision?: string;
  revisions?: string[];
  deployedAt?: string;
  initiatedBy?: { username?: string; automated?: boolean };
}

/** The completed syncs in an Application's `status.history` (ArgoCD keeps the last 10 by default), newest first. */
export async function argocdHistory(kubeconfig: K8s.KubeConfig, app: { namespace: string; name: string }): Promise<Rollout[]> {
  const k8s = await kubernetesClient();
  const api = kubeconfig.makeApiClient(k8s.CustomObjectsApi);
  const { body } = await api.getNamespacedCustomObject('argoproj.io', 'v1alpha1', app.namespace, 'applications', app.name);
  const history = ((body as { status?: { history?: RevisionHistory[] } }).status?.history ?? []);
  return history
    .filter((h) => h.deployedAt && !Number.isNaN(Date.parse(h.deployedAt)))
    .map((h) => {
      const revision = h.revision ?? h.revisions?.join(',') ?? '';
      const by = h.initiatedBy?.automated ? 'automated sync' : h.initiatedBy?.username ? `sync by ${h.initiatedBy.username}` : 'sync';
      return {
        sha: revision,
        at: new Date(h.deployedAt!),
        subject: `ArgoCD Application ${app.name}: ${by} to ${revision.slice(0, 12)} (history id ${h.id ?? '?'})`,
        source: 'argocd' as const,
      };
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}
