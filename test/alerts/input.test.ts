import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAlertGroup } from '../../src/alerts/input';
import { UsageError } from '../../src/analysis/errors';
import { alertGroup } from '../gateway/payloads';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-input-'));
const write = (name: string, content: unknown) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
};

test.each([
  ['a repository_dispatch event', (g: unknown) => ({ action: 'alert', client_payload: { group: g, outboxId: 'ob-1' } }), 'ob-1'],
  ['the gateway client_payload', (g: unknown) => ({ group: g, outboxId: 'ob-2' }), 'ob-2'],
  ['an Alertmanager webhook body', (g: unknown) => g, undefined],
])('reads %s', (_name, wrap, outboxId) => {
  const r = readAlertGroup(write('in.json', wrap(alertGroup({ version: '0.25' }))));
  expect(r.group.commonLabels.alertname).toBe('InferenceLatencyHigh');
  expect(r.outboxId).toBe(outboxId);
});

test.each([
  ['missing file', () => path.join(tmp, 'nope.json'), /nope.json: ENOENT/],
  ['not JSON', () => write('bad.json', '{oops'), /bad.json: .*JSON/],
  ['wrong shape', () => write('shape.json', { client_payload: { group: { version: '4' } } }), /invalid Alertmanager payload: groupKey/],
])('%s → UsageError naming the file and problem', (_name, file, message) => {
  const f = file();
  expect(() => readAlertGroup(f)).toThrow(UsageError);
  expect(() => readAlertGroup(f)).toThrow(message);
});
