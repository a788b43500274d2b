import type { Parser } from '../types';

/** `git push` rejections: non-fast-forward, protected branches, hooks, permissions. */
export const parseGitPush: Parser = (lines) => {
  const rejected = lines.filter((l) => /^\s*! \[(remote )?rejected\]/.test(l));
  const failed = lines.find((l) => /^error: failed to push some refs to/.test(l));
  const remote = lines.filter((l) => /^remote: (error|fatal): /.test(l) || /GH006|GH013|Permission to .* denied/.test(l));
  if (!rejected.length && !failed && !remote.length) return undefined;
  const first = rejected[0] ?? remote[0] ?? failed!;
  const reason = /\(([^)]+)\)\s*$/.exec(first)?.[1] ?? remote[0]?.replace(/^remote: /, '') ?? 'rejected';
  const ref = /\]\s+(\S+ -> \S+)/.exec(first)?.[1];
  return {
    failureType: 'deploy',
    tool: 'git',
    findings: [{ tool: 'git', message: `push rejected: ${reason}`, rule: /fetch first|non-fast-forward/.test(reason) ? 'non-fast-forward' : /protected|GH006/.test(first + reason) ? 'protected-branch' : 'rejected', ...(ref ? { id: ref } : {}) }],
    priority: 75,
    evidence: [...rejected.slice(0, 2), ...remote.slice(0, 2), ...(failed ? [failed] : [])],
  };
};
