import type { Command } from 'commander';
import { addAnalysisOptions, resolveAnalysisOptions } from './analysis-options';
import type { RegisterCommand } from './commands';
import { driftSourceOf } from './drift-source';
import { count, fraction } from './flags';
import { runAnalysis } from '../analysis/run';
import { defaultRuleConfig as rules } from '../drift/rules';
import { runDriftAnalysis } from '../drift/run';

/** `mlops analyze-drift`: drift statistics, root cause and urgency by code; explanation by the provider (docs/drift.md). */
export const registerAnalyzeDrift: RegisterCommand = (program: Command) => {
  const cmd = program.command('analyze-drift')
    .description('Detect model drift between a reference and a current window, decide root cause and urgency, explain, and act.')
    .option('--reference <csv>', 'reference data (CSV with a header)')
    .option('--current <csv>', 'current data (CSV with a header, same columns)')
    .option('--target <col>', 'ground-truth label column (excluded from the features)')
    .option('--prediction <col>', 'prediction column (excluded from the features); with --target gives accuracy')
    .option('--categorical <cols>', 'comma-separated columns to treat as categorical (overrides detection)')
    .option('--numerical <cols>', 'comma-separated columns to treat as numerical (overrides detection)')
    .option('--ignore <cols>', 'comma-separated columns to leave out (ids, timestamps)')
    .option('--delimiter <char>', 'CSV field delimiter, e.g. ";" or tab (default: sniffed from the first lines of each file)')
    .option('--model-name <name>', 'name of the analysed model in the report and the dedupe key (default credit-risk)')
    .option('--drift-share <x>', 'share of drifted features at which the dataset drifts (default 0.5)')
    .option('--min-labelled <n>', `labels needed before accuracy counts (default ${rules.minLabelledSamples})`)
    .option('--accuracy-drop <x>', `accuracy drop below the baseline that counts (default ${rules.accuracyDropDelta})`)
    .option('--digest <sha256>', 'production model digest (a change starts a new drift episode)')
    .option('--act', 'take the urgency\'s action: P0 retrain dispatch, P1 GitHub issue, P2 Slack (credentials from the environment)')
    .option('--gateway-url <url>', 'online mode: the gateway whose /v1/captures gives the windows (env GATEWAY_URL; token GATEWAY_TOKEN)')
    .option('--window-hours <n>', 'online mode: length of the current window (default 24)')
    .option('--mlflow-url <url>', 'online mode: MLflow for the training run of release.json\'s model version (env MLFLOW_TRACKING_URI)')
    .option('--release <file>', 'online mode: release state (default src/config/release.json)')
    .option('--alert <file>', 'online mode: the alert group (JSON) that triggered the analysis; its alert names go into the report');
  addAnalysisOptions(cmd);
  cmd.action(async (raw: Record<string, unknown>) => void await analyzeDriftCommand(raw));
};

/** The command's body, callable in process: flags (commander's camelCase object) → exit code. */
export function analyzeDriftCommand(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runAnalysis('analyze-drift', () => resolveAnalysisOptions(raw), (session) => runDriftAnalysis(session, {
    source: driftSourceOf(raw, env),
    model: (raw.modelName as string | undefined) ?? 'credit-risk',
    rules: {
      ...rules,
      minLabelledSamples: count('--min-labelled', raw.minLabelled, rules.minLabelledSamples),
      accuracyDropDelta: fraction('--accuracy-drop', raw.accuracyDrop, rules.accuracyDropDelta),
    },
    driftShare: fraction('--drift-share', raw.driftShare, 0.5),
    digest: raw.digest as string | undefined,
    act: Boolean(raw.act),
    dailyBudget: session.options.dailyBudget,
    maxPromptTokens: session.options.maxPromptTokens,
  }));
}
