import type { DriftReport } from './report';

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function num(x: number | null): string {
  return x === null ? 'n/a' : Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2);
}

/** The report as Markdown (stdout sink, report.md, GitHub issue body). */
export function driftMarkdown(r: DriftReport): string {
  const lines = [
    `## Drift analysis: ${r.model}: ${r.rootCause} (urgency ${r.urgency})`,
    '',
    r.summary,
    '',
    ...(r.trigger?.length ? [`**Triggered by:** ${r.trigger.join(', ')}  `] : []),
    `**Remediation:** ${r.remediation}  `,
    `**Dataset drift:** ${r.datasetDrift} (${pct(r.shareDrifted)} of features drifted)  `,
    `**Accuracy:** ${r.accuracy.current === null ? 'n/a' : pct(r.accuracy.current)} on ${r.accuracy.labelledSamples} labels` +
      `${r.baselines.d30 === null ? '' : `, baseline ${pct(r.baselines.d30)} (${r.baselines.source})`}`,
    '',
    '### Explanation',
    '',
    r.explanation,
    '',
    '### Features',
    '',
    '| feature | kind | test | statistic | p-value | PSI | drifted | nulls | out of range |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.features.map(
      (f) =>
        `| ${f.name} | ${f.kind} | ${f.test} | ${num(f.statistic)} | ${num(f.pValue)} | ${num(f.psi)} | ${f.drifted ? '**yes**' : 'no'} | ${pct(f.currentNullShare)} | ${pct(f.outOfRangeShare)} |`,
    ),
    '',
    `Decision table: ${r.reasons.join('; ')}.`,
  ];
  return lines.join('\n');
}
