/** One JSON object per line on stderr. Never pass secrets or request bodies to it. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const log = (level: string) => (msg: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Discards everything (tests that start many gateways in one process). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
