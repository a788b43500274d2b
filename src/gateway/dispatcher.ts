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

/** An attempt whose outcome could not be written: held in memory, never sent again, its write retried. */
interface Unrecorded {
  readonly record: () => Promise<void>;
  readonly what: string;
  failures: number;
  retryAt: number;
}

/**
 * The outbox worker: sends due entries as `repository_dispatch` events, one at a time (GitHub
 * asks integrations not to make concurrent requests), and reschedules on failure. It wakes on
 * `kick()` (a new accept), at the next due time, and never holds more than one entry in flight.
 *
 * It cannot run away when the state volume is full: an attempt whose outcome write fails (e.g.
 * SQLITE_FULL) is held in memory as decided (a sent entry is not sent again) and only the write is
 * retried, with exponential backoff capped at `backoffMaxMs`; the timer is never re-armed at 0 for
 * an entry it already tried. (A restart while an outcome is held sends that entry once more:
 * at-least-once, receivers dedupe on `outboxId`.)
 */
export class Dispatcher {
  private readonly octokit: Octokit;
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;
  private current?: Promise<void>;
  private pausedUntil = 0;
  /** Outcomes decided but not yet written, by outbox id. */
  private readonly unrecorded = new Map<string, Unrecorded>();
  /** Consecutive passes that failed outright (a read error): backs off the next pass. */
  private passFailures = 0;
  private passRetryAt = 0;

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

  /** Outcomes held in memory because their write failed (tests, docs/gateway.md). */
  get unrecordedCount(): number {
    return this.unrecorded.size;
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    // Paused by a rate limit or a failing pass: the timer set for the end of the pause runs the next pass.
    if (this.timer && Date.now() < Math.max(this.pausedUntil, this.passRetryAt)) return;
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
    let next: number | undefined;
    try {
      next = this.outbox.nextDueAt();
    } catch (err) {
      this.logger.error('dispatcher cannot read the outbox', { error: (err as Error).message });
      next = Date.now() + this.config.backoffMaxMs;
    }
    // A due entry whose outcome is held is not due: after a pass, every due entry not held was tried
    // (and rescheduled or held), so a due time in the past here means a held one. Never re-arm at 0 for it.
    if (next !== undefined && next <= Date.now() && this.unrecorded.size > 0) next = undefined;
    for (const held of this.unrecorded.values()) next = Math.min(next ?? Infinity, held.retryAt);
    if (next === undefined) return;
    const at = Math.max(next, this.pausedUntil, this.passRetryAt);
    const delay = Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    this.running = true;
    try {
      await this.retryUnrecorded();
      const tried = new Set<string>();
      while (!this.stopped && Date.now() >= this.pausedUntil) {
        const batch = this.outbox.due(8 + this.unrecorded.size + tried.size)
          .filter((entry) => !this.unrecorded.has(entry.id) && !tried.has(entry.id));
        if (batch.length === 0) break;
        for (const entry of batch) {
          if (this.stopped || Date.now() < this.pausedUntil) break;
          tried.add(entry.id);
          await this.attempt(entry);
        }
      }
      this.passFailures = 0;
      this.passRetryAt = 0;
    } catch (err) {
      this.passFailures++;
      const delay = backoffMs(this.passFailures, this.config.backoffBaseMs, this.config.backoffMaxMs);
      this.passRetryAt = Date.now() + delay;
      this.logger.error('dispatcher pass failed', { error: (err as Error).message, retryInMs: delay });
    } finally {
      this.running = false;
    }
  }

  /** Writes the held outcomes whose retry time has come. */
  private async retryUnrecorded(): Promise<void> {
    for (const [id, held] of this.unrecorded) {
      if (this.stopped || Date.now() < held.retryAt) continue;
      try {
        await held.record();
        this.unrecorded.delete(id);
        this.logger.info('outcome recorded after write failures', { outboxId: id, outcome: held.what, failures: held.failures });
      } catch (err) {
        this.hold(id, held, err);
      }
    }
  }

  /** Keeps an outcome whose write failed, and schedules the write's next try. */
  private hold(id: string, held: Unrecorded, err: unknown): void {
    held.failures++;
    held.retryAt = Date.now() + backoffMs(held.failures, this.config.backoffBaseMs, this.config.backoffMaxMs);
    this.unrecorded.set(id, held);
    this.logger.error('cannot record a dispatch outcome; holding it in memory', {
      outboxId: id, outcome: held.what, failures: held.failures, retryInMs: held.retryAt - Date.now(), error: (err as Error).message,
    });
  }

  /** Writes an outcome; when the write fails the outcome is held (not lost, the entry not sent again). */
  private async record(id: string, what: string, write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      this.hold(id, { record: write, what, failures: 0, retryAt: 0 }, err);
      return false;
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
    // Every request GitHub saw is counted here, before any write that could fail.
    this.metrics.dispatchAttempts.inc({ outcome: outcome.kind });
    if (this.stopped && outcome.kind !== 'dispatched') return; // closing: leave it pending for the next start
    const labels = { event_type: entry.eventType };
    switch (outcome.kind) {
      case 'dispatched':
        this.metrics.dispatched.inc(labels);
        this.logger.info('dispatched', { outboxId: entry.id, eventType: entry.eventType, attempts: entry.attempts + 1 });
        await this.record(entry.id, 'dispatched', () => this.outbox.markDispatched(entry.id));
        return;
      case 'rate-limited': {
        // GitHub's primary limit resets within the hour; never retry before the time it names.
        const wait = Math.min(outcome.waitMs, 3_600_000);
        const until = Date.now() + wait;
        this.pausedUntil = until;
        this.metrics.dispatchFailed.inc(labels);
        this.logger.warn('rate limited by GitHub; pausing dispatch', { outboxId: entry.id, waitMs: wait });
        await this.record(entry.id, 'rate-limited', () => this.outbox.markRetry(entry.id, until, outcome.error, false));
        return;
      }
      case 'permanent':
        this.metrics.dispatchFailed.inc(labels);
        this.logger.error('dispatch rejected permanently', { outboxId: entry.id, error: outcome.error });
        await this.record(entry.id, 'failed', () => this.outbox.markFailed(entry.id, outcome.error));
        return;
      case 'retry': {
        this.metrics.dispatchFailed.inc(labels);
        const attempts = entry.attempts + 1;
        if (attempts >= this.config.maxAttempts) {
          this.logger.error('dispatch failed; retries exhausted', { outboxId: entry.id, attempts, error: outcome.error });
          await this.record(entry.id, 'failed', () => this.outbox.markFailed(entry.id, outcome.error));
          return;
        }
        const delay = backoffMs(attempts, this.config.backoffBaseMs, this.config.backoffMaxMs);
        const next = Date.now() + delay;
        this.logger.warn('dispatch failed; will retry', { outboxId: entry.id, attempts, delayMs: delay, error: outcome.error });
        await this.record(entry.id, 'retry', () => this.outbox.markRetry(entry.id, next, outcome.error, true));
        return;
      }
    }
  }

  /**
   * Stops scheduling and waits for the in-flight attempt (its result is still recorded). Held
   * outcomes get one last write; one that still fails is logged (its entry is sent again after the restart).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
    for (const [id, held] of this.unrecorded) {
      try {
        await held.record();
        this.unrecorded.delete(id);
      } catch (err) {
        this.logger.error('outcome still not recorded at shutdown; the entry will be sent again after the restart', {
          outboxId: id, outcome: held.what, error: (err as Error).message,
        });
      }
    }
  }
}
