import type * as K8s from '@kubernetes/client-node';

/**
 * The client library, loaded on first use: it is the heaviest module of the CLI (about 0.4 s), and
 * every other `mlops` command would pay for it at start-up.
 */
export const kubernetesClient = (): Promise<typeof K8s> => import('@kubernetes/client-node');

/**
 * Read-only Kubernetes context for one alert, through the official client (0.22, CommonJS). Uses
 * only get/list on pods, pods/log and events: the verbs of the alert-analysis Role.
 */
export interface PodFacts {
  readonly name: string;
  readonly phase?: string;
  readonly restartCount: number;
  readonly terminatedReasons: string[];
  readonly containers: string[];
}

export interface KubernetesFacts {
  readonly pod?: PodFacts;
  readonly logLines: Array<{ line: string; source: string }>;
  readonly events: string[];
  /** What could not be read (403, 404, …), reported instead of failing the analysis. */
  readonly problems: string[];
}

export interface KubernetesOptions {
  /** kubeconfig file; default: in-cluster service account, else $KUBECONFIG / ~/.kube/config. */
  readonly kubeconfig?: string;
  /** Last N log lines per container. @default 200 */
  readonly tailLines?: number;
  /**
   * Bytes read from the start of each container's log as well. Start-up lines (the configuration,
   * an injected fault such as the predictor's `artificial delay`) are printed once, and under traffic
   * the tail stops reaching back to them within minutes. @default 16384
   */
  readonly headBytes?: number;
}

export async function loadKubeConfig(file?: string): Promise<K8s.KubeConfig> {
  const k8s = await kubernetesClient();
  const kc = new k8s.KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  return kc;
}

/** "HTTP 403: <the API server's message>" from a client error. */
export function describeKubernetesError(err: unknown): string {
  const e = err as { statusCode?: number; response?: { statusCode?: number }; body?: { message?: string }; message?: string };
  const code = e.statusCode ?? e.response?.statusCode;
  const msg = e.body?.message ?? e.message ?? String(err);
  return code ? `HTTP ${code}: ${msg}` : msg;
}

/** Which pod an alert is about: its `pod` label, else the newest pod of its InferenceService/model. */
export async function gatherKubernetes(
  namespace: string,
  labels: Record<string, string>,
  opts: KubernetesOptions = {},
): Promise<KubernetesFacts> {
  const k8s = await kubernetesClient();
  const kc = await loadKubeConfig(opts.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const problems: string[] = [];
  const tail = opts.tailLines ?? 200;
  const headBytes = opts.headBytes ?? 16_384;
  let podName: string | undefined = labels.pod;
  if (!podName) {
    const model = labels.inferenceservice ?? labels.model_name;
    const selector = model ? `serving.kserve.io/inferenceservice=${model}` : undefined;
    try {
      const { body } = await core.listNamespacedPod(namespace, undefined, undefined, undefined, undefined, selector);
      const pods = [...body.items].sort((a, b) =>
        String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')));
      podName = pods[0]?.metadata?.name;
      if (!podName) problems.push(`no pod in namespace ${namespace}${selector ? ` with ${selector}` : ''}`);
    } catch (err) {
      problems.push(`list pods in ${namespace}: ${describeKubernetesError(err)}`);
    }
  }
  const logLines: Array<{ line: string; source: string }> = [];
  const events: string[] = [];
  let pod: PodFacts | undefined;
  if (podName) {
    try {
      const { body } = await core.readNamespacedPod(podName, namespace);
      const statuses = body.status?.containerStatuses ?? [];
      pod = {
        name: podName,
        phase: body.status?.phase,
        restartCount: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
        terminatedReasons: statuses.map((s) => s.lastState?.terminated?.reason).filter((r): r is string => Boolean(r)),
        containers: (body.spec?.containers ?? []).map((c) => c.name),
      };
    } catch (err) {
      problems.push(`get pod ${namespace}/${podName}: ${describeKubernetesError(err)}`);
    }
    const containers = pod?.containers.length ? pod.containers : [undefined];
    for (const container of containers) {
      const readLog = async (previous: boolean) => {
        const source = `log ${podName}${container ? `/${container}` : ''}${previous ? ' (previous container)' : ''}`;
        const read = async (limitBytes?: number, tailLines?: number) => String((await core.readNamespacedPodLog(
          podName!, namespace, container, false, undefined, limitBytes, undefined, previous, undefined, tailLines,
        )).body);
        const linesOf = (text: string) => text.split('\n').filter((line) => line.trim());
        const head = await read(headBytes);
        if (Buffer.byteLength(head) < headBytes) {
          // The whole log fits: read once, in order.
          for (const line of linesOf(head)) logLines.push({ line, source });
          return;
        }
        const tailLines = linesOf(await read(undefined, tail));
        const inTail = new Set(tailLines);
        // The last line of the head may be cut at the byte limit; lines the tail has anyway are left to it.
        for (const line of linesOf(head).slice(0, -1)) if (!inTail.has(line)) logLines.push({ line, source: `${source}, start` });
        for (const line of tailLines) logLines.push({ line, source });
      };
      try {
        await readLog(false);
      } catch (err) {
        problems.push(`log of ${podName}${container ? `/${container}` : ''}: ${describeKubernetesError(err)}`);
      }
      if ((pod?.restartCount ?? 0) > 0) {
        try {
          await readLog(true);
        } catch (err) {
          problems.push(`previous log of ${podName}${container ? `/${container}` : ''}: ${describeKubernetesError(err)}`);
        }
      }
    }
  }
  try {
    const { body } = await core.listNamespacedEvent(namespace);
    const relevant = body.items
      .filter((e) => !podName || e.involvedObject?.name === podName || e.involvedObject?.kind !== 'Pod')
      .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')))
      .slice(-50);
    for (const e of relevant) {
      events.push(`${e.type ?? 'Normal'} ${e.reason ?? ''} ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}: ${e.message ?? ''}`.trim());
    }
  } catch (err) {
    problems.push(`list events in ${namespace}: ${describeKubernetesError(err)}`);
  }
  return { pod, logLines, events, problems };
}
