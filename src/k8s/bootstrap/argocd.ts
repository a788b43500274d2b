import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/platform';
import { helmCharts, PinnedChart } from '../../config/versions';
import { resourcesJson } from '../lib';
import { PlatformApplication } from './application';

/**
 * ArgoCD's own Helm values. The same object is written to `dist/bootstrap/argocd-values.yaml` (for
 * the one-time `helm install`) and is the `valuesObject` of the `argo-cd` Application that takes
 * over afterwards (same release name `argocd`), so the hand-installed and the self-managed ArgoCD
 * are one and the same.
 */

/** Restores the Application health check ArgoCD removed in 1.8, so sync waves wait for child apps to be Healthy. */
export const APPLICATION_HEALTH_LUA = [
  'hs = {}',
  'hs.status = "Progressing"',
  'hs.message = ""',
  'if obj.status ~= nil then',
  '  if obj.status.health ~= nil then',
  '    hs.status = obj.status.health.status',
  '    if obj.status.health.message ~= nil then',
  '      hs.message = obj.status.health.message',
  '    end',
  '  end',
  'end',
  'return hs',
  '',
].join('\n');

/** A Helm repository ArgoCD must know about (OCI registries need `enableOCI`). */
export interface ArgoRepository {
  readonly name: string;
  readonly url: string;
  readonly type: 'helm' | 'git';
  readonly enableOCI?: 'true';
}

/** The subset of the argo-cd chart's values this repo sets. @see https://github.com/argoproj/argo-helm/blob/main/charts/argo-cd/values.yaml */
export interface ArgoCdValues {
  readonly global: {
    readonly domain: string;
    /**
     * The chart's NetworkPolicies (values.yaml @ argo-cd-9.1.0 lines 115-119, `global.networkPolicy.create` and
     * `.defaultDenyIngress`): one ingress policy per component plus a default-deny ingress. They are
     * Ingress-only (every templates/<component>/networkpolicy.yaml has `policyTypes: [Ingress]`), so the repo-server's
     * egress to GitHub (443) and DNS stays open: ArgoCD is never cut off from git.
     */
    readonly networkPolicy: { readonly create: boolean; readonly defaultDenyIngress: boolean };
  };
  readonly crds: { readonly install: boolean; readonly keep: boolean };
  readonly configs: {
    /** argocd-cm entries. */
    readonly cm: Record<string, string | boolean>;
    /** argocd-cmd-params-cm entries. */
    readonly params: Record<string, string | boolean | number>;
    /** Repository Secrets the chart renders (no credentials: public repositories only). */
    readonly repositories: Record<string, ArgoRepository>;
  };
  readonly dex: { readonly enabled: boolean };
  readonly notifications: { readonly enabled: boolean };
  /** No ApplicationSets here: the controller is scaled to zero (`applicationSet.replicas`, values.yaml @ argo-cd-9.1.0 line 3126). */
  readonly applicationSet: { readonly replicas: number };
  readonly controller: {
    readonly resources: object;
    /** The controller's metrics Service and ServiceMonitor (argocd_app_info: sync and health per Application). */
    readonly metrics: { readonly enabled: boolean; readonly serviceMonitor: { readonly enabled: boolean } };
  };
  readonly repoServer: { readonly resources: object };
  readonly server: { readonly resources: object };
  readonly redis: { readonly resources: object };
}

/** OCI chart registries used by the platform's Applications, one repository entry each. */
export function ociRepositories(charts: Record<string, PinnedChart> = helmCharts): Record<string, ArgoRepository> {
  const out: Record<string, ArgoRepository> = {};
  for (const c of Object.values(charts)) {
    if (!c.oci) continue;
    const name = c.repoURL.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    out[name] = { name, url: c.repoURL, type: 'helm', enableOCI: 'true' };
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function argocdValues(config: PlatformConfig): ArgoCdValues {
  return {
    global: { domain: `argocd.${config.domain}`, networkPolicy: { create: true, defaultDenyIngress: true } },
    // The chart installs the Application/AppProject CRDs; keep them if the release is ever removed
    // (deleting the CRD would delete every Application).
    crds: { install: true, keep: true },
    configs: {
      cm: {
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
        // Track by annotation: Helm charts set app.kubernetes.io/instance themselves.
        'application.resourceTrackingMethod': 'annotation',
        // No `kubectl exec` from the UI.
        'exec.enabled': false,
        'timeout.reconciliation': '180s',
      },
      params: {
        // TLS terminates at the ArgoCD server itself (no ingress controller assumed).
        'server.insecure': false,
      },
      repositories: ociRepositories(),
    },
    // Single-operator homelab: local admin, no SSO, no notifications, no ApplicationSets. argo-helm removed
    // `applicationSet.enabled` ("Always create ApplicationSet", #2688): at argo-cd-9.1.0 the controller's
    // Deployment is unconditional, so it is scaled to zero instead (the key was silently ignored before).
    dex: { enabled: false },
    notifications: { enabled: false },
    applicationSet: { replicas: 0 },
    controller: {
      resources: resourcesJson({ cpu: '250m', memory: '1Gi', cpuLimit: '2' }),
      // argocd_app_info feeds ArgoCDAppOutOfSync/ArgoCDAppUnhealthy (src/k8s/mlops/rules.ts). Both default to
      // false (argoproj/argo-helm charts/argo-cd/values.yaml @ argo-cd-9.1.0, controller.metrics); the chart
      // renders the ServiceMonitor only once the monitoring.coreos.com/v1 API exists, so bootstrap is unaffected.
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
    },
    // 1Gi: it renders kube-prometheus-stack and the KServe charts in parallel (infra review B9: 512Mi would OOM).
    repoServer: { resources: resourcesJson({ cpu: '100m', memory: '1Gi', cpuLimit: '1' }) },
    server: { resources: resourcesJson({ cpu: '50m', memory: '256Mi', cpuLimit: '500m' }) },
    redis: { resources: resourcesJson({ cpu: '50m', memory: '128Mi', cpuLimit: '250m' }) },
  };
}

/** The Helm release name of ArgoCD, shared by the bootstrap `helm install` and the self-managing Application. */
export const ARGOCD_RELEASE = 'argocd';

/** ArgoCD managing itself: the argo-cd chart with the bootstrap values, release `argocd`. */
export class ArgoCd extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'argo-cd', {
      config,
      name: 'argo-cd',
      namespace: config.namespaces.argocd,
      source: { chart: helmCharts.argoCd, releaseName: ARGOCD_RELEASE, values: argocdValues(config) },
      installsCrds: true,
      cascadeDelete: false,
    });
  }
}
