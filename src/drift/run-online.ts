import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../analysis';
import type { DriftAnalysis } from './analyze';
import type { EpisodeStore } from './episodes';
import { MlflowClient, TrainingRun } from './mlflow';
import { analyzeCaptures, fetchCaptures } from './online';
import { releaseState } from './release';
import type { RuleConfig } from './rules';
import { parseDispatchedGroup } from '../contracts/dispatch';

export interface OnlineRunOptions {
  readonly gatewayUrl: string;
  readonly token: string;
  /** @default release.json's mlflowModel */
  readonly modelName?: string;
  readonly windowHours: number;
  readonly mlflowUrl?: string;
  /** @default src/config/release.json */
  readonly releaseFile?: string;
  readonly alertFile?: string;
  readonly rules: RuleConfig;
  readonly driftShare: number;
  readonly episodes?: EpisodeStore;
  /** @default now */
  readonly now?: Date;
}

/** Alert names of the group that triggered the analysis (a dispatch event, its payload or an Alertmanager body). */
function triggerOf(file: string): string[] {
  let group;
  try {
    group = parseDispatchedGroup(JSON.parse(fs.readFileSync(file, 'utf8'))).group;
  } catch (err) {
    throw new UsageError(`--alert ${file}: ${(err as Error).message}`);
  }
  return [...new Set(group.alerts.map((a) => a.labels.alertname ?? '').filter(Boolean))];
}

/**
 * The online analysis: captures of the last 30 days plus the window from the gateway, the production model's
 * training run from MLflow (release.json's model version), the triggering alert's names.
 */
export async function onlineAnalysis(opts: OnlineRunOptions): Promise<{ analysis: DriftAnalysis; model: string }> {
  const release = releaseState(opts.releaseFile ?? path.resolve(__dirname, '..', 'config', 'release.json'));
  const model = opts.modelName ?? release.mlflowModel;
  const now = opts.now ?? new Date();
  let training: TrainingRun | null = null;
  if (opts.mlflowUrl && release.mlflowVersion !== '0') {
    training = await new MlflowClient(opts.mlflowUrl).trainingRun(release.mlflowModel, release.mlflowVersion);
  }
  const windowMs = opts.windowHours * 3_600_000;
  const captures = await fetchCaptures({ url: opts.gatewayUrl, token: opts.token }, model, new Date(now.getTime() - 30 * 86_400_000 - windowMs), now);
  const state = opts.episodes?.get(model);
  const modelChanged = state?.digest != null && state.digest !== release.digest;
  let result;
  try {
    result = analyzeCaptures(captures, {
      model,
      now,
      windowMs,
      training,
      rules: opts.rules,
      driftShare: opts.driftShare,
      modelChanged,
      retrainedThisEpisode: state?.retrained,
      episode: state?.episode,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const trigger = opts.alertFile ? triggerOf(opts.alertFile) : [];
  const report = { ...result.report, trigger, trainingAccuracy: result.trainingAccuracy, digest: release.digest };
  if (result.trainingAccuracy !== null) report.evidence = [...report.evidence, `training accuracy (MLflow run ${training!.runId}): ${result.trainingAccuracy.toFixed(4)}`];
  return { analysis: { ...result, report }, model };
}
