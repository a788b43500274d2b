import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisStore, createSink, dedupeLabel, dedupeMarker, GitHubSink, Post, Redactor, toSlackText, UsageError } from '../../src/analysis';
import { GitHubFake, startGitHubFake } from '../fakes/github';
import { SlackFake, startSlackFake } from '../fakes/slack';

let gh: GitHubFake;
let slack: SlackFake;
beforeAll(async () => {
  gh = await startGitHubFake({ listDelayMs: 50 });
  slack = await startSlackFake();
});
afterAll(async () => {
  await gh.close();
  await slack.close();
});

const post = (key: string, body = 'body'): Post => ({ dedupeKey: key, title: `title ${key}`, body, labels: ['type:lint', 'team:model-owners'], team: 'model-owners', commitSha: 'a'.repeat(40) });
const issueSink = () => new GitHubSink({ token: 'gh-test', repository: 'acme/model', baseUrl: gh.url, mode: 'issue' });

describe('GitHub sink', () => {
  test('creates an issue with the marker and the mlops-key label, then comments on repeats', async () => {
    const first = await issueSink().post(post('ci|lint|E501'));
    const second = await issueSink().post(post('ci|lint|E501', 'second body'));
    expect(first.action).toBe('created');
    expect(second.action).toBe('commented');
    const mine = gh.issues.filter((i) => i.labels.includes(dedupeLabel('ci|lint|E501')));
    expect(mine).toHaveLength(1);
    expect(mine[0].body).toContain(dedupeMarker('ci|lint|E501'));
    expect(mine[0].labels).toEqual([expect.stringMatching(/^mlops-key:[0-9a-f]{8}$/), 'type:lint', 'team:model-owners']);
    expect(mine[0].comments.map((c) => c.body.split('\n')[0])).toEqual(['second body']);
    // Found by listing labelled open issues, never through the search API.
    expect(gh.requests.some((r) => r.path.startsWith('/search'))).toBe(false);
    expect(gh.requests.some((r) => r.method === 'GET' && r.path === '/repos/acme/model/issues' && r.url.searchParams.get('labels') === dedupeLabel('ci|lint|E501'))).toBe(true);
  });

  test('two concurrent posts with one dedupeKey give one issue', async () => {
    const results = await Promise.all([issueSink().post(post('race-1', 'A')), issueSink().post(post('race-1', 'B'))]);
    expect(results.map((r) => r.action).sort()).toEqual(['commented', 'created']);
    expect(gh.issues.filter((i) => i.labels.includes(dedupeLabel('race-1')))).toHaveLength(1);
  });

  test('two posters that do not share a lock (separate module copies, like two processes) leave one open issue', async () => {
    let A: typeof import('../../src/analysis/sinks/github') | undefined;
    let B: typeof import('../../src/analysis/sinks/github') | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second module instance needs a synchronous require inside isolateModules
      A = require('../../src/analysis/sinks/github');
    });
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
      B = require('../../src/analysis/sinks/github');
    });
    const mk = (m: typeof import('../../src/analysis/sinks/github')) => new m.GitHubSink({ token: 't', repository: 'acme/model', baseUrl: gh.url, mode: 'issue' });
    await Promise.all([mk(A!).post(post('race-2', 'A')), mk(B!).post(post('race-2', 'B'))]);
    const all = gh.issues.filter((i) => i.labels.includes(dedupeLabel('race-2')));
    const open = all.filter((i) => i.state === 'open');
    expect(open).toHaveLength(1);
    for (const dup of all.filter((i) => i.state === 'closed')) {
      expect(dup.comments[0].body).toBe(`Duplicate of #${open[0].number}.`);
    }
    // Both reports are on the open issue (its body or a comment).
    const texts = [open[0].body, ...open[0].comments.map((c) => c.body)].join('\n');
    expect(texts).toMatch(/^A$/m);
    expect(texts).toMatch(/^B$/m);
  });

  test('commit comments are edited in place for the same key', async () => {
    const s = new GitHubSink({ token: 't', repository: 'acme/model', baseUrl: gh.url, mode: 'commit-comment' });
    expect((await s.post(post('cc-1', 'first'))).action).toBe('created');
    expect((await s.post(post('cc-1', 'second'))).action).toBe('updated');
    const mine = gh.commitComments.filter((c) => c.body.includes(dedupeMarker('cc-1')));
    expect(mine).toHaveLength(1);
    expect(mine[0].body).toMatch(/^second/);
  });
});

describe('Slack sink', () => {
  test('Web API: posts to the team channel, then edits the same message for the same key', async () => {
    const store = new AnalysisStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-slack-')));
    const env = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.apiUrl };
    const a = await createSink('slack', { env, store }).post(post('slack-1', '**bold** first'));
    const b = await createSink('slack', { env, store }).post(post('slack-1', 'second'));
    expect([a.action, b.action]).toEqual(['posted', 'updated']);
    const msgs = slack.messages.filter((m) => m.text.includes('title slack-1'));
    expect(msgs).toHaveLength(1);
    expect(msgs[0].channel).toBe('#model-dev');
    expect(msgs[0].updates).toBe(1);
    expect(msgs[0].text).toContain('second');
    store.close();
  });

  test('incoming webhook posts once per key', async () => {
    const store = new AnalysisStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-slack-')));
    const env = { SLACK_WEBHOOK_URL: slack.webhookUrl };
    const a = await createSink('slack', { env, store }).post(post('hook-1'));
    const b = await createSink('slack', { env, store }).post(post('hook-1'));
    expect([a.action, b.action]).toEqual(['posted', 'skipped-duplicate']);
    expect(slack.messages.filter((m) => m.via === 'webhook' && m.text.includes('hook-1'))).toHaveLength(1);
    store.close();
  });
});

describe('createSink', () => {
  test('redacts title and body before they leave', async () => {
    const secret = 'xoxb-' + '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
    const env = { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/model', GITHUB_API_URL: gh.url };
    await createSink('github', { env, redactor: new Redactor() }).post(post('redact-1', `leaked ${secret}`));
    expect(gh.postedBodies().some((b) => b.includes(secret))).toBe(false);
    expect(gh.postedBodies().some((b) => b.includes('[REDACTED:slack-token#1]'))).toBe(true);
  });

  test('missing settings are usage errors naming them', () => {
    expect(() => createSink('github', { env: {} })).toThrow(new UsageError('--sink github needs GITHUB_TOKEN in the environment'));
    expect(() => createSink('github', { env: { GITHUB_TOKEN: 'x' } })).toThrow(/GITHUB_REPOSITORY/);
    expect(() => createSink('slack', { env: {} })).toThrow(/SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL/);
    expect(() => createSink('file', {})).toThrow(/--out DIR/);
  });

  test('the file sink writes report.md and report.json', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-file-'));
    await createSink('file', { out }).post({ ...post('file-1'), json: { a: 1 } });
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('# title file-1');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'))).toEqual({ a: 1 });
  });
});

describe('toSlackText', () => {
  test('drops HTML helper tags, escapes Slack control characters, converts bold and links', () => {
    const md = '**Root cause:** a < b & c\n<details><summary>Evidence</summary>\n\n<!-- mlops-key:1234abcd -->\n[run](https://github.com/acme/model/actions/runs/1?a=1&b=2)';
    expect(toSlackText('CI <lint>', md)).toBe('*CI &lt;lint&gt;*\n*Root cause:* a &lt; b &amp; c\nEvidence\n\n\n<https://github.com/acme/model/actions/runs/1?a=1&b=2|run>');
  });
});
