import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';
import { createProvider, type LlmProvider } from './providers';
import { Redactor } from './redact';
import type { ProviderName } from './report';
import { cleanJson, cleanMarkdown, createSink, type Post, type SinkKind } from './sinks';
import { AnalysisStore } from './store';

/**
 * The one run-and-publish spine of the three analyses (triage, alerts, drift): the provider and
 * the store it caches in (opened once, always closed), the report output (`--out`, `--json`), the
 * loop over the sinks with each analysis' routing, and the exit code.
 * Exit codes: 0 report produced and posted, 1 the analysis or a post failed, 2 bad usage or input.
 */

/** What a run needs from its caller (the command line parses these; see src/cli/analysis-options.ts). */
export interface AnalysisRunOptions {
  /** undefined = automatic (gemini when GEMINI_API_KEY is set, else offline). */
  readonly provider?: ProviderName;
  readonly model?: string;
  readonly timeoutMs?: number;
  readonly sinks: readonly SinkKind[];
  /** Folder for report.json and report.md. */
  readonly out?: string;
  /** Print the envelope as one JSON object on stdout (then stdout carries nothing else). */
  readonly json: boolean;
  readonly stateDir?: string;
}

/** How one sink is served for one report: posted (with GitHub's mode), skipped (with a reason to print), or handled by the analysis. */
export type SinkRoute =
  | { readonly action: 'post'; readonly githubMode?: 'issue' | 'commit-comment' }
  | { readonly action: 'skip'; readonly reason?: string }
  | { readonly action: 'custom'; readonly run: () => Promise<void> };

/** One report to publish: the post every sink receives, and the analysis' publish policy per sink. */
export interface Publication {
  readonly post: Post;
  /** @default every sink posts */
  readonly route?: (kind: SinkKind) => SinkRoute;
  /** Name where each post went (created/updated and its link) on stderr. @default false */
  readonly announce?: boolean;
}

interface RunIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** One analysis run. Made by {@link runAnalysis}; the analysis' publish step drives it. */
export class AnalysisSession<O extends AnalysisRunOptions = AnalysisRunOptions> {
  private llm?: LlmProvider;
  private cache?: AnalysisStore;
  private failures = 0;

  constructor(readonly name: string, readonly options: O, private readonly io: RunIo) {}

  /**
   * The LLM provider, made on first use; its cache and budget store is opened beside it unless it is
   * offline. `offline` forces the offline provider (fork runs: their logs never go to an LLM).
   */
  provider(force?: { offline: boolean }): LlmProvider {
    if (!this.llm) {
      const o = this.options;
      this.llm = createProvider({ provider: force?.offline ? 'offline' : o.provider, model: o.model, timeoutMs: o.timeoutMs });
      if (this.llm.name !== 'offline') this.cache = new AnalysisStore(o.stateDir);
    }
    return this.llm;
  }

  /** The provider's store (undefined offline), or one opened for the Slack sink's thread state. */
  store(forSinks = false): AnalysisStore | undefined {
    if (!this.cache && forSinks && this.options.sinks.includes('slack')) this.cache = new AnalysisStore(this.options.stateDir);
    return this.cache;
  }

  /**
   * Writes the report: `out` → out/report.json + out/report.md; `--json` → the envelope on stdout.
   * Both pass the one exit (src/analysis/sinks/exit.ts): report.md is redacted and sanitised, the JSON redacted.
   * @param out @default the run's `--out`
   * @param redactor the report's redactor, so placeholders match the prompt's and the posts'
   */
  emit(envelope: unknown, markdown: string, out: string | undefined = this.options.out, redactor: Redactor = new Redactor()): void {
    const json = cleanJson(envelope, redactor);
    if (out) {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
      fs.writeFileSync(path.join(out, 'report.md'), `${cleanMarkdown(markdown, redactor)}\n`);
    }
    if (this.options.json) this.io.stdout.write(`${JSON.stringify(json)}\n`);
  }

  /**
   * Posts one report to every sink by the analysis' routing. A missing credential is a usage error
   * (exit 2); a failed post is counted (exit 1) and named on stderr; the other sinks still run.
   * @param redactor the report's redactor, so placeholders match the prompt's
   */
  async publish(pub: Publication, redactor: Redactor): Promise<void> {
    for (const kind of this.options.sinks) {
      if (kind === 'stdout' && this.options.json) continue; // stdout carries the JSON object
      const route = pub.route?.(kind) ?? { action: 'post' };
      if (route.action === 'skip') {
        if (route.reason) this.warn(route.reason);
        continue;
      }
      try {
        if (route.action === 'custom') {
          await route.run();
          continue;
        }
        const sink = createSink(kind, {
          out: this.options.out, githubMode: route.githubMode, redactor, store: this.store(true), stdout: this.io.stdout,
        });
        const res = await sink.post(pub.post);
        if (pub.announce && kind !== 'stdout') this.warn(`${kind}: ${res.action}${res.ref ? ` ${res.ref}` : ''}`);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        this.fail(`posting to ${kind} failed: ${(err as Error).message}`);
      }
    }
  }

  /** Counts a failure (the run exits 1) and names it on stderr. */
  fail(message: string): void {
    this.failures++;
    this.warn(message);
  }

  /** A line on stderr, prefixed with the command. */
  warn(message: string): void {
    this.io.stderr.write(`mlops ${this.name}: ${message}\n`);
  }

  /** @internal */
  finish(): number {
    this.cache?.close();
    this.cache = undefined;
    return this.failures > 0 ? 1 : 0;
  }
}

/**
 * Runs one analysis and returns its exit code (also set as `process.exitCode`): the body resolves → 0,
 * or 1 when a post or an action failed; UsageError → 2; anything else → 1. The store is closed in every case.
 */
export async function runAnalysis<O extends AnalysisRunOptions>(
  name: string,
  options: O | (() => O),
  body: (session: AnalysisSession<O>) => Promise<void>,
  io: RunIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let code: number;
  let session: AnalysisSession<O> | undefined;
  try {
    session = new AnalysisSession<O>(name, typeof options === 'function' ? options() : options, io);
    await body(session);
    code = session.finish();
  } catch (err) {
    session?.finish();
    const usage = err instanceof UsageError;
    io.stderr.write(`mlops ${name}: ${usage ? '' : 'failed: '}${(err as Error).message}\n`);
    code = usage ? 2 : 1;
  }
  process.exitCode = code;
  return code;
}
