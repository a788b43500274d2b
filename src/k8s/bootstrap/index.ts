import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { IN_CLUSTER, KEEP_ON_REMOVAL, MANIFEST_GLOB, PlatformApplication, PROJECT, syncPolicy } from './application';
import { Application } from '../../../imports/argocd-application-argoproj.io';
import { AppProject } from '../../../imports/argocd-appproject-argoproj.io';
import { PlatformConfig } from '../../config/platform';
import { helmCharts } from '../../config/versions';
import { PlatformChart } from '../lib';
import clusterKinds from './cluster-kinds.json';

export * from './application';
export * from './argocd';
export * from './waves';

/** The dist/ folder the root Application syncs: one child Application per component. */
export const APPS_CHART = 'apps';
/** The dist/ folder applied by hand once (see docs/bootstrap.md). */
export const BOOTSTRAP_CHART = 'bootstrap';
/** The values file written beside the bootstrap manifests. */
export const ARGOCD_VALUES_FILE = 'argocd-values.yaml';

/**
 * The cluster-scoped kinds Applications of the project may create: what the vendored charts' templates can
 * render plus our own (Namespaces). Derived by scripts/cluster-kinds.ts (`npx projen cluster-kinds`) into
 * cluster-kinds.json; test/k8s/bootstrap/cluster-kinds.test.ts re-derives it. Anything else cluster-scoped
 * (a ClusterIssuer, a StorageClass, a PriorityClass) is refused by ArgoCD until a chart that renders it is vendored.
 */
export const clusterResourceWhitelist: { group: string; kind: string }[] = clusterKinds.kinds.map(({ group, kind }) => ({ group, kind }));

/**
 * The AppProject every Application belongs to: sources limited to this repo and the pinned chart
 * repositories, destinations limited to the in-cluster API and the platform's namespaces.
 */
export class PlatformProject extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    const repos = [...new Set([config.gitRepoUrl, ...Object.values(helmCharts).map((c) => c.repoURL)])].sort();
    // kube-system: kube-prometheus-stack installs the Services its kubelet/CoreDNS monitors scrape there.
    const namespaces = [...new Set([...Object.values(config.namespaces), 'kube-system'])].sort();
    new AppProject(this, 'project', {
      metadata: { name: PROJECT, namespace: config.namespaces.argocd, annotations: { ...KEEP_ON_REMOVAL } },
      spec: {
        description: 'The self-healing MLOps platform: everything synthesized from this repository.',
        sourceRepos: repos,
        destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
        clusterResourceWhitelist,
        orphanedResources: { warn: true },
      },
    });
  }
}

/**
 * `dist/bootstrap/`: exactly the argocd Namespace, the AppProject and the root Application (plus
 * `argocd-values.yaml`, written by main.ts). Applied once by hand; afterwards the `bootstrap`
 * child Application keeps these in sync from git.
 */
export class BootstrapChart extends PlatformChart {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id, { config, component: 'gitops', name: 'argocd' });
    new kplus.k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: config.namespaces.argocd,
        annotations: { ...KEEP_ON_REMOVAL },
        labels: {
          // ArgoCD's pods meet baseline; restricted is audited/warned so regressions show.
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
    new PlatformProject(this, 'project', config);
    new Application(this, 'root', {
      metadata: { name: 'root', namespace: config.namespaces.argocd },
      spec: {
        project: PROJECT,
        source: {
          repoUrl: config.gitRepoUrl,
          targetRevision: config.targetRevision,
          path: `dist/${APPS_CHART}`,
          directory: { include: MANIFEST_GLOB },
        },
        destination: { server: IN_CLUSTER, namespace: config.namespaces.argocd },
        syncPolicy: syncPolicy(['CreateNamespace=false']),
      },
    });
  }
}

/** `dist/apps/`: the child Applications (the root app-of-apps syncs this folder). */
export class AppsChart extends PlatformChart {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id, { config, component: 'gitops', name: 'argocd' });
  }
}

/** The `bootstrap` child: keeps dist/bootstrap (project, root app, argocd Namespace) in sync after the first apply. */
export class BootstrapSelfManagement extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'bootstrap', {
      config,
      name: 'bootstrap',
      namespace: config.namespaces.argocd,
      source: { distChart: BOOTSTRAP_CHART },
      installsCrds: false,
      cascadeDelete: false,
    });
  }
}
