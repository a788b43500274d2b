import { Counter, Gauge } from 'prom-client';
import { MalformedEvent, parseLoggerEvent, sampled } from './events';
import { CaptureRow, CaptureStore } from './store';
import { metrics } from '../../config/metrics';
import { feedbackBodySchema, type CaptureLine } from '../../contracts/captures';
import { captureEnv, gatewayPaths } from '../../contracts/gateway';
import { HttpError, type GatewayContext, type Route, type RouteModule } from '../http';
import { parseCaptureSettings } from '../settings';

/**
 * Payload capture for drift analysis (issue 8), plugged into the gateway through its route seam:
 *
 * - `POST /webhooks/kserve` (no token: the KServe logger cannot send one; the NetworkPolicy guards it):
 *   KServe payload-logger CloudEvents; pairs request and response by Ce-Id; sampling by request id;
 *   replays stored once; malformed events 400 (counted in `mlops_gateway_rejected_total{endpoint="kserve"}`).
 * - `POST /feedback` (bearer): ground-truth labels by request id.
 * - `GET /v1/captures?model=&from=&to=&labelled=` (bearer): complete captures as NDJSON, oldest first, one line
 *   per instance (`features`, `prediction`, `probabilities`, `label`; see src/contracts/captures.ts).
 * - metrics: `mlops_model_accuracy{model_name}` over the accuracy window, `mlops_feedback_labelled_total`,
 *   `mlops_captures_stored_total`, `mlops_capture_last_timestamp_seconds`.
 *
 * Settings (environment): CAPTURE_SAMPLE_RATE (0..1, default 1), CAPTURE_RETENTION_DAYS (default 35: the
 * 30-day baseline plus slack), ACCURACY_WINDOW_HOURS (default 24).
 */

export interface CaptureOptions {
  /** Share of requests kept (by request-id hash). @default 1 */
  readonly sampleRate: number;
  /** Captures older than this are deleted. @default 35 days */
  readonly retentionMs: number;
  /** Window of `mlops_model_accuracy`. @default 24 h */
  readonly accuracyWindowMs: number;
  /** How often retention runs. @default 10 min */
  readonly purgeIntervalMs: number;
  /** Clock (tests). @default Date.now */
  readonly now: () => number;
}

/** The capture settings from the environment, validated by the gateway's one settings schema (settings.ts). */
export function captureOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): CaptureOptions {
  const s = parseCaptureSettings(env);
  return {
    sampleRate: s[captureEnv.sampleRate],
    retentionMs: s[captureEnv.retentionDays] * 86_400_000,
    accuracyWindowMs: s[captureEnv.accuracyWindowHours] * 3_600_000,
    purgeIntervalMs: 600_000,
    now: Date.now,
  };
}

function parseTime(name: string, raw: string | null): number | undefined {
  if (raw === null || raw === '') return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  if (Number.isNaN(n)) throw new HttpError(400, 'bad-query', `${name}="${raw}" is neither an RFC 3339 time nor Unix seconds`);
  return n;
}

function asFeatures(instance: unknown): Record<string, unknown> {
  if (instance && typeof instance === 'object' && !Array.isArray(instance)) return instance as Record<string, unknown>;
  if (Array.isArray(instance)) return Object.fromEntries(instance.map((v, i) => [String(i), v]));
  return { value: instance };
}

/** A capture (one request) → one line per instance, prediction/probabilities/label aligned by position. */
export function instanceLines(c: CaptureRow): CaptureLine[] {
  const time = new Date(c.time).toISOString();
  return (c.instances ?? []).map((inst, index) => ({
    requestId: c.requestId,
    ceId: c.ceId,
    index,
    model: c.model,
    namespace: c.namespace,
    time,
    features: asFeatures(inst),
    prediction: c.predictions?.[index] ?? null,
    probabilities: c.probabilities?.[index] ?? null,
    label: c.labels?.[index] ?? null,
  }));
}

/** Builds the capture module (the gateway lists `captureRoutes`, built from the environment). */
export function createCaptureModule(overrides: Partial<CaptureOptions> = {}): RouteModule {
  return {
    name: 'capture',
    async init(ctx: GatewayContext): Promise<Route[]> {
      const opts = { ...captureOptionsFromEnv(), ...overrides };
      const store = new CaptureStore(ctx.stateDir);
      await store.ready();
      const stored = new Counter({
        name: metrics.capturesStored.name, help: metrics.capturesStored.help, labelNames: ['model_name'], registers: [ctx.registry],
      });
      const labelled = new Counter({
        name: metrics.feedbackLabelled.name, help: metrics.feedbackLabelled.help, labelNames: ['model_name'], registers: [ctx.registry],
      });
      new Gauge({
        name: metrics.modelAccuracy.name,
        help: metrics.modelAccuracy.help,
        labelNames: ['model_name'],
        registers: [ctx.registry],
        collect() {
          this.reset();
          for (const [model, a] of store.accuracy(opts.now() - opts.accuracyWindowMs)) {
            if (a.total > 0) this.set({ model_name: model }, a.right / a.total);
          }
        },
      });
      new Gauge({
        name: metrics.captureLastTimestamp.name,
        help: metrics.captureLastTimestamp.help,
        labelNames: ['model_name'],
        registers: [ctx.registry],
        collect() {
          for (const [model, t] of store.lastTimes()) this.set({ model_name: model }, t / 1000);
        },
      });
      const purge = () => store.purge(opts.now() - opts.retentionMs).then(
        (n) => n > 0 && ctx.logger.info('captures purged', { count: n }),
        (err: Error) => ctx.logger.error('capture purge failed', { error: err.message }),
      );
      await purge(); // before the listener opens: nothing past the retention window is ever served
      const timer = setInterval(purge, opts.purgeIntervalMs);
      timer.unref();
      ctx.addReadinessCheck('captures', () => store.healthy());
      ctx.onShutdown(async () => {
        clearInterval(timer);
        await store.close();
      });

      return [
        {
          method: 'POST',
          path: gatewayPaths.kserveWebhook,
          auth: 'none',
          endpoint: 'kserve',
          // The logger forwards the client's Content-Type, which may be missing or not JSON.
          contentTypes: ['application/json', '', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', 'application/cloudevents+json'],
          json: false,
          async handler(req) {
            let half;
            try {
              half = parseLoggerEvent(req.headers, req.rawBody);
            } catch (err) {
              if (err instanceof MalformedEvent) throw new HttpError(400, err.reason, err.message);
              throw err;
            }
            if (half.time < opts.now() - opts.retentionMs) {
              return { status: 202, body: { stored: false, reason: 'older than the retention window' } };
            }
            if (!sampled(half.requestId, opts.sampleRate)) return { status: 202, body: { stored: false, reason: 'not sampled' } };
            const fresh = await store.storeHalf(half, opts.now());
            if (!fresh) return { status: 200, body: { stored: false, reason: 'duplicate', ceId: half.ceId } };
            stored.inc({ model_name: half.model });
            return { status: 202, body: { stored: true, ceId: half.ceId, requestId: half.requestId, half: half.kind } };
          },
        },
        {
          method: 'POST',
          path: gatewayPaths.feedback,
          auth: 'bearer',
          endpoint: 'feedback',
          async handler(req) {
            const parsed = feedbackBodySchema.safeParse(req.json);
            if (!parsed.success) {
              const issue = parsed.error.issues[0];
              throw new HttpError(400, 'schema', `feedback ${issue.path.join('.') || '(root)'}: ${issue.message}`);
            }
            const items = 'items' in parsed.data ? parsed.data.items : [parsed.data];
            const unknown: string[] = [];
            let count = 0;
            for (const item of items) {
              const model = store.modelOf(item.requestId);
              if (model === undefined) {
                unknown.push(item.requestId);
                continue;
              }
              const labels = item.labels ?? [item.label!];
              if (await store.label(item.requestId, labels, opts.now())) {
                labelled.inc({ model_name: model }, labels.length);
                count++;
              }
            }
            if (items.length === 1 && unknown.length === 1) {
              throw new HttpError(404, 'unknown-request-id', `no capture with request id "${unknown[0]}"`);
            }
            return { status: 200, body: { labelled: count, unknown } };
          },
        },
        {
          method: 'GET',
          path: gatewayPaths.captures,
          auth: 'bearer',
          endpoint: 'captures',
          handler(req) {
            const labelledRaw = req.query.get('labelled');
            if (labelledRaw !== null && labelledRaw !== 'true' && labelledRaw !== 'false') {
              throw new HttpError(400, 'bad-query', `labelled="${labelledRaw}" must be true or false`);
            }
            const query = {
              model: req.query.get('model') ?? undefined,
              from: parseTime('from', req.query.get('from')),
              to: parseTime('to', req.query.get('to')),
              labelled: labelledRaw === null ? undefined : labelledRaw === 'true',
            };
            // One page per chunk; no database cursor stays open while the client reads.
            async function* lines(): AsyncGenerator<string> {
              let after: { time: number; ceId: string } | undefined;
              for (;;) {
                const rows = store.page(query, after, 500);
                if (rows.length > 0) yield rows.map((c) => instanceLines(c).map((l) => `${JSON.stringify(l)}\n`).join('')).join('');
                if (rows.length < 500) return;
                after = { time: rows[rows.length - 1].time, ceId: rows[rows.length - 1].ceId };
              }
            }
            return { status: 200, body: lines() };
          },
        },
      ];
    },
  };
}

/** The module the gateway registers. */
export const captureRoutes: RouteModule = {
  name: 'capture',
  init: (ctx) => createCaptureModule().init(ctx),
};
