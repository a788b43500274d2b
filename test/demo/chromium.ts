import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Headless Chromium (Debian's `chromium`) driven over the DevTools protocol on a pipe
 * (`--remote-debugging-pipe`: NUL-separated JSON on fds 3/4; no port, no extra npm package).
 * `render` loads a page, records every request the PAGE makes (Network.requestWillBeSent in its
 * session; the browser's own background traffic is not the page's), returns the DOM's values asked
 * for and saves a full-page screenshot.
 */
export const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

export interface Rendered {
  readonly requests: string[];
  readonly values: Record<string, unknown>;
}

export async function render(url: string, expressions: Record<string, string>, screenshot?: string): Promise<Rendered> {
  if (!chromiumPath) throw new Error('chromium is not installed (Debian package chromium)');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-chromium-'));
  const child: ChildProcess = spawn(chromiumPath, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  const listeners: ((msg: any) => void)[] = [];
  let buf = '';
  fromBrowser.on('data', (b: Buffer) => {
    buf += b.toString('utf8');
    let i;
    while ((i = buf.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const p = pending.get(msg.id)!;
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`CDP: ${JSON.stringify(msg.error)}`));
        else p.resolve(msg.result);
      } else {
        listeners.forEach((l) => l(msg));
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => pending.forEach((p) => p.reject(new Error(`chromium exited:\n${stderr}`))));
  const send = (method: string, params: object = {}, sessionId?: string): Promise<any> => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
  });
  try {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const requests: string[] = [];
    let loaded!: () => void;
    const load = new Promise<void>((r) => (loaded = r));
    listeners.push((msg) => {
      if (msg.sessionId !== sessionId) return;
      if (msg.method === 'Network.requestWillBeSent') requests.push(msg.params.request.url);
      if (msg.method === 'Page.loadEventFired') loaded();
    });
    await send('Network.enable', {}, sessionId);
    await send('Page.enable', {}, sessionId);
    await send('Emulation.setDeviceMetricsOverride', { width: 1100, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
    await send('Page.navigate', { url }, sessionId);
    await Promise.race([load, new Promise((_, rej) => setTimeout(() => rej(new Error(`${url} did not load within 30 s`)), 30_000))]);
    await new Promise((r) => setTimeout(r, 300)); // late subresources, if any
    const values: Record<string, unknown> = {};
    for (const [k, expression] of Object.entries(expressions)) {
      const r = await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
      if (r.exceptionDetails) throw new Error(`${k}: ${JSON.stringify(r.exceptionDetails)}`);
      values[k] = r.result.value;
    }
    if (screenshot) {
      const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, sessionId);
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      fs.writeFileSync(screenshot, Buffer.from(shot.data, 'base64'));
    }
    return { requests, values };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // the browser and its renderer/zygote processes (own group)
    } catch {
      // gone
    }
    await exited;
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}
