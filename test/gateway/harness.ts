import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadGatewayConfig, type GatewaySettingsInput } from '../../src/gateway/config';
import { silentLogger } from '../../src/gateway/logger';
import { Outbox, type OutboxEntry } from '../../src/gateway/outbox';
import { startGateway, type RunningGateway } from '../../src/gateway/server';
import type { GithubDispatchFake } from '../fakes/github-dispatch';

export const gatewayToken = 'gw-test-token-0123456789';
export const githubToken = 'ghs_fake_dispatch_token';

export function tempStateDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-gw-'));
}

/** A gateway in this process, on a free loopback port, dispatching to the fake; fast retries. */
export async function startTestGateway(fake: GithubDispatchFake, settings: GatewaySettingsInput = {}): Promise<RunningGateway> {
  const config = loadGatewayConfig({
    port: '0',
    host: '127.0.0.1',
    githubApiUrl: fake.url,
    githubRepository: 'self-healing-mlops/self-healing-mlops',
    stateDir: tempStateDir(),
    backoffBaseMs: '20',
    backoffMaxMs: '200',
    ...settings,
  }, { GATEWAY_TOKEN: gatewayToken, GITHUB_TOKEN: githubToken });
  return startGateway(config, { logger: silentLogger });
}

export async function post(gw: RunningGateway | string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const base = typeof gw === 'string' ? gw : gw.url;
  const res = await fetch(`${base}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${gatewayToken}`, ...headers },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** Reads the outbox file read-only (WAL lets a second connection see committed rows). */
export function outboxRows(stateDir: string): OutboxEntry[] {
  const ob = new Outbox(stateDir, 0);
  try {
    return ob.all();
  } finally {
    void ob.close(); // read-only use: no writer thread was started, so this closes synchronously
  }
}

export async function until(cond: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
