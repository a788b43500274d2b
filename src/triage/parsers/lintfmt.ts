import type { Finding, Parser } from '../types';
import { familyOf, relPath } from './families';
import { uniqueBy } from './util';

/**
 * Linters recognised by the shape of their output, whatever the project:
 * - ESLint `stylish` (a file path line, then `  L:C  error  message  rule`), `unix`
 *   (`path:L:C: message [Error/rule]`) and `json` (`[{filePath, messages}]`); rule namespaces decide
 *   SAST (eslint-plugin-security, no-unsanitized, @microsoft/sdl) versus lint.
 * - hadolint `tty`/`gnu` (`Dockerfile:L DL3008 warning: …`) and `json`.
 * - ShellCheck `tty` (`In f line L:` + `SC2086 (info): …`), `gcc` (`f:L:C: warning: … [SC2086]`) and `json`/`json1`.
 */
const SOURCE = /\.(?:[cm]?[jt]sx?|vue|svelte)$/;
const STYLISH_ROW = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.+?)\s{2,}(@?[\w-]+(?:\/[\w-]+)*)\s*$/;
const UNIX = /^(\S+?):(\d+):(\d+): (.*?) \[(Error|Warning)(?:\/(@?[\w-]+(?:\/[\w-]+)*))?\]$/;

export const parseEslint: Parser = (lines, command) => {
  const findings: Finding[] = [];
  let file = '';
  for (const l of lines) {
    if (SOURCE.test(l.trim()) && !/\s/.test(l.trim())) {
      file = relPath(l.trim());
      continue;
    }
    let m = file ? STYLISH_ROW.exec(l) : null;
    if (m) {
      if (m[3] === 'error') findings.push({ tool: 'eslint', message: m[4].trim(), file, line: Number(m[1]), rule: m[5], severity: 'error' });
      continue;
    }
    m = UNIX.exec(l);
    if (m && m[5] === 'Error') findings.push({ tool: 'eslint', message: m[4], file: relPath(m[1]), line: Number(m[2]), ...(m[6] ? { rule: m[6] } : {}), severity: 'error' });
  }
  const json = jsonArray(lines);
  if (!findings.length && json?.some((x) => Array.isArray(x?.messages) && typeof x?.filePath === 'string')) {
    for (const f of json) for (const msg of f.messages ?? []) if (msg.severity === 2) findings.push({ tool: 'eslint', message: String(msg.message), file: relPath(String(f.filePath)), line: Number(msg.line), ...(msg.ruleId ? { rule: String(msg.ruleId) } : {}), severity: 'error' });
  }
  if (!findings.length) return undefined;
  // Stylish rows alone could be another tool's: the command or the summary line must say ESLint.
  if (!/\beslint\b/.test(command) && !lines.some((l) => /^✖ \d+ problems?|\[Error\/|^\d+ problems?$/.test(l.trim()))) return undefined;
  const fam = familyOf('eslint', findings.map((f) => f.rule ?? ''));
  // In a SAST verdict the security rules come first; the style rules are context.
  const ordered = fam.type === 'sast' ? [...findings].sort((a, b) => Number(!/^(security|no-unsanitized|@microsoft\/sdl)/.test(a.rule ?? '')) - Number(!/^(security|no-unsanitized|@microsoft\/sdl)/.test(b.rule ?? ''))) : findings;
  return { failureType: fam.type, tool: 'eslint', findings: uniqueBy(ordered, (f) => `${f.file}:${f.line}:${f.rule}`), priority: 62, evidence: lines.filter((l) => STYLISH_ROW.test(l) || UNIX.test(l) || /problems?/.test(l)).slice(0, 6) };
};

const HADO = /^(\S*?(?:Dockerfile|Containerfile|\.dockerfile)\S*?):(\d+)(?::\d+)?:? (DL\d{4}|SC\d{4}) (error|warning|info|style):? (.*)$/i;

export const parseHadolint: Parser = (lines, command) => {
  const findings: Finding[] = [];
  for (const l of lines) {
    const m = HADO.exec(l.trim());
    if (m) findings.push({ tool: 'hadolint', message: m[5], file: relPath(m[1]), line: Number(m[2]), rule: m[3], severity: m[4].toLowerCase() });
  }
  const json = jsonArray(lines);
  if (!findings.length && json?.some((x) => typeof x?.code === 'string' && /^(DL|SC)\d+$/.test(x.code))) {
    for (const r of json) findings.push({ tool: 'hadolint', message: String(r.message), file: relPath(String(r.file)), line: Number(r.line), rule: String(r.code), severity: String(r.level) });
  }
  if (!findings.length || (!/hadolint/.test(command) && !findings.some((f) => f.rule?.startsWith('DL')))) return undefined;
  return { failureType: 'lint', tool: 'hadolint', findings: uniqueBy(findings, (f) => `${f.file}:${f.line}:${f.rule}`), priority: 62, evidence: lines.filter((l) => HADO.test(l.trim())).slice(0, 6) };
};

const SC_GCC = /^(\S+?):(\d+):(\d+): (error|warning|note|info|style): (.*) \[SC(\d{4})\]$/;
const SC_TTY_AT = /^In (\S+) line (\d+):$/;
const SC_TTY_CODE = /\bSC(\d{4}) \((error|warning|info|style)\): (.*)$/;

export const parseShellcheck: Parser = (lines) => {
  const findings: Finding[] = [];
  let at: { file: string; line: number } | undefined;
  for (const l of lines) {
    let m = SC_GCC.exec(l.trim());
    if (m) {
      findings.push({ tool: 'shellcheck', message: m[5], file: relPath(m[1]), line: Number(m[2]), rule: `SC${m[6]}`, severity: m[4] === 'note' ? 'info' : m[4] });
      continue;
    }
    m = SC_TTY_AT.exec(l.trim());
    if (m) {
      at = { file: relPath(m[1]), line: Number(m[2]) };
      continue;
    }
    m = at ? SC_TTY_CODE.exec(l) : null;
    if (m && at) findings.push({ tool: 'shellcheck', message: m[3], ...at, rule: `SC${m[1]}`, severity: m[2] });
  }
  if (!findings.length) {
    const json = jsonArray(lines) ?? (jsonObject(lines)?.comments as any[] | undefined);
    if (json?.some((x) => typeof x?.code === 'number' && typeof x?.file === 'string')) {
      for (const c of json) findings.push({ tool: 'shellcheck', message: String(c.message), file: relPath(String(c.file)), line: Number(c.line), rule: `SC${c.code}`, severity: String(c.level) });
    }
  }
  if (!findings.length) return undefined;
  const order = ['error', 'warning', 'info', 'style'];
  findings.sort((a, b) => order.indexOf(a.severity ?? 'style') - order.indexOf(b.severity ?? 'style'));
  return { failureType: 'lint', tool: 'shellcheck', findings: uniqueBy(findings, (f) => `${f.file}:${f.line}:${f.rule}`), priority: 62, evidence: lines.filter((l) => SC_GCC.test(l.trim()) || SC_TTY_CODE.test(l)).slice(0, 6) };
};

/** The first JSON array printed in the lines (from a line starting with `[` to a line ending with `]`). */
export function jsonArray(lines: string[]): any[] | undefined {
  const v = jsonSpan(lines, '[', ']');
  return Array.isArray(v) ? v : undefined;
}

export function jsonObject(lines: string[]): Record<string, any> | undefined {
  const v = jsonSpan(lines, '{', '}');
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
}

function jsonSpan(lines: string[], open: string, close: string): unknown {
  const start = lines.findIndex((l) => l.trimStart().startsWith(open));
  if (start < 0) return undefined;
  // Bounded: each attempt parses the span again.
  for (let end = lines.length - 1, tries = 0; end >= start && tries < 30; end--) {
    if (!lines[end].trimEnd().endsWith(close)) continue;
    tries++;
    try {
      return JSON.parse(lines.slice(start, end + 1).join('\n'));
    } catch {
      // a shorter span
    }
  }
  return undefined;
}
