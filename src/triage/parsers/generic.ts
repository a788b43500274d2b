import type { Finding, Parser } from '../types';
import { uniqueBy } from './util';

/**
 * Generic recognisers for what real pipelines also run:
 * - compilers, linters and type checkers: `file:line[:col]: error|warning …`, `file(line,col): error TS…`
 * - vulnerability ids from any scanner: CVE, GHSA, PYSEC, RUSTSEC, GO-, SNYK-, OSV URLs
 * - package-manager and registry errors
 * - deploy CLIs: forbidden, denied, timeouts
 */
const LOC = /^([\w./@-]+\.[A-Za-z0-9]+)(?::(\d+))(?::(\d+))?:\s*(error|warning|fatal error)(?:\[(\w+)\])?:?\s*(.*)$/;
const TSC = /^([\w./@-]+\.[A-Za-z0-9]+)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;
const VULN = /\b(CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|PYSEC-\d{4}-\d+|RUSTSEC-\d{4}-\d{4}|GO-\d{4}-\d{4}|SNYK-[A-Z0-9]+-[A-Z0-9]+-\d+)\b/g;
// go build/vet: `./main.go:6:14: undefined: total` (no `error:` word).
const GO = /^(\.?\/?[\w./-]+\.go):(\d+)(?::(\d+))?: (.*)$/;
const BUILD_STEP = /\b(build|compile|make|gradle|gradlew|mvn|javac|gcc|g\+\+|clang|cmake|ninja|go (?:build|install|vet|test)|cargo (?:build|check)|tsc -[pb]\b|tsc\s*$|webpack|vite build|next build|docker build|msbuild|dotnet build)\b/m;
const TYPECHECK = /\b(tsc|mypy|pyright|eslint|ruff|pylint|golangci-lint|shellcheck|hadolint|actionlint|checkov|tflint|yamllint|stylelint)\b/;

export const parseCompilerLike: Parser = (lines, command) => {
  const findings: Finding[] = [];
  for (const l of lines) {
    let m = TSC.exec(l);
    if (m) {
      findings.push({ tool: 'tsc', message: m[6], file: m[1], line: Number(m[2]), rule: m[5], severity: m[4] });
      continue;
    }
    const go = /\bgo (build|vet|test|install|run)\b/.test(command) ? GO.exec(l) : null;
    if (go && !LOC.test(l)) {
      findings.push({ tool: 'go', message: go[4], file: go[1].replace(/^\.\//, ''), line: Number(go[2]), severity: 'error' });
      continue;
    }
    m = LOC.exec(l);
    if (m && !/\.(log|txt)$/.test(m[1])) {
      const code = m[5] ?? /\[([\w-]+)\]\s*$/.exec(m[6])?.[1];
      findings.push({ tool: '', message: m[6].replace(/\s*\[[\w-]+\]\s*$/, ''), file: m[1].replace(/^\.\//, ''), line: Number(m[2]), ...(code ? { rule: code } : {}), severity: m[4].replace('fatal error', 'error') });
    }
  }
  const errors = findings.filter((f) => f.severity === 'error' || f.tool === 'tsc');
  if (!errors.length) return undefined;
  const tool = TYPECHECK.exec(command)?.[1] ?? (errors[0].tool || /\b(gcc|g\+\+|clang|cc|go|cargo|javac|make)\b/.exec(command)?.[1] || 'compiler');
  // Compile errors are a build failure where the step builds (npm run build, make, tsc -p, go build,
  // javac, mvn, gradle); a type check or linter run on its own (tsc --noEmit, mypy) is lint.
  const building = BUILD_STEP.test(command) && !/--noEmit|\b(lint|typecheck|type-check)\b/.test(command);
  const isCheck = !building && (TYPECHECK.test(command) || errors.some((f) => f.tool === 'tsc'));
  return {
    failureType: isCheck ? 'lint' : 'build',
    tool,
    findings: uniqueBy(errors.map((f) => ({ ...f, tool })), (f) => `${f.file}:${f.line}:${f.message}`),
    priority: building ? 45 : 30,
    evidence: lines.filter((l) => TSC.test(l) || LOC.test(l) || GO.test(l)).slice(0, 5),
  };
};

export const parseVulnIds: Parser = (lines, command) => {
  const findings: Finding[] = [];
  for (const l of lines) {
    for (const m of l.matchAll(VULN)) {
      const pkg = /│\s*PyPI\s*│\s*([\w.-]+)\s*│\s*([\w.+-]+)/.exec(l);
      findings.push({ tool: 'scanner', message: pkg ? `${m[1]} in ${pkg[1]} ${pkg[2]}` : l.replace(/[│|]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300), id: m[1] });
    }
  }
  if (!findings.length) return undefined;
  const image = /\b(image|container|docker|grype .*:|trivy image)\b/i.test(command);
  const tool = /\b(osv-scanner|grype|pip-audit|npm audit|safety|dependency-check|govulncheck|cargo audit)\b/.exec(command)?.[1] ?? 'scanner';
  return {
    failureType: image ? 'image-vulnerability' : 'sca',
    tool,
    findings: uniqueBy(findings.map((f) => ({ ...f, tool })), (f) => f.id!),
    priority: 25,
    evidence: lines.filter((l) => VULN.test(l)).slice(0, 5),
  };
};

const REGISTRY = /(manifest unknown|pull access denied|failed to resolve source metadata|Could not resolve host|Temporary failure in name resolution|unable to access 'https?:|E: Unable to locate package|error: could not find `|Could not resolve dependencies|ETARGET|ENOTFOUND registry)/i;
export const parseRegistry: Parser = (lines) => {
  const line = lines.find((l) => REGISTRY.test(l));
  if (!line) return undefined;
  return { failureType: 'build', tool: 'package-manager', findings: [{ tool: 'package-manager', message: line.trim(), rule: REGISTRY.exec(line)![1].toLowerCase() }], priority: 20, evidence: [line.trim()] };
};

const DEPLOY = /(Error from server \((Forbidden|Unauthorized|NotFound|Conflict|Invalid|BadRequest)\)|\bis forbidden\b|cannot (?:patch|create|get|update|delete) resource|UPGRADE FAILED|INSTALLATION FAILED|timed out waiting for the condition|exceeded its progress deadline|context deadline exceeded|ComparisonError|sync failed|denied: |403 Forbidden|401 Unauthorized|AccessDenied|Access Denied|PermissionDenied|AuthorizationFailed|phase: Failed|Operation has completed with phase|ImagePullBackOff|CrashLoopBackOff|\b\d{3} Bad Request from|File already exists)/i;
const DEPLOY_CLI = /\b(kubectl|helm|argocd|kustomize|terraform|tofu|cdktf|pulumi|flux|oc|gcloud|aws|az|twine|docker push|npm publish|gh release|cargo publish|serverless|sam deploy|firebase|vercel|netlify|fly)\b/;
export const parseDeploy: Parser = (lines, command) => {
  const hits = lines.filter((l) => DEPLOY.test(l));
  if (!hits.length) return undefined;
  const tool = DEPLOY_CLI.exec(command)?.[1] ?? 'deploy';
  const rule = /forbidden|denied|403|cannot \w+ resource/i.test(hits.join(' ')) ? 'forbidden' : /unauthori[sz]ed|401/i.test(hits.join(' ')) ? 'unauthorized' : /timed out|deadline/i.test(hits.join(' ')) ? 'timeout' : 'failed';
  const detail = hits.find((l) => /cannot \w+ resource|is forbidden/.test(l)) ?? hits[0];
  const target = deployTarget(command);
  // Terraform/OpenTofu diagnostics name the configuration: `on main.tf line 41, in resource …`.
  const tf = lines.map((l) => /\bon ([\w./-]+\.tf) line (\d+)/.exec(l)).find(Boolean);
  return { failureType: 'deploy', tool, findings: [{ tool, message: detail.trim() + (target && !detail.includes(target) ? ` (${target})` : ''), rule, ...(target ? { id: target } : {}), ...(tf ? { file: tf[1], line: Number(tf[2]) } : {}) }], priority: DEPLOY_CLI.test(command) ? 40 : 15, evidence: hits.slice(0, 4).map((l) => l.trim()) };
};

/** What a deploy or publish command acts on: `deployment/api`, an Argo CD app, a release, a bucket, an image. */
function deployTarget(command: string): string | undefined {
  const c = command.split('\n').find((l) => DEPLOY_CLI.test(l)) ?? command;
  return (
    /\b(?:deployment|statefulset|daemonset|rollout)\/([\w.-]+)/.exec(c)?.[0] ??
    /\bargocd app (?:sync|wait|rollback) ([\w.-]+)/.exec(c)?.[1] ??
    /\bhelm (?:upgrade|install)(?: --install)? ([\w.-]+)/.exec(c)?.[1] ??
    /\b(s3:\/\/[\w.-]+)/.exec(c)?.[1] ??
    /\bdocker push (\S+)/.exec(c)?.[1]
  );
}
