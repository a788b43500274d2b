import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';

/**
 * Restricted Pod Security defaults (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted):
 * non-root, read-only root filesystem (mount explicit writable emptyDir/PVC volumes where a
 * process writes), no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.
 *
 * Two forms of the same settings: cdk8s-plus props for our own workloads, and plain Kubernetes
 * JSON for Helm values objects of upstream charts.
 */

/** The UID/GID our own images run as (non-root, above the host's system range). */
export const NON_ROOT_UID = 65532;

/** Container security context for cdk8s-plus containers. */
export function restrictedContainerSecurity(uid: number = NON_ROOT_UID): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/** Pod security context for cdk8s-plus workloads (fsGroup so mounted PVCs are writable by `uid`). */
export function restrictedPodSecurity(uid: number = NON_ROOT_UID): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid };
}

/** The restricted container securityContext as plain Kubernetes JSON (for Helm values). */
export function restrictedContainerSecurityJson(uid?: number) {
  return {
    runAsNonRoot: true,
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid }),
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The restricted pod securityContext as plain Kubernetes JSON (for Helm values). */
export function restrictedPodSecurityJson(uid?: number) {
  return {
    runAsNonRoot: true,
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid, fsGroup: uid }),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface ResourceSizes {
  /** CPU request, e.g. `100m`. */
  readonly cpu: string;
  /** Memory request and limit, e.g. `256Mi` (equal: memory is not compressible, so no overcommit). */
  readonly memory: string;
  /**
   * CPU limit.
   * @default - four times the request
   */
  readonly cpuLimit?: string;
}

function parseMillicores(cpu: string): number {
  const m = /^([0-9]+)(m?)$/.exec(cpu);
  if (!m) throw new Error(`cpu "${cpu}" must be whole cores ("2") or millicores ("250m")`);
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

function parseMebibytes(memory: string): number {
  const m = /^([0-9]+)(Mi|Gi)$/.exec(memory);
  if (!m) throw new Error(`memory "${memory}" must be in Mi or Gi (e.g. "256Mi")`);
  return m[2] === 'Gi' ? Number(m[1]) * 1024 : Number(m[1]);
}

/** Requests and limits as cdk8s-plus container resources. */
export function containerResources(sizes: ResourceSizes): kplus.ContainerResources {
  const cpu = parseMillicores(sizes.cpu);
  const cpuLimit = sizes.cpuLimit ? parseMillicores(sizes.cpuLimit) : cpu * 4;
  const memory = parseMebibytes(sizes.memory);
  return {
    cpu: { request: kplus.Cpu.millis(cpu), limit: kplus.Cpu.millis(cpuLimit) },
    memory: { request: Size.mebibytes(memory), limit: Size.mebibytes(memory) },
  };
}

/** Requests and limits as plain Kubernetes JSON (for Helm values). */
export function resourcesJson(sizes: ResourceSizes) {
  const cpu = parseMillicores(sizes.cpu);
  const cpuLimit = sizes.cpuLimit ? parseMillicores(sizes.cpuLimit) : cpu * 4;
  parseMebibytes(sizes.memory);
  return {
    requests: { cpu: `${cpu}m`, memory: sizes.memory },
    limits: { cpu: `${cpuLimit}m`, memory: sizes.memory },
  };
}

/**
 * Requests and limits for raw `k8s.Kube*` objects (their quantities are `k8s.Quantity`, not
 * strings: a plain string is dropped to `null` by the generated serializer).
 */
export function resourcesK8s(sizes: ResourceSizes): kplus.k8s.ResourceRequirements {
  const r = resourcesJson(sizes);
  const q = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, kplus.k8s.Quantity.fromString(v)]));
  return { requests: q(r.requests), limits: q(r.limits) };
}

/**
 * A dedicated ServiceAccount that does not mount an API token (workloads that need the API set
 * `automountToken: true` and get a least-privilege Role).
 */
export function dedicatedServiceAccount(scope: import('constructs').Construct, name: string, automountToken = false): kplus.ServiceAccount {
  return new kplus.ServiceAccount(scope, `${name}-sa`, { metadata: { name }, automountToken });
}
