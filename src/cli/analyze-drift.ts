import type { Command } from 'commander';
import { AnalysisStore, Redactor, UsageError, defaultStateDir, addAnalysisOptions, createProvider, createSink, emitReport, envelope, resolveAnalysisOptions, runAnalysisCommand } from '../analysis';
import type { RegisterCommand } from './commands';
import { EpisodeStore, act } from '../drift/actions';
import { DriftAnalysis, analyzeTables, driftMarkdown } from '../drift/analyze';
import { readCsv } from '../drift/csv';
import { explain } from '../drift/explain';
import { defaultRuleConfig } from '../drift/rules';
import { onlineAnalysis } from '../drift/run-online';
import type { ColumnKind } from '../drift/stats/column';

const list = (v: unknown): string[] => (typeof v === 'string' && v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

function fraction(flag: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} must be a number between 0 and 1, got "${String(v)}"`);
  return n;
}

function count(flag: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got "${String(v)}"`);
  return n;
}

/** `mlops analyze-drift`: drift statistics, root cause and urgency by code; explanation by the provider (docs/drift.md). */
export const registerAnalyzeDrift: RegisterCommand = (program: Command) => {
  const cmd = program
    .command('analyze-drift')
    .description('Detect model drift between a reference and a current window, decide root cause and urgency, explain, and act.')
    .option('--reference <csv>', 'reference data (CSV with a header)')
    .option('--current <csv>', 'current data (CSV with a header, same columns)')
    .option('--target <col>', 'ground-truth label column (excluded from the features)')
    .option('--prediction <col>', 'prediction column (excluded from the features); with --target gives accuracy')
    .option('--categorical <cols>', 'comma-separated columns to treat as categorical (overrides detection)')
    .option('--numerical <cols>', 'comma-separated columns to treat as numerical (overrides detection)')
    .option('--ignore <cols>', 'comma-separated columns to leave out (ids, timestamps)')
    .option('--model-name <name>', 'name of the analysed model in the report and the dedupe key (default credit-risk)')
    .option('--drift-share <x>', 'share of drifted features at which the dataset drifts (default 0.5)')
    .option('--min-labelled <n>', `labels needed before accuracy counts (default ${defaultRuleConfig.minLabelledSamples})`)
    .option('--accuracy-drop <x>', `accuracy drop below the baseline that counts (default ${defaultRuleConfig.accuracyDropDelta})`)
    .option('--digest <sha256>', 'production model digest (a change starts a new drift episode)')
    .option('--act', 'take the urgency\'s action: P0 retrain dispatch, P1 GitHub issue, P2 Slack (credentials from the environment)')
    .option('--gateway-url <url>', 'online mode: the gateway whose /v1/captures gives the windows (env GATEWAY_URL; token GATEWAY_TOKEN)')
    .option('--window-hours <n>', 'online mode: length of the current window (default 24)')
    .option('--mlflow-url <url>', 'online mode: MLflow for the training run of release.json\'s model version (env MLFLOW_TRACKING_URI)')
    .option('--release <file>', 'online mode: release state (default src/config/release.json)')
    .option('--alert <file>', 'online mode: the alert group (JSON) that triggered the analysis; its alert names go into the report');
  addAnalysisOptions(cmd);
  cmd.action(async (raw: Record<string, unknown>) => {
    await runAnalysisCommand('analyze-drift', async () => {
      const opts = resolveAnalysisOptions(raw);
      const refFile = raw.reference as string | undefined;
      const curFile = raw.current as string | undefined;
      const gatewayUrl = (raw.gatewayUrl as string | undefined) ?? process.env.GATEWAY_URL;
      if ((!refFile || !curFile) && !gatewayUrl) {
        throw new UsageError('--reference CSV and --current CSV are required (or --gateway-url for the online mode)');
      }
      const online = !refFile || !curFile;
      const kinds = new Map<string, ColumnKind>();
      for (const c of list(raw.categorical)) kinds.set(c, 'categorical');
      for (const c of list(raw.numerical)) {
        if (kinds.has(c)) throw new UsageError(`column "${c}" is given both --categorical and --numerical`);
        kinds.set(c, 'numerical');
      }
      if (raw.prediction && !raw.target) throw new UsageError('--prediction needs --target (accuracy compares them)');
      const rules = {
        ...defaultRuleConfig,
        minLabelledSamples: count('--min-labelled', raw.minLabelled, defaultRuleConfig.minLabelledSamples),
        accuracyDropDelta: fraction('--accuracy-drop', raw.accuracyDrop, defaultRuleConfig.accuracyDropDelta),
      };
      const driftShare = fraction('--drift-share', raw.driftShare, 0.5);
      let model = (raw.modelName as string | undefined) ?? 'credit-risk';
      const stateDir = opts.stateDir;
      const episodes = raw.act || raw.digest ? new EpisodeStore(stateDir ?? defaultStateDir()) : undefined;
      let analysis: DriftAnalysis;
      if (online) {
        const token = process.env.GATEWAY_TOKEN;
        if (!token) throw new UsageError('the online mode needs GATEWAY_TOKEN in the environment (the capture API\'s bearer token)');
        const windowHours = raw.windowHours === undefined ? 24 : Number(raw.windowHours);
        if (!Number.isFinite(windowHours) || windowHours <= 0) throw new UsageError(`--window-hours must be a positive number, got "${String(raw.windowHours)}"`);
        const result = await onlineAnalysis({
          gatewayUrl: gatewayUrl!,
          token,
          modelName: raw.modelName as string | undefined,
          windowHours,
          mlflowUrl: (raw.mlflowUrl as string | undefined) ?? process.env.MLFLOW_TRACKING_URI,
          releaseFile: raw.release as string | undefined,
          alertFile: raw.alert as string | undefined,
          rules,
          driftShare,
          episodes,
        });
        analysis = result.analysis;
        model = result.model;
      } else {
        let reference;
        let current;
        try {
          reference = readCsv(refFile, kinds);
          current = readCsv(curFile, kinds);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        try {
          analysis = analyzeTables(reference, current, {
            target: raw.target as string | undefined,
            prediction: raw.prediction as string | undefined,
            ignore: list(raw.ignore),
            kinds,
            model,
            driftShare,
            rules,
            retrainedThisEpisode: episodes?.get(model).retrained,
          });
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      const provider = createProvider({ provider: opts.provider, model: opts.model, timeoutMs: opts.timeoutMs });
      const store = provider.name === 'offline' ? undefined : new AnalysisStore(opts.stateDir);
      const redactor = new Redactor();
      const out = await explain(analysis, { provider, store, redactor, dailyBudget: opts.dailyBudget, maxPromptTokens: opts.maxPromptTokens });
      let report = out.report;
      if (episodes) {
        const state = episodes.record(model, report.urgency, (raw.digest as string | undefined) ?? report.digest ?? null, report.urgency === 'P0' && Boolean(raw.act));
        report = { ...report, dedupeKey: `drift:${model}:episode-${state.episode}` };
      }
      let failed = 0;
      const markdown = driftMarkdown(report);
      if (raw.act) {
        try {
          report = { ...report, action: await act(report, { redactor, markdown }) };
        } catch (err) {
          failed++;
          process.stderr.write(`mlops analyze-drift: action for ${report.urgency} failed: ${(err as Error).message}\n`);
        }
      }
      const env = envelope('drift', redactor.redactDeep(report), {
        provider: out.provider,
        promptVersion: out.promptVersion,
        promptTokens: out.promptTokens,
        redactions: redactor.redactions,
        fallbackReason: out.fallbackReason,
      });
      const md = driftMarkdown(report);
      emitReport(env, md, { out: opts.out, json: opts.json });
      const sinks = opts.json ? opts.sinks.filter((s) => s !== 'stdout') : opts.sinks;
      for (const kind of sinks) {
        try {
          const sink = createSink(kind, { out: opts.out, redactor, store });
          await sink.post({
            dedupeKey: report.dedupeKey,
            title: `Model drift (${report.urgency}): ${report.model}: ${report.rootCause}`,
            body: md,
            team: report.team,
            labels: ['drift', `team:${report.team}`, `urgency:${report.urgency}`],
            json: env,
          });
        } catch (err) {
          if (err instanceof UsageError) throw err;
          failed++;
          process.stderr.write(`mlops analyze-drift: posting to ${kind} failed: ${(err as Error).message}\n`);
        }
      }
      return failed > 0 ? 1 : 0;
    });
  });
};
