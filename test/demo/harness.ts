import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const root = path.join(__dirname, '..', '..');

export interface DemoRun {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  /** Resolves when a progress line containing `text` appears. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

/**
 * The demo as `npm run demo` starts it after setup: node + ts-node --swc on demo/main.ts.
 * Without LLM keys (the offline provider) unless `env` sets them.
 */
export function startDemo(args: string[], env: NodeJS.ProcessEnv = {}): DemoRun {
  const child = spawn(process.execPath, [path.join(root, 'node_modules', '.bin', 'ts-node'), '--swc', 'demo/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, GEMINI_API_KEY: '', GEMINI_BASE_URL: '', OPENAI_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    exited,
    async waitFor(text, timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the demo exited before "${text}":\n${out}`);
        if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** The demo's process group id (its first progress line). */
export function pgidOf(stdout: string): number {
  const m = /process group (\d+)/.exec(stdout);
  if (!m) throw new Error(`no process group line in:\n${stdout}`);
  return Number(m[1]);
}

/** Every loopback port the demo announced. */
export function portsOf(stdout: string): number[] {
  return [...new Set([...stdout.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
}

/** Live (non-zombie) processes whose process group is `pgid`, as "pid command". */
export function processesInGroup(pgid: number): string[] {
  const found: string[] = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') found.push(`${p} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The demo's work dir (its first progress line): every service's command line or environment names it. */
export function workDirOf(stdout: string): string {
  const m = /work dir (\S+);/.exec(stdout);
  if (!m) throw new Error(`no work dir line in:\n${stdout}`);
  return m[1];
}

/** Pids owning a listening TCP socket on `port` (from /proc/net/tcp{,6} and every process' fds). */
export function listenerPids(port: number): number[] {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
    }
  }
  const pids: number[] = [];
  if (inodes.size === 0) return pids;
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      for (const fd of fs.readdirSync(`/proc/${p}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m && inodes.has(m[1])) {
          pids.push(Number(p));
          break;
        }
      }
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return pids;
}

function mentions(pid: number, text: string): boolean {
  for (const f of ['cmdline', 'environ']) {
    try {
      if (fs.readFileSync(`/proc/${pid}/${f}`).toString('utf8').includes(text)) return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}

/**
 * A port the demo announced that still has a listener of the demo's: the demo itself (its in-process
 * GitHub and Kubernetes fakes), or a process that names the
 * demo's work dir (command line or environment: every service does), or whose owner cannot be found.
 * A listener of an unrelated process that reused the port after the demo released it (other tests run
 * in parallel in CI) does not count.
 */
export async function demoListener(port: number, workDir: string, demoPid?: number): Promise<boolean> {
  if (!(await listening(port))) return false;
  const pids = listenerPids(port);
  return pids.length === 0 || pids.some((pid) => pid === demoPid || mentions(pid, workDir));
}

/** Waits (bounded) until no process is left in the group and no announced port has a listener of the demo's; returns what is left. */
export async function leftovers(stdout: string, demoPid?: number, timeoutMs = 15_000): Promise<{ processes: string[]; ports: number[] }> {
  const pgid = pgidOf(stdout);
  const ports = portsOf(stdout);
  const workDir = workDirOf(stdout);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const processes = processesInGroup(pgid);
    const open: number[] = [];
    for (const p of ports) if (await demoListener(p, workDir, demoPid)) open.push(p);
    if ((processes.length === 0 && open.length === 0) || Date.now() > deadline) return { processes, ports: open };
    await new Promise((r) => setTimeout(r, 250));
  }
}
