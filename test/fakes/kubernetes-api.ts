import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';

/**
 * A loopback Kubernetes API fake for the read-only calls of the alert analysis (pods, pods/log,
 * events, ArgoCD Applications), served to the REAL client library. Every request is authorized
 * against RBAC Roles (normally the ones in dist/): a request no Role allows gets Kubernetes' 403 Status.
 */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

export interface Role {
  kind: 'Role';
  metadata: { name: string; namespace: string };
  rules: PolicyRule[];
}

export interface FakePod {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  containers: string[];
  restartCount?: number;
  lastTerminatedReason?: string;
  createdAt?: string;
  /** container → log text (current container). */
  logs: Record<string, string>;
  /** container → previous container's log text. */
  previousLogs?: Record<string, string>;
}

export interface FakeEvent {
  namespace: string;
  type: string;
  reason: string;
  message: string;
  involvedObject: { kind: string; name: string };
  lastTimestamp: string;
}

/** An ArgoCD Application as far as its sync history goes (`status.history`, CRD argoproj.io/v1alpha1). */
export interface FakeApplication {
  namespace: string;
  name: string;
  history: Array<{
    id: number;
    revision: string;
    deployedAt: string;
    deployStartedAt?: string;
    initiatedBy?: { username?: string; automated?: boolean };
  }>;
}

export interface RecordedRequest {
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly status: number;
}

export interface KubernetesFake {
  readonly url: string;
  readonly token: string;
  readonly requests: RecordedRequest[];
  pods: FakePod[];
  events: FakeEvent[];
  applications: FakeApplication[];
  /** A kubeconfig file (in `dir`) pointing the client at this fake with the token. */
  writeKubeconfig(file: string): void;
  close(): Promise<void>;
}

export function readRole(file: string): Role {
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as Role;
  if (doc?.kind !== 'Role' || !Array.isArray(doc.rules)) throw new Error(`${file} is not an RBAC Role`);
  return doc;
}

const has = (list: string[] | undefined, value: string) => (list ?? []).includes('*') || (list ?? []).includes(value);

export function allowed(role: Role, req: { verb: string; apiGroup: string; resource: string; namespace?: string; name?: string }): boolean {
  if (req.namespace !== role.metadata.namespace) return false;
  return role.rules.some((r) => has(r.apiGroups, req.apiGroup) && has(r.resources, req.resource) && has(r.verbs, req.verb)
    && (!r.resourceNames || r.resourceNames.length === 0 || (req.name !== undefined && r.resourceNames.includes(req.name))));
}

function podObject(p: FakePod) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels ?? {}, creationTimestamp: p.createdAt ?? '2026-01-01T00:00:00Z' },
    spec: { containers: p.containers.map((name) => ({ name, image: 'ghcr.io/self-healing-mlops/credit-risk-model@sha256:' + '0'.repeat(64) })) },
    status: {
      phase: 'Running',
      containerStatuses: p.containers.map((name) => ({
        name,
        ready: true,
        restartCount: p.restartCount ?? 0,
        image: '',
        imageID: '',
        state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
        ...(p.lastTerminatedReason ? { lastState: { terminated: { reason: p.lastTerminatedReason, exitCode: 137 } } } : {}),
      })),
    },
  };
}

function matchesSelector(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return labels[k.trim()] === v?.trim();
  });
}

export async function startKubernetesFake(roleOrRoles: Role | Role[], options: { token?: string } = {}): Promise<KubernetesFake> {
  const roles = Array.isArray(roleOrRoles) ? roleOrRoles : [roleOrRoles];
  const role = roles[0];
  const permits = (req: Parameters<typeof allowed>[1]) => roles.some((r) => allowed(r, req));
  const token = options.token ?? 'eyJhbGciOiJSUzI1NiJ9.fake-serviceaccount-token';
  const fake = {
    url: '',
    token,
    requests: [] as RecordedRequest[],
    pods: [] as FakePod[],
    events: [] as FakeEvent[],
    applications: [] as FakeApplication[],
    writeKubeconfig: (_f: string) => {},
    close: async () => {},
  } as KubernetesFake;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://k8s.invalid');
    const send = (status: number, body: unknown, rec?: Omit<RecordedRequest, 'status'>, contentType = 'application/json') => {
      if (rec) fake.requests.push({ ...rec, status });
      res.writeHead(status, { 'content-type': contentType });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
    if ((req.headers.authorization ?? '') !== `Bearer ${token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const forbidden = (resource: string, verb: string, apiGroup: string, namespace: string, name?: string) => {
      const who = 'system:serviceaccount:arc-runners:alert-analysis-reader';
      const [kind, sub] = resource.split('/');
      return status(403, 'Forbidden', `${resource}${name ? `${apiGroup ? `.${apiGroup}` : ''} "${name}"` : ''} is forbidden: User "${who}" cannot ${verb} `
        + `resource "${kind}"${sub ? ` with subresource "${sub}"` : ''} in API group "${apiGroup}" in the namespace "${namespace}"`);
    };
    const app = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/applications\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && app) {
      const [, namespace, name] = app;
      const rec = { verb: 'get', resource: 'applications', namespace, name };
      if (!permits({ verb: 'get', apiGroup: 'argoproj.io', resource: 'applications', namespace, name })) {
        return send(403, forbidden('applications', 'get', 'argoproj.io', namespace, name), rec);
      }
      const found = fake.applications.find((a) => a.namespace === namespace && a.name === name);
      if (!found) return send(404, status(404, 'NotFound', `applications.argoproj.io "${name}" not found`), rec);
      return send(200, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name, namespace },
        spec: { project: 'platform', destination: { server: 'https://kubernetes.default.svc' }, source: { repoURL: 'https://github.com/example/self-healing-mlops' } },
        status: { history: found.history },
      }, rec);
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|events)(?:\/([^/]+))?(?:\/(log))?$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      return send(404, status(404, 'NotFound', `the server could not find the requested resource (${req.method} ${url.pathname})`));
    }
    const [, namespace, kind, name, sub] = m;
    const resource = sub ? `${kind}/${sub}` : kind;
    const verb = name ? 'get' : 'list';
    const rec = { verb, resource, namespace, name };
    if (!permits({ verb, apiGroup: '', resource, namespace, name })) return send(403, forbidden(resource, verb, '', namespace, name), rec);
    if (kind === 'events') {
      const items = fake.events.filter((e) => e.namespace === namespace).map((e) => ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${e.involvedObject.name}.${e.reason}`, namespace },
        type: e.type,
        reason: e.reason,
        message: e.message,
        involvedObject: { ...e.involvedObject, namespace },
        lastTimestamp: e.lastTimestamp,
      }));
      return send(200, { apiVersion: 'v1', kind: 'EventList', metadata: {}, items }, rec);
    }
    if (!name) {
      const items = fake.pods.filter((p) => p.namespace === namespace && matchesSelector(p.labels ?? {}, url.searchParams.get('labelSelector'))).map(podObject);
      return send(200, { apiVersion: 'v1', kind: 'PodList', metadata: {}, items }, rec);
    }
    const pod = fake.pods.find((p) => p.namespace === namespace && p.name === name);
    if (!pod) return send(404, status(404, 'NotFound', `pods "${name}" not found`), rec);
    if (!sub) return send(200, podObject(pod), rec);
    const container = url.searchParams.get('container') ?? pod.containers[0];
    const previous = url.searchParams.get('previous') === 'true';
    const text = (previous ? pod.previousLogs : pod.logs)?.[container];
    if (text === undefined) {
      return send(400, status(400, 'BadRequest', previous
        ? `previous terminated container "${container}" in pod "${name}" not found`
        : `container ${container} is not valid for pod ${name}`), rec);
    }
    // The kubelet applies tailLines first, then stops after limitBytes (possibly mid-line).
    const tail = Number(url.searchParams.get('tailLines') ?? '0');
    const limitBytes = Number(url.searchParams.get('limitBytes') ?? '0');
    const lines = text.split('\n');
    const selected = tail > 0 ? lines.slice(-tail).join('\n') : text;
    return send(200, limitBytes > 0 ? Buffer.from(selected).subarray(0, limitBytes).toString('utf8') : selected, rec, 'text/plain');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  (fake as { url: string }).url = `http://127.0.0.1:${port}`;
  fake.writeKubeconfig = (file: string) => {
    fs.writeFileSync(file, JSON.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'current-context': 'fake',
      'clusters': [{ name: 'fake', cluster: { server: fake.url } }],
      'users': [{ name: 'reader', user: { token } }],
      'contexts': [{ name: 'fake', context: { cluster: 'fake', user: 'reader', namespace: role.metadata.namespace } }],
    }));
  };
  fake.close = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return fake;
}
