import type { Report } from '../analysis';
import type { TeamId } from '../config/teams';

/** Failure categories, decided by code (never by the model). */
export const failureTypes = [
  'lint',
  'unit-test',
  'sast',
  'sca',
  'secret-leak',
  'image-vulnerability',
  'model-validation',
  'build',
  'deploy',
  'infrastructure',
  'unknown',
] as const;
export type FailureType = (typeof failureTypes)[number];

/** Default owner per failure type (issue 6); teams come from src/config/teams.ts. */
export const defaultTeam: Record<FailureType, TeamId> = {
  'lint': 'model-owners',
  'unit-test': 'model-owners',
  'sast': 'security',
  'sca': 'security',
  'secret-leak': 'security',
  'image-vulnerability': 'security',
  'model-validation': 'ml',
  'build': 'platform',
  'deploy': 'platform',
  'infrastructure': 'platform',
  'unknown': 'platform',
};

/** One fact a parser read from a tool's output. Fields that do not apply are omitted. */
export interface Finding {
  /** The tool that reported it: `pytest`, `flake8`, `bandit`, `gitleaks`, `snyk`, `trivy`, … */
  tool: string;
  message: string;
  file?: string;
  line?: number;
  /** Rule or check id: `E501`, `B602`, `aws-access-token`, `assertion`, `accuracy`. */
  rule?: string;
  /** Item id: a test node id, a CVE/GHSA/Snyk id, a package. */
  id?: string;
  severity?: string;
}

/** What one parser concluded from the failing step. */
export interface ParseResult {
  readonly failureType: FailureType;
  readonly tool: string;
  readonly findings: Finding[];
  /** Higher wins when several parsers match: specific tools 50–90, generic recognisers 10–30. */
  readonly priority: number;
  /** Lines quoted as evidence. */
  readonly evidence: string[];
}

/** A parser: reads the failing step's (normalised) lines and its command. */
export type Parser = (lines: string[], command: string) => ParseResult | undefined;

/** The triage report (the `--json` envelope adds schemaVersion, kind, provider, …). */
export interface TriageReport extends Report {
  failureType: FailureType;
  team: TeamId;
  summary: string;
  findings: Finding[];
  rootCause: string;
  remediation: string;
  evidence: string[];
  dedupeKey: string;
  /** Where it happened (omitted for --log input without context). */
  repository?: string;
  workflow?: string;
  job?: string;
  step?: string;
  runId?: number;
  runUrl?: string;
  branch?: string;
  commitSha?: string;
  /** The run came from a fork: triaged offline, never posted. */
  forkRun?: boolean;
  /** What log reduction dropped. */
  logNotes?: string[];
}
