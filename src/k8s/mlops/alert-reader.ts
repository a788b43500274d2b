import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { standardLabels } from '../lib';
import { MlopsSettings } from './settings';

export interface AlertReaderProps {
  readonly settings: MlopsSettings;
}

/** The exact rules of the alert-analysis reader (a test and the Kubernetes API fake read them from dist/). */
export const alertReaderModelRules: k8s.PolicyRule[] = [
  // Pod status and restarts, the predictor's log, and the namespace's events: the evidence of an alert.
  { apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: ['get', 'list'] },
];
export const alertReaderArgoRules: k8s.PolicyRule[] = [
  // Sync and rollout history of the Applications: was something deployed just before the alert?
  { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get'] },
];

/**
 * The least-privilege identity of the alert analysis. The `homelab` runner scale set's jobs run as
 * this ServiceAccount (in the runners' namespace); it may read pods, pod logs and events in the
 * model's namespace and get ArgoCD Applications — nothing else, and nothing it could change.
 */
export class AlertReader extends Construct {
  constructor(scope: Construct, id: string, props: AlertReaderProps) {
    super(scope, id);
    const s = props.settings;
    const name = s.alertReaderName;
    const subject: k8s.Subject = { kind: 'ServiceAccount', name, namespace: s.runnersNamespace };
    const labels = standardLabels({ name, component: 'alert-analysis' });

    new k8s.KubeServiceAccount(this, 'sa', {
      metadata: { name, namespace: s.runnersNamespace, labels },
      // The jobs call the Kubernetes API with this account's token.
      automountServiceAccountToken: true,
    });

    new k8s.KubeRole(this, 'model-role', {
      metadata: { name, namespace: s.namespace, labels },
      rules: alertReaderModelRules,
    });
    new k8s.KubeRoleBinding(this, 'model-binding', {
      metadata: { name, namespace: s.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [subject],
    });

    // A distinct name: one file per resource in dist/ is named by kind and name, not namespace.
    const argoName = `${name}-applications`;
    new k8s.KubeRole(this, 'argocd-role', {
      metadata: { name: argoName, namespace: s.argocdNamespace, labels },
      rules: alertReaderArgoRules,
    });
    new k8s.KubeRoleBinding(this, 'argocd-binding', {
      metadata: { name: argoName, namespace: s.argocdNamespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: argoName },
      subjects: [subject],
    });
  }
}
