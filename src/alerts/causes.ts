/**
 * The documented cause table of the offline alert analyzer. Code decides which causes match and
 * how they rank; every matched cause cites the series value or log line it used. An LLM may
 * only explain these causes (see analyze.ts), never add, drop or reorder them.
 *
 * | id                     | matches when                                                              | weight |
 * |------------------------|---------------------------------------------------------------------------|--------|
 * | `fault-injection`      | a log line `artificial delay <N>ms enabled` (the predictor's fault switch) | 0.95   |
 * | `oom-killed`           | a container terminated `OOMKilled` (pod status, events or kube-state-metrics) | 0.90 |
 * | `memory-pressure`      | working set above 90 % of the memory limit                               | 0.75   |
 * | `recent-rollout`       | a release commit (release.json) or an ArgoCD sync within 30 min before `startsAt` | 0.80 |
 * | `cpu-throttling`       | CFS throttled periods above 25 % of periods                               | 0.70   |
 * | `traffic-surge`        | request rate above 2× its 1-hour baseline before the alert                | 0.65   |
 * | `container-restarts`   | restarts in the window or a restart count above 0                         | 0.60   |
 * | `model-load-failure`   | a log line saying the model failed to load                                | 0.85   |
 * | `error-log`            | error lines (Traceback, ERROR, CRITICAL, connection refused, timeout)     | 0.50   |
 * | `insufficient-evidence`| nothing above matched                                                     | 0      |
 *
 * Score = weight × strength (0.5–1, how far past the threshold) × relevance (1 when the cause is a
 * primary explanation of the alert's type, 0.8 otherwise). Ties keep table order.
 */
import type { AlertType } from '../config/metrics';

export type CauseId =
  | 'fault-injection'
  | 'oom-killed'
  | 'memory-pressure'
  | 'recent-rollout'
  | 'cpu-throttling'
  | 'traffic-surge'
  | 'container-restarts'
  | 'model-load-failure'
  | 'error-log'
  | 'insufficient-evidence';

export interface CauseDefinition {
  readonly id: CauseId;
  readonly title: string;
  readonly weight: number;
  /** Alert types this cause is a primary explanation for. */
  readonly explains: readonly AlertType[];
  /** What an on-call engineer does about it. */
  readonly remediation: string;
}

export const causeTable: readonly CauseDefinition[] = [
  {
    id: 'fault-injection',
    title: 'Fault injection is switched on in the predictor (artificial delay)',
    weight: 0.95,
    explains: ['latency'],
    remediation: 'Turn the predictor\'s fault-injection delay off (unset it in the InferenceService env through git) and confirm p95 latency drops.',
  },
  {
    id: 'oom-killed',
    title: 'A predictor container was OOMKilled',
    weight: 0.9,
    explains: ['availability', 'errors', 'latency'],
    remediation: 'Raise the predictor memory limit in the platform config or reduce batch/model size; check for a memory leak since the last release.',
  },
  {
    id: 'model-load-failure',
    title: 'The model failed to load',
    weight: 0.85,
    explains: ['availability', 'errors'],
    remediation: 'Check the image digest and model artifact in release.json; roll back to the previous release with `mlops bump-image --rollback` if the new one is broken.',
  },
  {
    id: 'recent-rollout',
    title: 'A rollout shortly before the alert',
    weight: 0.8,
    explains: ['latency', 'errors', 'availability'],
    remediation: 'Compare the release diff; if the new model or image is the cause, roll back to the previous release through git.',
  },
  {
    id: 'memory-pressure',
    title: 'Memory close to the container limit',
    weight: 0.75,
    explains: ['availability', 'latency'],
    remediation: 'Raise the memory limit or lower concurrency; look at the working set trend since the last rollout.',
  },
  {
    id: 'cpu-throttling',
    title: 'CPU throttling (CFS quota exhausted)',
    weight: 0.7,
    explains: ['latency'],
    remediation: 'Raise the CPU limit (or remove it and keep the request), or scale out the predictor.',
  },
  {
    id: 'traffic-surge',
    title: 'Traffic above twice its 1-hour baseline',
    weight: 0.65,
    explains: ['latency', 'errors'],
    remediation: 'Scale out (raise minReplicas / autoscaling target) and find where the extra traffic comes from.',
  },
  {
    id: 'container-restarts',
    title: 'Predictor container restarts',
    weight: 0.6,
    explains: ['availability', 'errors'],
    remediation: 'Read the previous container\'s log and the pod events for the exit reason; fix the crash before raising limits.',
  },
  {
    id: 'error-log',
    title: 'Errors in the predictor log',
    weight: 0.5,
    explains: ['errors', 'availability'],
    remediation: 'Read the quoted error lines and the code path they point to.',
  },
  {
    id: 'insufficient-evidence',
    title: 'Insufficient evidence',
    weight: 0,
    explains: [],
    remediation: 'No documented cause matched the logs, events and metrics gathered; check the dashboards and upstream dependencies by hand.',
  },
];

export const causeIds: readonly CauseId[] = causeTable.map((c) => c.id);

export function causeById(id: CauseId): CauseDefinition {
  return causeTable.find((c) => c.id === id)!;
}

/** Thresholds of the table (documented above; exported for tests and docs). */
export const thresholds = {
  rolloutWindowMinutes: 30,
  cpuThrottlingRatio: 0.25,
  memoryLimitRatio: 0.9,
  trafficBaselineFactor: 2,
} as const;

/** One log pattern of the `fault-injection`, `oom-killed`, `model-load-failure` and `error-log` rows. */
export const logPatterns: ReadonlyArray<{ cause: CauseId; pattern: RegExp }> = [
  { cause: 'fault-injection', pattern: /artificial delay \d+ ?ms enabled/i },
  { cause: 'oom-killed', pattern: /\b(OOMKilled|out of memory|MemoryError|Cannot allocate memory)\b/i },
  { cause: 'model-load-failure', pattern: /(failed to load (the )?model|model (file|artifact) not found|No such file or directory: .*model)/i },
  { cause: 'error-log', pattern: /(Traceback \(most recent call last\)|\b(ERROR|CRITICAL|FATAL)\b|connection refused|timed? ?out\b)/ },
];

/** The facts the ranking reads; gathered by context.ts (or given directly in tests). */
export interface AlertEvidence {
  readonly alertType: AlertType | 'unknown';
  readonly startsAt: Date;
  /** Current container log lines, then the previous container's (after a restart), each tagged. */
  readonly logLines: ReadonlyArray<{ line: string; source: string }>;
  /** Pod and namespace events: `reason: message`. */
  readonly events: readonly string[];
  /** Restart count from the pod status (sum over containers). */
  readonly restartCount?: number;
  /** Container last-terminated reasons from the pod status (e.g. `OOMKilled`). */
  readonly terminatedReasons: readonly string[];
  /** Peak values around startsAt from Prometheus (undefined when the series is absent). */
  readonly cpuThrottlingRatio?: number;
  readonly memoryLimitRatio?: number;
  readonly restartsInWindow?: number;
  readonly oomKilledSeries?: boolean;
  readonly requestRate?: number;
  readonly requestRateBaseline?: number;
  /** The query each value came from, quoted as evidence. */
  readonly queries: Readonly<Record<string, string>>;
  /** Releases (release.json changes) with their commit time. */
  readonly rollouts: ReadonlyArray<{ sha: string; at: Date; subject: string; source?: 'git' | 'argocd' }>;
}

export interface RankedCause {
  readonly rank: number;
  readonly id: CauseId;
  readonly title: string;
  /** 0–1, from the table's weight, the strength of the signal and its relevance to the alert type. */
  readonly score: number;
  /** Quoted series values and log lines this cause was decided from. */
  readonly evidence: string[];
  readonly remediation: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const clamp = (x: number) => Math.max(0.5, Math.min(1, x));

/** Ranks the causes of the table that match the evidence; `insufficient-evidence` when none does. */
export function rankCauses(ev: AlertEvidence): RankedCause[] {
  const found = new Map<CauseId, { strength: number; evidence: string[] }>();
  const add = (id: CauseId, strength: number, line: string) => {
    const cur = found.get(id) ?? { strength: 0, evidence: [] };
    cur.strength = Math.max(cur.strength, clamp(strength));
    if (cur.evidence.length < 5 && !cur.evidence.includes(line)) cur.evidence.push(line);
    found.set(id, cur);
  };

  for (const { line, source } of ev.logLines) {
    for (const { cause, pattern } of logPatterns) {
      if (pattern.test(line)) {
        add(cause, 1, `${source}: ${line.trim().slice(0, 300)}`);
        break; // one cause per line: the most specific pattern wins
      }
    }
  }
  for (const reason of ev.terminatedReasons) {
    if (reason === 'OOMKilled') add('oom-killed', 1, 'pod status: last state terminated, reason OOMKilled');
  }
  for (const e of ev.events) {
    if (/OOMKill/i.test(e)) add('oom-killed', 1, `event: ${e}`);
    else if (/BackOff|Killing|Unhealthy|Failed/i.test(e)) add('container-restarts', 0.7, `event: ${e}`);
  }
  if (ev.oomKilledSeries) add('oom-killed', 1, `${ev.queries.oomKilled ?? 'kube_pod_container_status_last_terminated_reason'}: reason="OOMKilled" present`);
  if (ev.memoryLimitRatio !== undefined && ev.memoryLimitRatio > thresholds.memoryLimitRatio) {
    add('memory-pressure', ev.memoryLimitRatio, `${ev.queries.memoryLimitRatio}: peak ${pct(ev.memoryLimitRatio)} of the limit (threshold ${pct(thresholds.memoryLimitRatio)})`);
  }
  if (ev.cpuThrottlingRatio !== undefined && ev.cpuThrottlingRatio > thresholds.cpuThrottlingRatio) {
    add('cpu-throttling', 0.5 + ev.cpuThrottlingRatio, `${ev.queries.cpuThrottlingRatio}: peak ${pct(ev.cpuThrottlingRatio)} of CFS periods throttled (threshold ${pct(thresholds.cpuThrottlingRatio)})`);
  }
  if ((ev.restartsInWindow ?? 0) > 0) {
    add('container-restarts', 0.5 + 0.1 * ev.restartsInWindow!, `${ev.queries.restartsInWindow}: ${ev.restartsInWindow} restart(s) in the 30 minutes before the alert`);
  }
  if ((ev.restartCount ?? 0) > 0) add('container-restarts', 0.5 + 0.1 * ev.restartCount!, `pod status: restartCount ${ev.restartCount}`);
  if (ev.requestRate !== undefined && ev.requestRateBaseline !== undefined && ev.requestRateBaseline > 0) {
    const factor = ev.requestRate / ev.requestRateBaseline;
    if (factor > thresholds.trafficBaselineFactor) {
      add('traffic-surge', factor / 4, `${ev.queries.requestRate}: ${ev.requestRate.toFixed(2)} req/s at the alert vs ${ev.requestRateBaseline.toFixed(2)} req/s 1-hour baseline (${factor.toFixed(1)}×)`);
    }
  }
  const windowMs = thresholds.rolloutWindowMinutes * 60_000;
  for (const r of ev.rollouts) {
    const before = ev.startsAt.getTime() - r.at.getTime();
    if (before >= 0 && before <= windowMs) {
      const what = r.source === 'argocd' ? 'ArgoCD finished a sync' : 'release.json changed';
      add('recent-rollout', 1 - before / windowMs / 2, `${what} ${Math.round(before / 60_000)} min before the alert: ${r.sha.slice(0, 12)} "${r.subject.slice(0, 120)}"`);
    }
  }

  const scored = causeTable
    .filter((c) => found.has(c.id))
    .map((c, order) => {
      const f = found.get(c.id)!;
      const relevance = ev.alertType !== 'unknown' && c.explains.includes(ev.alertType) ? 1 : 0.8;
      return { c, f, order, score: Math.round(c.weight * f.strength * relevance * 1000) / 1000 };
    })
    .sort((a, b) => b.score - a.score || a.order - b.order);

  if (scored.length === 0) {
    const c = causeById('insufficient-evidence');
    const checked = [
      `log lines read: ${ev.logLines.length}`, `events read: ${ev.events.length}`,
      ...Object.entries(ev.queries).map(([k, q]) => `${k}: ${q}`),
      `rollouts in the 30 minutes before the alert: 0 of ${ev.rollouts.length} read`,
    ];
    return [{ rank: 1, id: c.id, title: c.title, score: 0, evidence: checked.slice(0, 8), remediation: c.remediation }];
  }
  return scored.map(({ c, f, score }, i) => ({ rank: i + 1, id: c.id, title: c.title, score, evidence: f.evidence, remediation: c.remediation }));
}
