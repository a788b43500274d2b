import type { ApplicationChange, DistDiffReport, ObjectChange } from './schema';

/** Hidden marker that finds this comment again (the one comment per pull request). */
export const COMMENT_MARKER = '<!-- mlops:dist-diff -->';

/**
 * GitHub refuses issue and pull request comments longer than 65,536 characters ("Body is too long
 * (maximum is 65536 characters)", the 422 of POST /repos/{owner}/{repo}/issues/{n}/comments; seen in
 * danger/danger#424 and peter-evans/create-or-update-comment#182). The body is kept below a budget
 * with room to spare, counted in UTF-16 code units (never fewer than GitHub's characters).
 */
export const GITHUB_COMMENT_LIMIT = 65_536;
export const COMMENT_BUDGET = 60_000;

const ZWJ = '\u200d';

/**
 * Text from the diff goes only inside a fenced code block, where Markdown, HTML and mentions are not
 * rendered. The fence is longer than any backtick run in the text, so the text cannot close it; an
 * `@` that could start a mention (`@name` after a space or at a line start; not `@@` hunk headers
 * or `image@sha256:`) gets a zero-width joiner all the same (defence in depth, as src/analysis/hygiene.ts
 * does for reports), and control characters other than tab are dropped.
 */
export function codeBlock(text: string, info = 'diff'): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g, '').replace(/(^|[^\w`/.@])@(?=[A-Za-z0-9])/gm, `$1@${ZWJ}`);
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${clean}${clean.endsWith('\n') || clean === '' ? '' : '\n'}${fence}`;
}

/** HTML-escapes text for <summary> (identity strings are already restricted by the schema; this is belt and braces). */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/@/g, '&#64;');

/** `Kind namespace/name` of an object, or the file for a plain file. */
export function objectLabel(o: ObjectChange): string {
  if (!o.kind || !o.name) return o.file;
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

const appLabel = (a: ApplicationChange) => (a.application === null ? 'no Application (files ArgoCD does not sync)' : `Application \`${a.application}\``);
const count = (objs: ObjectChange[], c: ObjectChange['change']) => objs.filter((o) => o.change === c).length;

function objectLine(o: ObjectChange): string {
  const id = o.kind ? `\`${o.apiVersion}\` \`${objectLabel(o)}\`` : `file \`${o.file}\``;
  const where = o.kind ? ` in \`${o.file}\`` : '';
  const chart = o.chart ? `chart \`${o.chart.name}\` ${[o.chart.from, o.chart.to].filter(Boolean).map((v) => `\`${v}\``).join(' → ')}` : '';
  const notes = [
    chart,
    o.previousFile ? `moved from \`${o.previousFile}\`` : '',
    o.previousApplication ? `previously synced by \`${o.previousApplication}\`` : '',
  ].filter(Boolean);
  return `- **${o.change}** ${id}${where}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

function objectDetails(o: ObjectChange): string {
  const note = o.omittedLines > 0 ? `\n\n_${o.omittedLines} more diff lines not shown (object diff limit); run the command below for all of it._` : '';
  return [
    `<details><summary>${o.change} <code>${html(objectLabel(o))}</code></summary>`,
    '',
    codeBlock(o.diff),
    note ? note.trimStart() : '',
    '</details>',
  ]
    .filter((l, i) => l !== '' || i === 1)
    .join('\n');
}

/**
 * The pull request comment: the marker, a per-Application summary (added / changed / removed), then
 * per Application the list of objects and a collapsed YAML diff of each. The lists always fit
 * first; diffs are added while they fit in COMMENT_BUDGET, and the rest are named with a note.
 */
export function renderComment(report: DistDiffReport, opts: { budget?: number } = {}): string {
  const budget = Math.min(opts.budget ?? COMMENT_BUDGET, GITHUB_COMMENT_LIMIT);
  const short = (s: string) => s.slice(0, 12);
  const local = `bin/mlops diff-dist --base ${short(report.base)} --head ${short(report.head)}`;
  const all = report.applications.flatMap((a) => a.objects);
  const head = [COMMENT_MARKER, '### `dist/` change by ArgoCD Application', ''];
  if (all.length === 0) {
    return [...head, `No object in \`dist/\` changes between \`${short(report.base)}\` (base) and \`${short(report.head)}\` (this pull request).`].join('\n');
  }
  head.push(
    `Base \`${short(report.base)}\` → \`${short(report.head)}\`: ${all.length} object(s) in ${report.applications.length} group(s): ` +
      `${count(all, 'added')} added, ${count(all, 'changed')} changed, ${count(all, 'removed')} removed.`,
    '',
    '| Application | syncs | added | changed | removed |',
    '|---|---|---|---|---|',
    ...report.applications.map(
      (a) => `| ${a.application === null ? '_none_' : `\`${a.application}\``} | ${a.paths.map((p) => `\`${p}\``).join(' ')} | ${count(a.objects, 'added')} | ${count(a.objects, 'changed')} | ${count(a.objects, 'removed')} |`,
    ),
    '',
  );
  const footer = `\n---\n_Generated from the committed \`dist/\` (platform-ci checks it equals a fresh synth). Locally: \`${local}\`._`;

  // Lists first (always shown, unless even they exceed the budget), then diffs while they fit.
  const sections = report.applications.map((a) => ({ title: `#### ${appLabel(a)}`, lines: a.objects.map(objectLine), objects: a.objects }));
  let size = head.join('\n').length + footer.length + 400; // 400: room for the truncation notes
  for (const s of sections) size += s.title.length + 2 + s.lines.reduce((n, l) => n + l.length + 1, 0);
  const out = [...head];
  let listCut = 0;
  if (size > budget) {
    // Too many objects to even list: list as many as fit.
    size = head.join('\n').length + footer.length + 400;
    for (const s of sections) {
      size += s.title.length + 2;
      const keep: string[] = [];
      for (const l of s.lines) {
        if (size + l.length + 1 > budget) {
          listCut++;
          continue;
        }
        keep.push(l);
        size += l.length + 1;
      }
      s.lines = keep;
    }
  }
  let omittedDiffs = 0;
  for (const s of sections) {
    out.push(s.title, '', ...s.lines, '');
    for (const o of s.objects) {
      const details = objectDetails(o);
      if (listCut > 0 || size + details.length + 2 > budget) {
        omittedDiffs++;
        continue;
      }
      out.push(details, '');
      size += details.length + 2;
    }
  }
  if (listCut > 0) out.push(`> **${listCut} more object(s) not listed**: the comment would exceed GitHub's ${GITHUB_COMMENT_LIMIT}-character limit. Run \`${local}\`.`, '');
  if (omittedDiffs > 0) out.push(`> **${omittedDiffs} object diff(s) not shown** to stay under GitHub's ${GITHUB_COMMENT_LIMIT}-character comment limit. Run \`${local}\`.`, '');
  return out.join('\n') + footer;
}
