import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DriftReport } from './report';
import type { Urgency } from './rules';

/**
 * Drift episodes: a model's drift episode ends after 3 consecutive `none` results or when the production
 * model digest changes; the next non-`none` result opens episode n+1 (a new issue instead of comments on
 * the old one). The episode is part of the report's dedupe key.
 */

/** The dedupe key of a model's drift episode (issues and Slack threads are found by it). */
export const driftDedupeKey = (model: string, episode: number): string => `drift:${model}:episode-${episode}`;

export interface EpisodeState {
  episode: number;
  consecutiveNone: number;
  digest: string | null;
  /** A retrain was dispatched in this episode. */
  retrained: boolean;
}

/** Episodes per model, in `<stateDir>/drift-episodes.json`. */
export class EpisodeStore {
  private readonly file: string;
  constructor(stateDir: string) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'drift-episodes.json');
  }

  private readAll(): Record<string, EpisodeState> {
    if (!fs.existsSync(this.file)) return {};
    return JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, EpisodeState>;
  }

  get(model: string): EpisodeState {
    return this.readAll()[model] ?? { episode: 1, consecutiveNone: 0, digest: null, retrained: false };
  }

  /**
   * Records one result and returns the episode it belongs to. A digest change or a third consecutive `none`
   * closes the current episode.
   */
  record(model: string, urgency: Urgency, digest: string | null, retrained = false): EpisodeState {
    const all = this.readAll();
    const prev = all[model] ?? { episode: 1, consecutiveNone: 0, digest, retrained: false };
    let next: EpisodeState = { ...prev };
    if (digest !== null && prev.digest !== null && digest !== prev.digest) {
      next = { episode: prev.episode + 1, consecutiveNone: 0, digest, retrained: false };
    } else if (prev.consecutiveNone >= 3 && urgency !== 'none') {
      next = { episode: prev.episode + 1, consecutiveNone: 0, digest: digest ?? prev.digest, retrained: false };
    }
    next.digest = digest ?? next.digest;
    next.consecutiveNone = urgency === 'none' ? next.consecutiveNone + 1 : 0;
    next.retrained = next.retrained || retrained;
    all[model] = next;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
    return next;
  }
}

/**
 * Records the report's urgency in the model's episode and returns the report with the dedupe key of
 * the episode it belongs to (the analysis keyed it by the episode it started in).
 * @param retrained a retrain is dispatched for this report
 */
export function recordEpisode(episodes: EpisodeStore, report: DriftReport, digest: string | null, retrained: boolean): DriftReport {
  const state = episodes.record(report.model, report.urgency, digest, retrained);
  return { ...report, dedupeKey: driftDedupeKey(report.model, state.episode) };
}
