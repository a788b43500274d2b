import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { metrics } from '../config/metrics';

/** The gateway's own metrics; names, help and labels come from the metrics contract. */
export interface GatewayMetrics {
  readonly received: Counter<'endpoint'>;
  readonly rejected: Counter<'endpoint' | 'reason'>;
  readonly deduplicated: Counter;
  readonly dispatched: Counter<'event_type'>;
  readonly dispatchFailed: Counter<'event_type'>;
  readonly outboxDepth: Gauge;
  /** Every send attempt, counted before its outcome is written. */
  readonly dispatchAttempts: Counter<'outcome'>;
  readonly stateWriteErrors: Counter<'store'>;
  readonly stateWriterHealthy: Gauge<'store'>;
  readonly processingSeconds: Histogram<'endpoint'>;
  /** Where the outbox depth is read from, when /metrics is scraped (a COUNT per scrape, not per request). */
  readOutboxDepthFrom(read: () => number): void;
  /** Where a store's writer health is read from, when /metrics is scraped. */
  readWriterHealthFrom(store: string, read: () => boolean): void;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const m = metrics;
  let readDepth: (() => number) | undefined;
  const writerHealth = new Map<string, () => boolean>();
  return {
    received: new Counter({ name: m.gatewayReceived.name, help: m.gatewayReceived.help, labelNames: ['endpoint'], registers: [registry] }),
    rejected: new Counter({ name: m.gatewayRejected.name, help: m.gatewayRejected.help, labelNames: ['endpoint', 'reason'], registers: [registry] }),
    deduplicated: new Counter({ name: m.gatewayDeduplicated.name, help: m.gatewayDeduplicated.help, registers: [registry] }),
    dispatched: new Counter({ name: m.gatewayDispatched.name, help: m.gatewayDispatched.help, labelNames: ['event_type'], registers: [registry] }),
    dispatchFailed: new Counter({
      name: m.gatewayDispatchFailed.name, help: m.gatewayDispatchFailed.help, labelNames: ['event_type'], registers: [registry],
    }),
    outboxDepth: new Gauge({
      name: m.gatewayOutboxDepth.name,
      help: m.gatewayOutboxDepth.help,
      registers: [registry],
      collect() {
        if (readDepth) this.set(readDepth());
      },
    }),
    readOutboxDepthFrom(read) {
      readDepth = read;
    },
    dispatchAttempts: new Counter({
      name: m.gatewayDispatchAttempts.name, help: m.gatewayDispatchAttempts.help, labelNames: ['outcome'], registers: [registry],
    }),
    stateWriteErrors: new Counter({
      name: m.gatewayStateWriteErrors.name, help: m.gatewayStateWriteErrors.help, labelNames: ['store'], registers: [registry],
    }),
    stateWriterHealthy: new Gauge({
      name: m.gatewayStateWriterHealthy.name,
      help: m.gatewayStateWriterHealthy.help,
      labelNames: ['store'],
      registers: [registry],
      collect() {
        for (const [store, read] of writerHealth) this.set({ store }, read() ? 1 : 0);
      },
    }),
    readWriterHealthFrom(store, read) {
      writerHealth.set(store, read);
    },
    processingSeconds: new Histogram({
      name: m.gatewayProcessingSeconds.name,
      help: m.gatewayProcessingSeconds.help,
      labelNames: ['endpoint'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
