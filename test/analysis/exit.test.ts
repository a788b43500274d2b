import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { Redactor } from '../../src/analysis/redact';
import { runAnalysis } from '../../src/analysis/run';
import { OUTPUT_CHANNELS, sinkKinds, type OutputChannel, type Post } from '../../src/analysis/sinks';
import { startGitHubFake, type GitHubFake } from '../fakes/github';
import { startSlackFake, type SlackFake } from '../fakes/slack';
import { PLANTED } from './support/secrets';

/**
 * "Every byte that leaves passes one exit" (issue #18 item 2): secrets and injection strings planted in every
 * part of a report (title, labels, body, JSON, emitted Markdown and envelope) come out of every output channel
 * of the spine redacted, and every rendered channel sanitised. The channels come from the registry
 * (OUTPUT_CHANNELS in src/analysis/sinks/exit.ts); the test fails on a channel it did not read or one the registry lacks.
 */

const SECRETS = [
  PLANTED['github-token'],
  PLANTED['slack-token'],
  PLANTED.jwt,
  '7Fq2xLr9PzT4mWc8NvB3kJd6HsY1aQe5',
  'hunter2hunter2',
  's3cretPass',
];
const PLANT_SECRETS = [
  `export GITHUB_TOKEN=${PLANTED['github-token']} ${PLANTED['slack-token']} ${PLANTED.jwt}`,
  'Authorization: Bearer 7Fq2xLr9PzT4mWc8NvB3kJd6HsY1aQe5',
  'ERROR upstream call failed: password=hunter2hunter2',
  'mlflow login -p s3cretPass',
].join(' ');
const PLANT_INJECTION = [
  'cc @attacker .@attacker2 /@attacker3 @@attacker4',
  'see https://evil.example/fix www.evil-login.example/reset [here](//evil.example/login)',
  '<picture><source srcset="//evil.example/p.png"></picture> <video src="//evil.example/v.mp4"> <img src=x>',
  '<!-- mlops-key:deadbeef -->',
].join(' ');
const PLANT = `${PLANT_SECRETS} ${PLANT_INJECTION}`;

/** A rendered channel: no secret, no live mention, no live link to evil, no raw media HTML, no hidden comment. */
function expectRenderedClean(channel: string, text: string): void {
  for (const s of SECRETS) expect({ channel, leaked: text.includes(s) }).toEqual({ channel, leaked: false });
  const problems = [
    /(^|[^\w])@attacker/m, // a mention without the zero-width joiner
    /https?:\/\/evil/,
    /(^|[\s(])www\.evil/m,
    /\]\(\/\/evil/,
    /<(picture|video|img|source)\b/i,
    /<!--\s*mlops-key:deadbeef/,
    /^\s{0,3}\[\/\/\]:/m,
  ].filter((re) => re.test(text));
  expect({ channel, problems: problems.map(String) }).toEqual({ channel, problems: [] });
}

function expectNoSecret(channel: string, text: string): void {
  for (const s of SECRETS) expect({ channel, leaked: text.includes(s) }).toEqual({ channel, leaked: false });
  expect(text).toMatch(/\[REDACTED:/);
}

let gh: GitHubFake;
let slack: SlackFake;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-exit-'));
const saved = { ...process.env };
beforeAll(async () => {
  gh = await startGitHubFake();
  slack = await startSlackFake();
  Object.assign(process.env, {
    GITHUB_TOKEN: 'gh-test',
    GITHUB_REPOSITORY: 'acme/model',
    GITHUB_API_URL: gh.url,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL: '#alerts',
  });
  delete process.env.SLACK_WEBHOOK_URL;
});
afterAll(async () => {
  process.env = saved;
  await gh.close();
  await slack.close();
});

test('registry: every sink kind has its channels, and no channel is unnamed', () => {
  for (const kind of sinkKinds) expect(OUTPUT_CHANNELS.some((c) => c.startsWith(`${kind}:`))).toBe(true);
  expect(new Set(OUTPUT_CHANNELS.map((c) => c.split(':')[0]))).toEqual(new Set(['emit', ...sinkKinds]));
});

test('secrets and injection strings planted in every part of a report leave no channel in clear', async () => {
  const out = path.join(tmp, 'out');
  const sinkOut = path.join(tmp, 'sink-out');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let printed = '';
  stdout.on('data', (d: Buffer) => (printed += d.toString()));
  const post: Post = {
    dedupeKey: 'exit-test',
    title: `[alert] ${PLANT}`,
    body: `## Report\n\n${PLANT}\n\n[//]: # (hidden text)\n\n<details><summary>Could not read</summary>\n\n- ${PLANT}\n\n</details>`,
    labels: ['team:ml', `cause:${PLANT_SECRETS.slice(0, 60)}`],
    team: 'ml',
    json: { summary: PLANT },
  };
  const envelope = { summary: PLANT, nested: [{ log: PLANT_SECRETS }] };
  const markdown = `${PLANT}\n[//]: # (hidden text)`;
  const base = { sinks: [] as never[], json: true, stateDir: path.join(tmp, 'state') };

  // The emit channels (--out report.md/report.json and --json on stdout) ...
  expect(await runAnalysis('exit-test', { ...base, out }, async (s) => s.emit(envelope, markdown, undefined, new Redactor()), { stdout, stderr })).toBe(0);
  const seen = new Map<OutputChannel, string>();
  seen.set('emit:report.md', fs.readFileSync(path.join(out, 'report.md'), 'utf8'));
  seen.set('emit:report.json', fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
  seen.set('emit:stdout-json', printed);
  printed = '';

  // ... and every sink, through the spine's publish.
  const code = await runAnalysis(
    'exit-test',
    { ...base, json: false, out: sinkOut, sinks: ['stdout', 'file', 'github', 'slack'] },
    async (s) => s.publish({ post }, new Redactor()),
    { stdout, stderr },
  );
  expect(code).toBe(0);
  const issue = gh.issues.find((i) => i.title.startsWith('[alert]'))!;
  expect(printed).toMatch(/^# \[alert\]/);
  seen.set('stdout:markdown', printed);
  seen.set('file:report.md', fs.readFileSync(path.join(sinkOut, 'report.md'), 'utf8'));
  seen.set('file:report.json', fs.readFileSync(path.join(sinkOut, 'report.json'), 'utf8'));
  seen.set('github:title', issue.title);
  seen.set('github:body', issue.body);
  seen.set('github:labels', issue.labels.join('\n'));
  seen.set('slack:text', slack.postedTexts().join('\n'));

  expect([...seen.keys()].sort()).toEqual([...OUTPUT_CHANNELS].sort());
  for (const [channel, text] of seen) {
    if (channel.endsWith('json')) expectNoSecret(channel, text);
    else expectRenderedClean(channel, text);
  }
  // The renderers' own structure survives the exit, and the sink's own dedupe marker is still there.
  expect(issue.body).toContain('<details><summary>Could not read</summary>');
  expect(issue.body).toMatch(/<!-- mlops-key:[0-9a-f]{8} -->$/);
  expect(issue.labels).toContain('team:ml');
});
