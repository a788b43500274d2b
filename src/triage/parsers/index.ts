import type { ParseResult, Parser } from '../types';
import { parseBandit } from './bandit';
import { parseBuildx } from './buildx';
import { parseFlake8 } from './flake8';
import { parseGate } from './gate';
import { parseCompilerLike, parseDeploy, parseRegistry, parseVulnIds } from './generic';
import { parseGitPush } from './git';
import { parseGitleaks } from './gitleaks';
import { parseGoTest } from './gotest';
import { parseJest } from './jest';
import { parseJsonReport } from './jsonreport';
import { parseEslint, parseHadolint, parseShellcheck } from './lintfmt';
import { parseModelGate } from './modelgate';
import { parsePackages } from './packages';
import { parsePytest } from './pytest';
import { parseNetwork, parseRunner } from './runner';
import { parseSnyk } from './snyk';
import { parseTrivy } from './trivy';
import { parseVulnTable } from './vulntable';

/** Every parser; the highest-priority match on the failing step decides. */
export const parsers: ReadonlyArray<{ name: string; parse: Parser }> = [
  { name: 'runner', parse: parseRunner },
  { name: 'gate', parse: parseGate },
  { name: 'gitleaks', parse: parseGitleaks },
  { name: 'bandit', parse: parseBandit },
  { name: 'snyk', parse: parseSnyk },
  { name: 'trivy', parse: parseTrivy },
  { name: 'git-push', parse: parseGitPush },
  { name: 'json-report', parse: parseJsonReport },
  { name: 'pytest', parse: parsePytest },
  { name: 'jest', parse: parseJest },
  { name: 'go-test', parse: parseGoTest },
  { name: 'eslint', parse: parseEslint },
  { name: 'hadolint', parse: parseHadolint },
  { name: 'shellcheck', parse: parseShellcheck },
  { name: 'vuln-table', parse: parseVulnTable },
  { name: 'model-gate', parse: parseModelGate },
  { name: 'buildx', parse: parseBuildx },
  { name: 'flake8', parse: parseFlake8 },
  { name: 'packages', parse: parsePackages },
  { name: 'deploy', parse: parseDeploy },
  { name: 'compiler', parse: parseCompilerLike },
  { name: 'vuln-ids', parse: parseVulnIds },
  { name: 'registry', parse: parseRegistry },
  { name: 'network', parse: parseNetwork },
];

/** Runs every parser on the failing step; returns all matches, best first. */
export function runParsers(lines: string[], command: string): ParseResult[] {
  const out: ParseResult[] = [];
  for (const p of parsers) {
    try {
      const r = p.parse(lines, command);
      if (r) out.push(r);
    } catch {
      // A parser bug must not break triage: the others (or `unknown`) still answer.
    }
  }
  return out.sort((a, b) => b.priority - a.priority);
}
