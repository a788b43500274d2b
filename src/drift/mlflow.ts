/**
 * A small MLflow REST client (tracking API 2.0) for what the drift analysis needs from the production
 * model's training run: model version (from src/config/release.json) → run → metric history (accuracy,
 * precision, recall, f1) → artifacts (`reference_profile.json`, `feature_importances.json`).
 * Plain `fetch`; errors name the endpoint and MLflow's message.
 */

export interface TrainingRun {
  readonly model: string;
  readonly version: string;
  readonly runId: string;
  /** Last value of each metric in the run (accuracy, precision, recall, f1, …). */
  readonly metrics: Record<string, number>;
  /** Full history of the quality metrics. */
  readonly history: Record<string, Array<{ value: number; step: number; timestamp: number }>>;
  readonly referenceProfile: ReferenceProfile | null;
  readonly featureImportances: Record<string, number> | null;
}

/** The parts of the model's `reference_profile.json` (schema 1) the analysis reads. */
export interface ReferenceProfile {
  readonly schemaVersion: number;
  readonly rows: number;
  readonly featureOrder: string[];
  readonly features: Record<string, {
    kind: 'numeric' | 'categorical';
    nullShare?: number;
    validRange?: [number, number];
    counts?: Record<string, number>;
  }>;
}

export const QUALITY_METRICS = ['accuracy', 'precision', 'recall', 'f1'] as const;

export class MlflowClient {
  private readonly base: string;
  constructor(baseUrl: string, private readonly token?: string, private readonly timeoutMs = 30_000) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async get<T>(pathAndQuery: string): Promise<T> {
    const url = `${this.base}${pathAndQuery}`;
    const res = await fetch(url, {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON
      }
      throw new Error(`MLflow ${pathAndQuery.split('?')[0]} answered ${res.status}: ${message}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`MLflow ${pathAndQuery.split('?')[0]} answered non-JSON`);
    }
  }

  async runIdOf(model: string, version: string): Promise<string> {
    const q = new URLSearchParams({ name: model, version });
    const r = await this.get<{ model_version: { run_id: string } }>(`/api/2.0/mlflow/model-versions/get?${q}`);
    return r.model_version.run_id;
  }

  async run(runId: string): Promise<{ metrics: Record<string, number>; artifactUri: string }> {
    const r = await this.get<{ run: { info: { artifact_uri: string }; data: { metrics?: Array<{ key: string; value: number }> } } }>(
      `/api/2.0/mlflow/runs/get?${new URLSearchParams({ run_id: runId })}`,
    );
    return {
      metrics: Object.fromEntries((r.run.data.metrics ?? []).map((m) => [m.key, m.value])),
      artifactUri: r.run.info.artifact_uri,
    };
  }

  async metricHistory(runId: string, key: string): Promise<Array<{ value: number; step: number; timestamp: number }>> {
    const r = await this.get<{ metrics?: Array<{ value: number; step: string | number; timestamp: string | number }> }>(
      `/api/2.0/mlflow/metrics/get-history?${new URLSearchParams({ run_id: runId, metric_key: key })}`,
    );
    return (r.metrics ?? []).map((m) => ({ value: m.value, step: Number(m.step), timestamp: Number(m.timestamp) }));
  }

  /** A JSON artifact of the run, or null when the run has no such file. */
  async jsonArtifact<T>(runId: string, artifactUri: string, file: string): Promise<T | null> {
    const list = await this.get<{ files?: Array<{ path: string }> }>(`/api/2.0/mlflow/artifacts/list?${new URLSearchParams({ run_id: runId })}`);
    if (!(list.files ?? []).some((f) => f.path === file)) return null;
    // Proxied artifact storage (`mlflow server --artifacts-destination`): mlflow-artifacts:/<path>.
    const proxied = /^mlflow-artifacts:\/*(.*)$/.exec(artifactUri);
    const pathAndQuery = proxied
      ? `/api/2.0/mlflow-artifacts/artifacts/${proxied[1].replace(/\/+$/, '')}/${file}`
      : `/get-artifact?${new URLSearchParams({ path: file, run_uuid: runId })}`;
    return this.get<T>(pathAndQuery);
  }

  /** Everything about the production model's training run. */
  async trainingRun(model: string, version: string): Promise<TrainingRun> {
    const runId = await this.runIdOf(model, version);
    const run = await this.run(runId);
    const history: TrainingRun['history'] = {};
    for (const key of QUALITY_METRICS) {
      if (key in run.metrics) history[key] = await this.metricHistory(runId, key);
    }
    return {
      model,
      version,
      runId,
      metrics: run.metrics,
      history,
      referenceProfile: await this.jsonArtifact<ReferenceProfile>(runId, run.artifactUri, 'reference_profile.json'),
      featureImportances: await this.jsonArtifact<Record<string, number>>(runId, run.artifactUri, 'feature_importances.json'),
    };
  }
}
