import { compactGroup, dispatchPayloadLimitBytes } from './compact';
import { Dispatcher } from './dispatcher';
import { HttpError, type RouteModule } from './http';
import { Outbox } from './outbox';
import { parseAlertmanagerPayload } from '../contracts/alertmanager';
import { dispatchEventTypes, type GroupEventType } from '../contracts/dispatch';
import { gatewayPaths } from '../contracts/gateway';

/** `repository_dispatch` event type of a group: `drift` when its common `type` label says so. */
export function eventTypeOf(commonLabels: Record<string, string>): GroupEventType {
  return commonLabels.type === 'drift' ? dispatchEventTypes.drift : dispatchEventTypes.alert;
}

/**
 * `POST /webhooks/alertmanager`: validate, compact, durably record in the outbox, answer 202
 * (Alertmanager treats any 2xx as delivered, so the 2xx comes only after the commit), then let the
 * dispatcher send it to GitHub. Duplicates within the dedupe window are recorded and answered 200.
 */
export const alertmanagerRoutes: RouteModule = {
  name: 'alertmanager',
  async init(ctx) {
    const outbox = new Outbox(ctx.stateDir, ctx.config.dedupeWindowSeconds * 1000, Date.now, {
      maxPageCount: ctx.config.testMaxPageCount,
      // The counter has the store only (its series exists at 0 from the start, so increase() sees the first
      // error); SQLite's result code (e.g. SQLITE_FULL) goes to the log line.
      onWriteError: (message) => {
        ctx.metrics.stateWriteErrors.inc({ store: 'outbox' });
        ctx.logger.error('state write failed', { store: 'outbox', code: /\b(SQLITE_[A-Z_]+)/.exec(message)?.[1] ?? 'other', error: message });
      },
    });
    await outbox.ready();
    ctx.metrics.stateWriteErrors.inc({ store: 'outbox' }, 0);
    const dispatcher = new Dispatcher(ctx.config, outbox, ctx.metrics, ctx.logger);
    ctx.addReadinessCheck('outbox', () => outbox.healthy());
    // A failed or stuck write (e.g. SQLITE_FULL: the state volume is full) fails /readyz until a write commits.
    ctx.addReadinessCheck('outbox-writes', () => outbox.writeHealth().healthy);
    ctx.metrics.readWriterHealthFrom('outbox', () => outbox.writeHealth().healthy);
    // Retention (docs/gateway.md): at start, then every 10 minutes.
    const prune = () => outbox.prune(ctx.config.outboxRetentionDays * 86_400_000, ctx.config.outboxMaxRows).then(
      (n) => n.old + n.overBudget > 0 && ctx.logger.info('outbox pruned', n),
      (err: Error) => ctx.logger.error('outbox prune failed', { error: err.message }),
    );
    void prune();
    const pruneTimer = setInterval(prune, 600_000);
    pruneTimer.unref();
    ctx.onShutdown(() => outbox.close());
    ctx.onShutdown(() => clearInterval(pruneTimer));
    ctx.onShutdown(() => dispatcher.stop());
    dispatcher.start();
    return [
      {
        method: 'POST',
        path: gatewayPaths.alertmanagerWebhook,
        auth: 'bearer',
        listener: 'alertmanager',
        endpoint: 'alertmanager',
        async handler(req, c) {
          let payload;
          try {
            payload = parseAlertmanagerPayload(req.json);
          } catch (err) {
            throw new HttpError(400, 'schema', (err as Error).message);
          }
          let group;
          try {
            group = compactGroup(payload, dispatchPayloadLimitBytes);
          } catch (err) {
            throw new HttpError(413, 'group-too-large', (err as Error).message);
          }
          const eventType = eventTypeOf(payload.commonLabels);
          const result = await outbox.accept({
            groupKey: payload.groupKey,
            status: payload.status,
            fingerprints: payload.alerts.map((a) => a.fingerprint),
            eventType,
            payload: JSON.stringify(group),
          });
          if (result.deduplicated) {
            c.metrics.deduplicated.inc();
            return { status: 200, body: { outboxId: result.id, deduplicated: true, duplicateOf: result.duplicateOf } };
          }
          dispatcher.kick();
          return {
            status: 202,
            body: { outboxId: result.id, deduplicated: false, eventType, alerts: group.alerts.length, truncatedAlerts: group.truncatedAlerts },
          };
        },
      },
    ];
  },
};
