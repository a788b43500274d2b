import type { Parser } from '../types';

/** Docker Buildx / BuildKit: `ERROR: failed to solve: …`, `#N ERROR: …`, `Dockerfile:N`. */
export const parseBuildx: Parser = (lines, command) => {
  const solve = lines.find((l) => /^(ERROR: )?failed to solve: /.test(l));
  if (!solve) return undefined;
  if (/failed to (push|authorize)|denied|unauthorized/i.test(solve)) {
    return {
      failureType: 'deploy',
      tool: 'buildx',
      findings: [{ tool: 'buildx', message: solve.replace(/^ERROR: /, ''), rule: 'push-denied' }],
      priority: 60,
      evidence: [solve],
    };
  }
  const df = lines.map((l) => /^(\S*Dockerfile\S*):(\d+)$/.exec(l)).find(Boolean);
  const step = lines.find((l) => /^ > \[.*\] (RUN|COPY|ADD|FROM)/.test(l));
  // The underlying cause inside the step (pip/npm/apt errors) is evidence and a finding.
  const inner = lines.map((l) => /^#\d+ [\d.]+ (ERROR: .*|E: .*|npm (?:error|ERR!) .*)$/.exec(l)?.[1]).filter((x): x is string => Boolean(x));
  return {
    failureType: /no space left on device/i.test(lines.join('\n')) ? 'infrastructure' : 'build',
    tool: 'buildx',
    findings: [
      { tool: 'buildx', message: solve.replace(/^ERROR: /, ''), rule: 'failed-to-solve', ...(df ? { file: df[1], line: Number(df[2]) } : {}), ...(step ? { id: step.trim().replace(/:$/, '') } : {}) },
      ...inner.slice(0, 3).map((m) => ({ tool: /^npm/.test(m) ? 'npm' : /^E:/.test(m) ? 'apt' : 'pip', message: m.replace(/^ERROR: /, '') })),
    ],
    priority: /buildx|docker/.test(command) ? 65 : 50,
    evidence: [solve, ...(step ? [step] : []), ...inner.slice(0, 2)],
  };
};
