import type { FailureType } from '../types';

/**
 * Tool families by the shape of what they report, not by our wording: a tool's name (from a SARIF
 * driver, a command line or an output format) and the namespaces of its rule ids decide the type.
 * Security rule sets count as SAST even when the tool is a linter (ESLint with
 * eslint-plugin-security, @microsoft/sdl, no-unsanitized, Semgrep, CodeQL, gosec, Bandit).
 */
export const FAMILIES: ReadonlyArray<{ match: RegExp; type: FailureType }> = [
  { match: /gitleaks|trufflehog|detect-secrets|secretlint/i, type: 'secret-leak' },
  { match: /bandit|semgrep|codeql|gosec|brakeman|horusec|njsscan|sonar|checkmarx|snyk code/i, type: 'sast' },
  { match: /trivy|grype|clair|anchore|docker scout/i, type: 'image-vulnerability' },
  { match: /snyk|pip-audit|npm audit|osv-scanner|safety|dependency-check|govulncheck|cargo audit/i, type: 'sca' },
  { match: /eslint|hadolint|shellcheck|flake8|ruff|pylint|stylelint|tflint|checkov|yamllint|actionlint|markdownlint|mypy|pyright/i, type: 'lint' },
];

/** Rule-id namespaces of security rule sets (ESLint plugins, Semgrep registries, CWE tags). */
export const SECURITY_RULE = /^(security|security-node|no-unsanitized|@microsoft\/sdl|xss|scanjs-rules|sonarjs\/(?:os-command|sql-queries|hashing|insecure)|react\/no-danger|detect-|CWE-|B\d{3}$)/i;

export function familyOf(tool: string, rules: string[]): { type: FailureType; tool: string } {
  const name = tool.toLowerCase().replace(/^eslint.*$/, 'eslint');
  const fam = FAMILIES.find((f) => f.match.test(tool));
  if (rules.some((r) => SECURITY_RULE.test(r)) && (!fam || fam.type === 'lint')) return { type: 'sast', tool: name };
  return { type: fam?.type ?? 'lint', tool: name };
}

/**
 * A path as a reader of the report wants it: relative to the checkout. Hosted and self-hosted
 * runners check out to `<work>/<repo>/<repo>/` (GITHUB_WORKSPACE), containers to `/github/workspace/`.
 */
export function relPath(p: string): string {
  return p
    .replace(/^file:\/\//, '')
    .replace(/^(?:[A-Za-z]:)?[\\/].*?[\\/](?:_work|work)[\\/]([^\\/]+)[\\/]\1[\\/]/, '')
    .replace(/^\/github\/workspace\//, '')
    .replace(/^\.\//, '');
}
