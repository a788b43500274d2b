import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * Every child of the demo runs in ONE process group (not the demo's own: Ctrl-C in a terminal reaches
 * the demo, which then stops the group in order). The group's leader is a small watchdog that holds
 * the read end of a pipe from the demo: when the demo ends in any way — including SIGKILL, which no
 * handler sees — the kernel closes the pipe, the watchdog reads EOF and stops the whole group
 * (SIGTERM, then SIGKILL after 3 s), then exits itself once nothing else is left in the group.
 *
 * Children join the group through a tiny exec shim (`setpgid(0, G)` then `execvp`), so their own
 * children (MLflow's workers, the CLI's subprocesses) inherit it and are stopped with it.
 */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const WATCHDOG = `
import os, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
os.setpgid(0, 0)
sys.stdout.write("%d\\n" % os.getpgid(0)); sys.stdout.flush()
while os.read(0, 4096):
    pass
me = os.getpid(); g = os.getpgid(0)
def others():
    n = 0
    for p in os.listdir("/proc"):
        if p.isdigit() and int(p) != me:
            try:
                with open("/proc/%s/stat" % p) as f:
                    s = f.read()
                fields = s[s.rindex(")") + 2:].split()
                if int(fields[2]) == g and fields[0] != "Z":
                    n += 1
            except (OSError, ValueError, IndexError):
                pass
    return n
os.killpg(g, signal.SIGTERM)
deadline = time.time() + 3
while others() and time.time() < deadline:
    time.sleep(0.05)
if others():
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.killpg(g, signal.SIGKILL)
`;

const SHIM = 'import os, sys; os.setpgid(0, int(sys.argv[1])); os.execvp(sys.argv[2], sys.argv[2:])';

export interface GroupChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The last 256 KiB of stdout+stderr. */
  output(): string;
  /** SIGTERM to this child's process, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Output kept per child: its first and its latest characters. */
const keptHeadChars = 65_536;
const keptTailChars = 262_144;

export class ProcessGroup {
  static async create(): Promise<ProcessGroup> {
    const watchdog = spawn(PYTHON, ['-c', WATCHDOG], { stdio: ['pipe', 'pipe', 'inherit'] });
    const pgid = await new Promise<number>((resolve, reject) => {
      let text = '';
      watchdog.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('\n')) resolve(Number(text.trim()));
      });
      watchdog.once('error', reject);
      watchdog.once('exit', (code) => reject(new Error(`the process-group watchdog exited (${code}) before starting`)));
    });
    watchdog.unref();
    (watchdog.stdout as unknown as { unref?: () => void }).unref?.();
    (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
    return new ProcessGroup(watchdog, pgid);
  }

  private readonly children = new Set<GroupChild>();
  private closed = false;

  private constructor(private readonly watchdog: ChildProcess, readonly pgid: number) {}

  /** Starts `command` in the group; output is kept for error messages and logs. */
  spawn(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): GroupChild {
    if (this.closed) throw new Error(`cannot start ${name}: the demo is stopping`);
    const child = spawn(PYTHON, ['-c', SHIM, String(this.pgid), command, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    // The start (configuration, an injected fault) and the latest output, as a pod log keeps both.
    let head = '';
    let buffer = '';
    let dropped = 0;
    const keep = (chunk: Buffer) => {
      let text = chunk.toString('utf8');
      if (head.length < keptHeadChars) {
        const take = text.slice(0, keptHeadChars - head.length);
        head += take;
        text = text.slice(take.length);
      }
      buffer += text;
      if (buffer.length > keptTailChars) {
        dropped += buffer.length - keptTailChars;
        buffer = buffer.slice(-keptTailChars);
      }
    };
    const output = () => (dropped > 0 ? `${head}\n[… ${dropped} characters of output not kept …]\n${buffer}` : head + buffer);
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', (err) => {
        buffer += `\n${err.message}`;
        resolve(null);
      });
    });
    const managed: GroupChild = {
      name,
      child,
      output,
      exited,
      stop: async (graceMs = 5_000) => {
        if (child.exitCode === null && child.signalCode === null) {
          try {
            child.kill('SIGTERM');
          } catch {
            // gone
          }
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        this.children.delete(managed);
      },
    };
    this.children.add(managed);
    void exited.then(() => this.children.delete(managed));
    return managed;
  }

  /** Runs `command` to completion in the group. */
  async run(name: string, command: string, args: readonly string[],
    options: SpawnOptions & { timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const c = this.spawn(name, command, args, options);
    let stdout = '';
    let stderr = '';
    c.child.stdout!.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    c.child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = options.timeoutMs ? setTimeout(() => c.child.kill('SIGKILL'), options.timeoutMs) : undefined;
    const code = await c.exited;
    if (timer) clearTimeout(timer);
    return { code, stdout, stderr };
  }

  /** Stops every child (SIGTERM, SIGKILL after the grace), then the whole group, then the watchdog. */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    await Promise.all([...this.children].map((c) => c.stop(graceMs)));
    // Anything a child left behind in the group; the watchdog ignores SIGTERM.
    try {
      process.kill(-this.pgid, 'SIGTERM');
    } catch {
      // empty group
    }
    const done = new Promise<void>((resolve) => {
      if (this.watchdog.exitCode !== null || this.watchdog.signalCode !== null) resolve();
      this.watchdog.once('exit', () => resolve());
    });
    this.watchdog.stdin?.end();
    await done;
  }
}
