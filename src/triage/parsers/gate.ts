import type { Parser } from '../types';

const GATE = /model-validation failed: (\w+) ([\d.]+) below (threshold|production) ([\d.]+)(.*)$/;

/** The model quality gate's one line (model/src/credit_risk/train.py). */
export const parseGate: Parser = (lines) => {
  const line = lines.find((l) => GATE.test(l));
  if (!line) return undefined;
  const m = GATE.exec(line)!;
  return {
    failureType: 'model-validation',
    tool: 'model-gate',
    findings: [{ tool: 'model-gate', message: line.slice(line.indexOf('model-validation failed')), rule: m[1], id: `${m[1]}=${m[2]}`, severity: 'high' }],
    priority: 90,
    evidence: [line.trim()],
  };
};
