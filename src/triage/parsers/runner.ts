import type { Parser } from '../types';

const RULES: Array<{ rule: string; re: RegExp }> = [
  { rule: 'shutdown', re: /The runner has received a shutdown signal/ },
  { rule: 'time-limit', re: /has exceeded the maximum execution time of \d+ minutes/ },
  { rule: 'lost-runner', re: /lost communication with the server|The hosted runner: .* lost communication|runner .* is offline/ },
  { rule: 'disk-full', re: /No space left on device|no space left on device|ENOSPC/ },
  { rule: 'out-of-memory', re: /\bOOMKilled\b|Killed signal terminated program|exit code 137\b/ },
];

/** Runner and infrastructure failures: shutdown, time limit, lost runner, disk full, OOM. */
export const parseRunner: Parser = (lines) => {
  for (const { rule, re } of RULES) {
    const line = lines.find((l) => re.test(l));
    if (line) {
      return {
        failureType: 'infrastructure',
        tool: 'runner',
        findings: [{ tool: 'runner', message: line.replace(/^##\[error\]/, '').trim(), rule }],
        priority: rule === 'disk-full' ? 85 : 95,
        evidence: [line.trim()],
      };
    }
  }
  return undefined;
};
