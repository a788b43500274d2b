import type { Finding, Parser } from '../types';
import { uniqueBy } from './util';

/**
 * Model gates in any team's wording: a metric name, a value, and a threshold or a baseline it is
 * compared with (`AUC: 0.71 (required >= 0.75)`, `recall[fraud] = 0.41 (min 0.6) FAILED`,
 * `PSI=0.31 exceeds limit 0.2`, `log_loss 0.52 is worse than champion 0.44`, a `metric candidate
 * production` table), and data-validation results (`expect_column_values_to_not_be_null … FAILED`).
 * A line counts only with a comparison word or sign; the step failed, so the gate's own verdict is
 * the failure.
 */
// Per-class forms first: `recall[fraud]` must not stop at `recall`.
const METRIC = String.raw`(?:(?:recall|precision|f1)\[[\w -]+\]|roc[-_ ]?auc|pr[-_ ]?auc|auc(?:[-_]?roc)?|accuracy|balanced[-_ ]accuracy|f1(?:[-_ ]score)?|f-?beta|precision(?:@\d+)?|recall(?:@\d+)?|psi|ks(?:[-_ ]statistic)?|kl(?:[-_ ]divergence)?|js(?:[-_ ]distance)?|wasserstein|rmse|mae|mse|mape|r2|r\^2|log[-_ ]?loss|brier(?:[-_ ]score)?|ndcg(?:@\d+)?|map(?:@\d+)?|mrr|gini|lift|calibration[-_ ]error|ece|bleu|rouge[-\w]*|wer|cer|perplexity|latency[-_ ]p\d+|drift[-_ ]score|population stability)`;
const METRIC_RE = new RegExp(`(?<![\\w-])(${METRIC})(?![\\w-])`, 'i');
const NUM = /-?\d+(?:\.\d+)?(?:e-?\d+)?/gi;
const CMP = /(<=?|>=?|≤|≥|\bbelow\b|\babove\b|\bexceed(?:s|ed)?\b|\bunder\b|\bover\b|\bless than\b|\bgreater than\b|\bworse than\b|\bbetter than\b|\bvs\.?\b|\bversus\b|\bmin(?:imum)?\b|\bmax(?:imum)?\b|\brequired\b|\bthreshold\b|\bbaseline\b|\bchampion\b|\bproduction\b|\blimit\b|\ballowed\b|\bexpected\b|\btarget\b|\bregress(?:ed|ion)?\b|\bdropped\b|\btolerance\b)/i;
const FAILWORD = /\b(fail(?:ed|s|ure)?|reject(?:ed)?|not promot|block(?:ed)?|stop|regress|drift detected|too (?:low|high)|below|exceeds?|worse)\b/i;

export const parseModelGate: Parser = (lines) => {
  const findings: Finding[] = [];
  const evidence: string[] = [];
  let header: string | undefined;
  for (const raw of lines) {
    const l = raw.trim();
    if (/^(metric|name)\s+\w+\s+(baseline|production|champion|previous|reference|current)\b/i.test(l)) {
      header = l;
      continue;
    }
    const m = METRIC_RE.exec(l);
    if (!m) continue;
    const after = l.slice(m.index + m[0].length);
    const nums = [...after.matchAll(NUM)].map((x) => x[0]).filter((x) => !/^\d+$/.test(x) || Number(x) < 1000);
    // `metric candidate baseline` rows under a header that names the baseline column.
    if (header && nums.length >= 2 && new RegExp(`^${m[1].replace(/[[\]]/g, '\\$&')}\\s`, 'i').test(l)) {
      findings.push({ tool: 'model-gate', message: `${m[1]} ${nums[0]} vs ${header.split(/\s+/)[2].toLowerCase()} ${nums[1]}`, rule: m[1], id: `${m[1]}=${nums[0]}`, severity: 'high' });
      evidence.push(l);
      continue;
    }
    if (nums.length < 2 || !CMP.test(after)) continue;
    // A row explicitly marked as passing is context, not the failure.
    if (/\b(ok|pass(?:ed)?|✓)\s*$/i.test(l)) continue;
    findings.push({ tool: 'model-gate', message: l.slice(0, 300), rule: m[1].toLowerCase(), id: `${m[1].toLowerCase()}=${nums[0]}`, severity: 'high' });
    evidence.push(l);
  }
  // Data validation (Great Expectations, Pandera, Deequ-style checks): the failed expectations.
  for (const raw of lines) {
    const l = raw.trim();
    const m = /\b(expect_[a-z_]+)\b(?:\(?\s*column[=:]\s*'?"?([\w.-]+))?/.exec(l);
    if (m && /\b(FAILED|failed|success[=:]\s*false|✗|FAIL)\b/i.test(l)) {
      findings.push({ tool: 'data-validation', message: l.slice(0, 300), rule: m[1], ...(m[2] ? { id: m[2] } : {}), severity: 'high' });
      evidence.push(l);
    }
  }
  if (!findings.length) return undefined;
  // Without a failure word anywhere, metric lines are a report, not a gate's verdict.
  if (!lines.some((l) => FAILWORD.test(l))) return undefined;
  const tool = findings[0].tool;
  return { failureType: 'model-validation', tool, findings: uniqueBy(findings, (f) => `${f.rule}:${f.id}:${f.message}`), priority: 45, evidence: [...evidence, ...lines.filter((l) => FAILWORD.test(l)).slice(-2)].slice(0, 8) };
};
