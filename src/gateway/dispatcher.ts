import { Octokit } from '@octokit/rest';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';
import type { Outbox, OutboxEntry } from './outbox';
import type { GroupDispatchPayload } from '../contracts/dispatch';

/** HTTP statuses after which retrying the same payload cannot succeed. */
const permanentStatuses = new Set([400, 422]);

/** What a dispatch attempt ended in, decided from the GitHub answer. */
export type AttemptOutcome =
  | { kind: 'dispatched' }
  | { kind: 'retry'; error: string }
  | { kind: 'rate-limited'; waitMs: number; error: string }
  | { kind: 'permanent'; error: string };

interface ErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * Classifies an Octokit error. Rate limits follow GitHub's documented headers: `retry-after`
 * (seconds) for secondary limits, else `x-ratelimit-remaining: 0` with `x-ratelimit-reset` (epoch seconds).
 */
export function classifyDispatchError(err: unknown, now = Date.now()): AttemptOutcome {
  const e = err as ErrorLike;
  const status = typeof e.status === 'number' ? e.status : 0;
  const headers = e.response?.headers ?? {};
  const message = `${status ? `HTTP ${status}: ` : ''}${(e.message ?? String(err)).slice(0, 300)}`;
  if (status === 403 || status === 429) {
    const retryAfter = Number(headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0 && headers['retry-after'] !== undefined) {
      return { kind: 'rate-limited', waitMs: retryAfter * 1000, error: message };
    }
    if (String(headers['x-ratelimit-remaining']) === '0') {
      const reset = Number(headers['x-ratelimit-reset']);
      const waitMs = Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : 60_000;
      return { kind: 'rate-limited', waitMs, error: message };
    }
    if (status === 429) return { kind: 'rate-limited', waitMs: 60_000, error: message };
  }
  if (permanentStatuses.has(status)) return { kind: 'permanent', error: message };
  return { kind: 'retry', error: message };
}

/** Exponential backoff with "equal jitter": half the step fixed, half random. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * The outbox worker: sends due entries as `repository_dispatch` events, one at a time (GitHub
 * asks integrations not to make concurrent requests), and reschedules on failure. It wakes on
 * `kick()` (a new accept), at the next due time, and never holds more than one entry in flight.
 */
export class Dispatcher {
  private readonly octokit: Octokit;
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;
  private current?: Promise<void>;
  private pausedUntil = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly outbox: Outbox,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    this.octokit = new Octokit({
      auth: config.githubToken,
      baseUrl: config.githubApiUrl,
      userAgent: 'self-healing-mlops-gateway',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  start(): void {
    this.metrics.readOutboxDepthFrom(() => this.outbox.depth());
    this.kick();
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    // Paused by a rate limit: the timer set for the end of the pause runs the next pass.
    if (this.timer && Date.now() < this.pausedUntil) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) return;
    this.current = this.pass().finally(() => {
      this.current = undefined;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    const next = this.outbox.nextDueAt();
    if (next === undefined) return;
    const at = Math.max(next, this.pausedUntil);
    const delay = Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && Date.now() >= this.pausedUntil) {
        const batch = this.outbox.due(8);
        if (batch.length === 0) break;
        for (const entry of batch) {
          if (this.stopped || Date.now() < this.pausedUntil) break;
          await this.attempt(entry);
        }
      }
    } catch (err) {
      this.logger.error('dispatcher pass failed', { error: (err as Error).message });
    } finally {
      this.running = false;
    }
  }

  private async attempt(entry: OutboxEntry): Promise<void> {
    let outcome: AttemptOutcome;
    try {
      await this.octokit.repos.createDispatchEvent({
        owner: this.config.githubOwner,
        repo: this.config.githubRepo,
        event_type: entry.eventType,
        client_payload: { group: JSON.parse(entry.payload), outboxId: entry.id } satisfies GroupDispatchPayload,
        request: { signal: AbortSignal.timeout(this.config.dispatchTimeoutMs) },
      });
      outcome = { kind: 'dispatched' };
    } catch (err) {
      outcome = classifyDispatchError(err);
    }
    if (this.stopped && outcome.kind !== 'dispatched') return; // closing: leave it pending for the next start
    const labels = { event_type: entry.eventType };
    switch (outcome.kind) {
      case 'dispatched':
        await this.outbox.markDispatched(entry.id);
        this.metrics.dispatched.inc(labels);
        this.logger.info('dispatched', { outboxId: entry.id, eventType: entry.eventType, attempts: entry.attempts + 1 });
        return;
      case 'rate-limited': {
        // GitHub's primary limit resets within the hour; never retry before the time it names.
        const wait = Math.min(outcome.waitMs, 3_600_000);
        this.pausedUntil = Date.now() + wait;
        await this.outbox.markRetry(entry.id, this.pausedUntil, outcome.error, false);
        this.metrics.dispatchFailed.inc(labels);
        this.logger.warn('rate limited by GitHub; pausing dispatch', { outboxId: entry.id, waitMs: wait });
        return;
      }
      case 'permanent':
        await this.outbox.markFailed(entry.id, outcome.error);
        this.metrics.dispatchFailed.inc(labels);
        this.logger.error('dispatch rejected permanently', { outboxId: entry.id, error: outcome.error });
        return;
      case 'retry': {
        this.metrics.dispatchFailed.inc(labels);
        const attempts = entry.attempts + 1;
        if (attempts >= this.config.maxAttempts) {
          await this.outbox.markFailed(entry.id, outcome.error);
          this.logger.error('dispatch failed; retries exhausted', { outboxId: entry.id, attempts, error: outcome.error });
          return;
        }
        const delay = backoffMs(attempts, this.config.backoffBaseMs, this.config.backoffMaxMs);
        await this.outbox.markRetry(entry.id, Date.now() + delay, outcome.error, true);
        this.logger.warn('dispatch failed; will retry', { outboxId: entry.id, attempts, delayMs: delay, error: outcome.error });
        return;
      }
    }
  }

  /** Stops scheduling and waits for the in-flight attempt (its result is still recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }
}
