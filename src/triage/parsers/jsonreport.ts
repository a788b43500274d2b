import { readReport } from '../artifacts/reports';
import type { Parser } from '../types';

/**
 * A machine-readable report printed to the log instead of uploaded (`grype -o json`,
 * `npm audit --json`, `pip-audit -f json`, `gitleaks … --report-path /dev/stdout`, SARIF or JUnit on
 * stdout): the span from the first line opening a JSON document (or an XML prolog) to the last line
 * closing it is read by the same readers as artifacts.
 */
export const parseJsonReport: Parser = (lines) => {
  const start = lines.findIndex((l) => /^\s*(\{|\[\s*$|\[\s*\{|<\?xml|<testsuites?\b)/.test(l));
  if (start < 0) return undefined;
  const xml = /^\s*</.test(lines[start]);
  let tries = 0;
  for (let end = lines.length - 1; end >= start; end--) {
    const tail = lines[end].trimEnd();
    if (xml ? !/<\/testsuites?>$/.test(tail) : !/[}\]]$/.test(tail)) continue;
    tries++;
    const v = readReport({ name: 'stdout', text: lines.slice(start, end + 1).join('\n') });
    if (v) {
      const { file: _file, ...result } = v;
      return { ...result, priority: 75, evidence: lines.slice(start, start + 4).map((l) => l.trim()) };
    }
    // Bounded: each attempt parses the span again.
    if (tries >= 30) break;
  }
  return undefined;
};
