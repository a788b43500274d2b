import { codeBlock, COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderComment } from '../../src/review/markdown';
import { capDiff } from '../../src/review/object-diff';
import { DistDiffReport, distDiffReportSchema, MAX_DIFF_LINES, ObjectChange } from '../../src/review/schema';

const sha = (c: string) => c.repeat(40);

function report(objects: ObjectChange[], apps = 1): DistDiffReport {
  return distDiffReportSchema.parse({
    schema: 'mlops.dist-diff/v1',
    base: sha('a'),
    head: sha('b'),
    applications: Array.from({ length: apps }, (_, i) => ({ application: `app-${i}`, paths: [`dist/app-${i}`], objects })),
  });
}

const obj = (i: number, diff: string): ObjectChange => ({
  change: 'changed',
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: 'ns',
  name: `cm-${i}`,
  file: `dist/app/ConfigMap.cm-${i}.k8s.yaml`,
  diff,
  omittedLines: 0,
});

describe('the comment body', () => {
  test('text from the diff cannot leave its code block, mention anyone or inject HTML', () => {
    const hostile = ['+ a: "```"', '+ b: "`````"', '+ c: "@octocat please look"', '+ d: "<!-- mlops:dist-diff --> <img src=x>"', '+ e: "\u0007bell"'].join('\n');
    const block = codeBlock(hostile);
    const fence = block.split('\n')[0].replace(/diff$/, '');
    expect(fence).toBe('``````'); // longer than the longest backtick run (5)
    expect(block.endsWith(`\n${fence}`)).toBe(true);
    // The fence occurs exactly twice: the text never closes it.
    expect(block.split('\n').filter((l) => l.startsWith(fence))).toHaveLength(2);
    expect(block).toContain('@\u200doctocat');
    expect(block).not.toContain('\u0007');
    // Not a mention: hunk headers and image digests keep their bytes.
    expect(codeBlock('@@ -1,2 +1,2 @@\n-image: x:1@sha256:abc\n')).toContain('@@ -1,2 +1,2 @@\n-image: x:1@sha256:abc');
  });

  test('the marker comes first, then the summary table, lists and collapsed diffs', () => {
    const md = renderComment(report([obj(1, '@@ -1,1 +1,1 @@\n-a\n+b\n')]));
    expect(md.split('\n')[0]).toBe(COMMENT_MARKER);
    expect(md).toContain('| `app-0` | `dist/app-0` | 0 | 1 | 0 |');
    expect(md).toContain('<details><summary>changed <code>ConfigMap ns/cm-1</code></summary>\n\n```diff\n@@ -1,1 +1,1 @@\n-a\n+b\n```\n</details>');
  });

  test(`stays under GitHub's ${GITHUB_COMMENT_LIMIT}-character limit: diffs are dropped with a note, lists kept`, () => {
    const big = Array.from({ length: 300 }, (_, i) => `+ line ${i} ${'x'.repeat(50)}`).join('\n') + '\n';
    const md = renderComment(report(Array.from({ length: 40 }, (_, i) => obj(i, big))));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/> \*\*\d+ object diff\(s\) not shown\*\* to stay under GitHub's 65536-character comment limit\. Run `bin\/mlops diff-dist --base aaaaaaaaaaaa --head bbbbbbbbbbbb`/);
    for (let i = 0; i < 40; i++) expect(md).toContain(`\`ConfigMap ns/cm-${i}\``);
  });

  test('even too many objects to list stay under the limit, with a count of those left out', () => {
    const md = renderComment(report(Array.from({ length: 2000 }, (_, i) => obj(i, '+x\n'))));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/> \*\*\d+ more object\(s\) not listed\*\*/);
  });

  test('a long object diff is capped with the number of lines left out', () => {
    const capped = capDiff(Array.from({ length: MAX_DIFF_LINES + 25 }, (_, i) => `+${i}`).join('\n') + '\n');
    expect(capped.omittedLines).toBe(25);
    const md = renderComment(report([{ ...obj(1, capped.diff), omittedLines: capped.omittedLines }]));
    expect(md).toContain('_25 more diff lines not shown (object diff limit)');
  });
});
