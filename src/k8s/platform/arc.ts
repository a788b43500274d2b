import { Construct } from 'constructs';
import { credentials } from '../../config/credentials';
import { PlatformConfig } from '../../config/platform';
import { helmCharts, imageRef, images } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import { resourcesJson, restrictedContainerSecurityJson } from '../lib';
import { alertReaderServiceAccount } from '../mlops';

/** The controller's Helm release; the chart names its ServiceAccount `<release>-gha-rs-controller`. */
export const ARC_RELEASE = 'arc';

/** uid and gid of `runner` in the actions-runner image (actions/runner: images/Dockerfile, `adduser --uid 1001`). */
export const RUNNER_UID = 1001;

/** @see https://github.com/actions/actions-runner-controller/blob/master/charts/gha-runner-scale-set-controller/values.yaml */
export interface ArcControllerValues {
  readonly resources: object;
  readonly securityContext: object;
}

/** @see https://github.com/actions/actions-runner-controller/blob/master/charts/gha-runner-scale-set/values.yaml */
export interface ArcRunnerSetValues {
  readonly githubConfigUrl: string;
  /** A pre-created (sealed) Secret with the GitHub App id, installation id and private key. */
  readonly githubConfigSecret: string;
  readonly runnerScaleSetName: string;
  readonly minRunners: number;
  readonly maxRunners: number;
  readonly controllerServiceAccount: { readonly namespace: string; readonly name: string };
  readonly template: { readonly spec: { readonly serviceAccountName: string; readonly containers: object[] } };
}

export function arcControllerValues(): ArcControllerValues {
  return {
    resources: resourcesJson({ cpu: '50m', memory: '128Mi', cpuLimit: '500m' }),
    securityContext: restrictedContainerSecurityJson(),
  };
}

export function arcRunnerSetValues(config: PlatformConfig): ArcRunnerSetValues {
  return {
    githubConfigUrl: config.runners.githubConfigUrl,
    githubConfigSecret: credentials.arcGithubApp.name,
    runnerScaleSetName: config.runners.scaleSetName,
    minRunners: config.runners.minRunners,
    maxRunners: config.runners.maxRunners,
    controllerServiceAccount: { namespace: config.namespaces.arcSystems, name: `${ARC_RELEASE}-gha-rs-controller` },
    template: {
      spec: {
        // The runners' jobs (alert analysis) read pods, logs and events through this read-only
        // identity; it is bound only to the Roles in src/k8s/mlops/alert-reader.ts.
        serviceAccountName: alertReaderServiceAccount(config).name,
        containers: [{
          name: 'runner',
          image: imageRef(images.actionsRunner),
          command: ['/home/runner/run.sh'],
          resources: resourcesJson({ cpu: '500m', memory: '2Gi', cpuLimit: '2' }),
          // Numeric user and group: the image ends with `USER runner` (a name), and the kubelet refuses
          // runAsNonRoot with a non-numeric image user. actions/runner: images/Dockerfile creates it with
          // `adduser --uid 1001 runner` (its own group, gid 1001) and copies /home/runner `--chown=runner:docker`.
          // No volume is mounted (no containerMode), so no fsGroup: the work directory is inside /home/runner.
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            runAsNonRoot: true,
            runAsUser: RUNNER_UID,
            runAsGroup: RUNNER_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
        }],
      },
    },
  };
}

/**
 * Actions Runner Controller: the controller (`arc-controller`, arc-systems) and the runner scale set
 * `homelab` (`arc-runners`). GitHub-hosted runners cannot reach the homelab's API server,
 * Prometheus, MLflow or gateway; the workflows that must run here. Runner egress is limited by
 * `RunnerNetworkPolicies` (src/k8s/platform/namespaces.ts).
 */
export class ActionsRunnerController extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'controller', {
      config,
      name: 'arc-controller',
      namespace: config.namespaces.arcSystems,
      source: { chart: helmCharts.arcController, releaseName: ARC_RELEASE, values: arcControllerValues() },
      installsCrds: true,
    });
    new PlatformApplication(this, 'runners', {
      config,
      name: 'arc-runners',
      namespace: config.namespaces.arcRunners,
      source: { chart: helmCharts.arcRunnerSet, releaseName: config.runners.scaleSetName, values: arcRunnerSetValues(config) },
      installsCrds: false,
    });
  }
}
