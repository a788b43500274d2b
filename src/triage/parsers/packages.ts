import type { Finding, Parser } from '../types';
import { uniqueBy } from './util';

/** pip and npm install errors. */
export const parsePackages: Parser = (lines, command) => {
  const findings: Finding[] = [];
  for (const l of lines) {
    let m = /ERROR: (?:Could not find a version that satisfies the requirement|No matching distribution found for) (\S+)/.exec(l);
    if (m) {
      findings.push({ tool: 'pip', message: l.replace(/^.*?ERROR: /, ''), id: m[1], rule: 'no-matching-distribution' });
      continue;
    }
    if (/ERROR: THESE PACKAGES DO NOT MATCH THE HASHES/.test(l)) {
      findings.push({ tool: 'pip', message: 'package hashes do not match the requirements file', rule: 'hash-mismatch' });
      continue;
    }
    if ((m = /ERROR: (ResolutionImpossible|Cannot install .*|Failed building wheel for \S+|pip's dependency resolver .*)/.exec(l))) {
      findings.push({ tool: 'pip', message: m[1], rule: 'resolution' });
      continue;
    }
    if ((m = /^npm (?:error|ERR!) code (E[A-Z0-9]+)/.exec(l))) {
      const detail = lines.find((d) => /^npm (?:error|ERR!) \d{3} /.test(d));
      findings.push({ tool: 'npm', message: detail ? detail.replace(/^npm (?:error|ERR!) /, '') : `npm ${m[1]}`, rule: m[1] });
      continue;
    }
    if ((m = /^npm (?:error|ERR!) (404 Not Found - GET (\S+))/.exec(l))) {
      findings.push({ tool: 'npm', message: m[1], id: m[2].split('/').pop(), rule: 'E404' });
    }
  }
  if (!findings.length) return undefined;
  // npm: merge the code line with the detail line.
  const npm404 = findings.find((f) => f.tool === 'npm' && f.id);
  const merged = npm404 ? findings.filter((f) => !(f.tool === 'npm' && !f.id && f.rule === npm404.rule)) : findings;
  return {
    failureType: /\b(npm|pnpm|yarn) publish\b/.test(command) ? 'deploy' : 'build',
    tool: merged[0].tool,
    findings: uniqueBy(merged, (f) => `${f.tool}:${f.message}`),
    priority: 55,
    evidence: lines.filter((l) => /^(ERROR: |npm (error|ERR!) )/.test(l.replace(/^#\d+ [\d.]+ /, ''))).slice(0, 5),
  };
};
