/**
 * Prometheus HTTP API `query_range` (plain fetch), around an alert's `startsAt`. Every query uses
 * only metrics and labels declared in src/config/metrics.ts.
 */
import { metrics as m } from '../config/metrics';

export interface Series {
  readonly metric: Record<string, string>;
  readonly values: Array<[number, number]>;
}

export async function queryRange(baseUrl: string, query: string, start: Date, end: Date, stepSeconds: number, timeoutMs = 10_000): Promise<Series[]> {
  const url = new URL('/api/v1/query_range', baseUrl);
  const body = new URLSearchParams({
    query, start: (start.getTime() / 1000).toFixed(3), end: (end.getTime() / 1000).toFixed(3), step: String(stepSeconds),
  });
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await res.json().catch(() => ({}))) as {
    status?: string;
    error?: string;
    data?: { resultType?: string; result?: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
  };
  if (!res.ok || json.status !== 'success') throw new Error(`Prometheus query_range failed (HTTP ${res.status}): ${json.error ?? 'no error text'} for ${query}`);
  return (json.data?.result ?? []).map((r) => ({
    metric: r.metric,
    values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)),
  }));
}

const sel = (pairs: Record<string, string | undefined>, extra = ''): string => {
  const parts = Object.entries(pairs).filter(([, v]) => v).map(([k, v]) => `${k}="${v!.replace(/["\\]/g, '\\$&')}"`);
  if (extra) parts.push(extra);
  return `{${parts.join(',')}}`;
};

/** The queries of the analysis for one alert (namespace/pod/model from its labels). */
export function alertQueries(labels: Record<string, string>): Record<string, string> {
  const model = labels.model_name ?? labels.inferenceservice;
  const ns = labels.namespace;
  const pod = labels.pod;
  const podSel = sel({ namespace: ns, pod: pod ?? undefined }, pod ? '' : `pod=~"${model ? `${model}.*` : '.+'}"`);
  const modelSel = sel({ model_name: model });
  return {
    latencyP95: `histogram_quantile(0.95, sum by (le) (rate(${m.requestPredictSeconds.name}_bucket${modelSel}[5m])))`,
    requestRate: `sum(rate(${m.requestPredictSeconds.name}_count${modelSel}[5m]))`,
    errorRatio: `sum(rate(${m.inferenceRequests.name}${sel({ model_name: model }, 'code=~"5.."')}[5m])) / sum(rate(${m.inferenceRequests.name}${modelSel}[5m]))`,
    cpuThrottlingRatio: `sum(rate(${m.containerCpuThrottledPeriods.name}${podSel}[5m])) / sum(rate(${m.containerCpuPeriods.name}${podSel}[5m]))`,
    memoryLimitRatio: `max(${m.containerMemoryWorkingSet.name}${podSel}) / max(${m.containerMemoryLimit.name}${sel({ namespace: ns, pod: pod ?? undefined }, `resource="memory"${pod ? '' : `,pod=~"${model ? `${model}.*` : '.+'}"`}`)})`,
    restartsInWindow: `max(increase(${m.containerRestarts.name}${podSel}[30m]))`,
    oomKilled: `max(${m.containerLastTerminatedReason.name}${sel({ namespace: ns, pod: pod ?? undefined }, 'reason="OOMKilled"')})`,
  };
}

export interface PrometheusFacts {
  readonly queries: Record<string, string>;
  readonly peaks: Partial<Record<string, number>>;
  readonly requestRateBaseline?: number;
  /** Sampled points per query (for reports and charts). */
  readonly series: Record<string, Array<[number, number]>>;
  readonly problems: string[];
}

/**
 * Runs every query from 65 minutes before `startsAt` to 10 minutes after (or now). Peaks are
 * taken from 10 minutes before `startsAt` on; the traffic baseline is the mean request rate of
 * the hour before that.
 */
export async function gatherPrometheus(baseUrl: string, labels: Record<string, string>, startsAt: Date, now = new Date()): Promise<PrometheusFacts> {
  const queries = alertQueries(labels);
  const start = new Date(startsAt.getTime() - 65 * 60_000);
  const end = new Date(Math.min(now.getTime(), startsAt.getTime() + 10 * 60_000));
  const peakFrom = startsAt.getTime() / 1000 - 10 * 60;
  const step = Math.max(1, Math.ceil((end.getTime() - start.getTime()) / 1000 / 300));
  const peaks: Partial<Record<string, number>> = {};
  const series: Record<string, Array<[number, number]>> = {};
  const problems: string[] = [];
  let requestRateBaseline: number | undefined;
  await Promise.all(Object.entries(queries).map(async ([name, q]) => {
    try {
      const result = await queryRange(baseUrl, q, start, end, step);
      const points = result.flatMap((r) => r.values).sort((a, b) => a[0] - b[0]);
      series[name] = points;
      const recent = points.filter(([t]) => t >= peakFrom).map(([, v]) => v);
      if (recent.length > 0) peaks[name] = Math.max(...recent);
      if (name === 'requestRate') {
        const base = points.filter(([t]) => t < peakFrom).map(([, v]) => v);
        if (base.length > 0) requestRateBaseline = base.reduce((a, b) => a + b, 0) / base.length;
      }
    } catch (err) {
      problems.push((err as Error).message);
    }
  }));
  return { queries, peaks, requestRateBaseline, series, problems };
}
