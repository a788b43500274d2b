import type { Finding, Parser } from '../types';
import { uniqueBy } from './util';

// default: path:line:col: CODE message ; pylint format: path:line: [CODE] message
const DEFAULT = /^([\w./-]+\.py):(\d+):(\d+): ([A-Z]{1,3}\d{3,4}) (.*)$/;
const PYLINT = /^([\w./-]+\.py):(\d+): \[([A-Z]{1,3}\d{3,4})\] (.*)$/;

/** flake8 in its default and pylint formats. */
export const parseFlake8: Parser = (lines, command) => {
  const findings: Finding[] = [];
  for (const l of lines) {
    let m = DEFAULT.exec(l);
    if (m) {
      findings.push({ tool: 'flake8', message: m[5], file: m[1], line: Number(m[2]), rule: m[4] });
      continue;
    }
    m = PYLINT.exec(l);
    if (m) findings.push({ tool: 'flake8', message: m[4], file: m[1], line: Number(m[2]), rule: m[3] });
  }
  if (!findings.length) return undefined;
  const tool = /\bruff\b/.test(command) ? 'ruff' : /\bpylint\b/.test(command) && !/flake8/.test(command) ? 'pylint' : 'flake8';
  return {
    failureType: 'lint',
    tool,
    findings: uniqueBy(findings.map((f) => ({ ...f, tool })), (f) => `${f.file}:${f.line}:${f.rule}`),
    priority: 60,
    evidence: lines.filter((l) => DEFAULT.test(l) || PYLINT.test(l)).slice(0, 5),
  };
};
