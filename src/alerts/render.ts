import type { AlertReport } from './report';
import { teams } from '../config/teams';

/** The Markdown posted to GitHub/Slack/stdout. */
export function toMarkdown(r: AlertReport): { title: string; body: string } {
  const team = teams[r.team];
  const title = r.status === 'resolved'
    ? `[alert] ${r.alertname} resolved${r.pod ? ` (${r.pod})` : ''}`
    : `[alert] ${r.alertname}${r.pod ? ` on ${r.pod}` : ''}: ${r.causes[0].title}`;
  const lines = [
    `${team.githubTeam}: **${r.alertname}** (${r.severity}, ${r.alertType}) is **${r.status}** since ${r.startsAt}${r.namespace ? ` in \`${r.namespace}\`` : ''}.`,
    '',
    r.summary,
    '',
    '## Most likely causes (ranked by code from the documented table)',
    '',
  ];
  for (const c of r.causes.slice(0, 3)) {
    lines.push(`${c.rank}. **${c.title}** (\`${c.id}\`, score ${c.score})`);
    if (c.explanation) lines.push(`   ${c.explanation}`);
    for (const e of c.evidence) lines.push(`   - \`${e.replace(/`/g, "'")}\``);
    lines.push(`   - Remediation: ${c.remediation}`);
  }
  lines.push('', `<sub>Read: ${r.sources.logLines} log lines, ${r.sources.events} events, ${Object.keys(r.sources.queries).length} Prometheus queries, ${r.sources.rollouts} releases. Fingerprint \`${r.fingerprint}\`.</sub>`);
  if (r.sources.problems.length > 0) {
    lines.push('', '<details><summary>Could not read</summary>', '', ...r.sources.problems.map((p) => `- ${p}`), '', '</details>');
  }
  return { title, body: lines.join('\n') };
}
