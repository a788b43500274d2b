import type { Parser } from '../types';

const RULES: Array<{ rule: string; re: RegExp }> = [
  { rule: 'shutdown', re: /The runner has received a shutdown signal/ },
  { rule: 'time-limit', re: /has exceeded the maximum execution time of \d+ minutes/ },
  { rule: 'lost-runner', re: /lost communication with the server|The hosted runner: .* lost communication|runner .* is offline/ },
  { rule: 'disk-full', re: /no space left on device|ENOSPC|insufficient space|disk quota exceeded/i },
  { rule: 'out-of-memory', re: /\bOOMKilled\b|Killed signal terminated program|exit code 137\b|^\S*: line \d+:\s+\d+ Killed\s|Out of memory: Killed process|JavaScript heap out of memory|MemoryError\b/ },
];

/** Runner and infrastructure failures: shutdown, time limit, lost runner, disk full, OOM. */
export const parseRunner: Parser = (lines) => {
  for (const { rule, re } of RULES) {
    // The line that names the cause in words beats a bare error code (`ENOSPC` vs `no space left on device`).
    const hits = lines.filter((l) => re.test(l));
    const line = hits.find((l) => /\s\w+ \w+ \w+/.test(l.replace(/^\S+ (error|ERR!) /, ''))) ?? hits[0];
    if (line) {
      return {
        failureType: 'infrastructure',
        tool: 'runner',
        // A shell reports a SIGKILLed child as `Killed` and exits 128 + 9: name the code a reader searches for.
        findings: [{ tool: 'runner', message: line.replace(/^##\[error\]/, '').trim() + (rule === 'out-of-memory' && /\bKilled\s/.test(line) ? ' (SIGKILL: exit code 137, most likely out of memory)' : ''), rule }],
        priority: rule === 'disk-full' ? 85 : 95,
        evidence: [line.trim()],
      };
    }
  }
  return undefined;
};

const NETWORK = /(Read timed out|Connection timed out|Operation timed out|E(?:SOCKET)?TIMEDOUT|ECONNRESET|ECONNABORTED|trouble with your network connection|ECONNREFUSED|EAI_AGAIN|Could not resolve host|Temporary failure in name resolution|Name or service not known|getaddrinfo \w+|network is unreachable|TLS handshake timeout|i\/o timeout|Connection reset by peer|Failed to connect to \S+ port \d+|endpoint returned an error|50[234] (?:Bad Gateway|Service Unavailable|Gateway Time-?out)|429 Too Many Requests|405 Method Not Allowed)/i;

/** Network failures between the runner and a service: timeouts, DNS, resets, unavailable endpoints. */
export const parseNetwork: Parser = (lines) => {
  const hits = lines.filter((l) => NETWORK.test(l));
  if (!hits.length) return undefined;
  const line = hits.find((l) => /host|https?:\/\/|\b[\w-]+(\.[\w-]+)+\b/.test(l)) ?? hits[0];
  const host = /host[=: ]+'?([\w.-]+\.[a-z]{2,})|https?:\/\/([\w.-]+)|(?:connect to|resolve host:?) ([\w.-]+)/i.exec(line);
  return {
    failureType: 'infrastructure',
    tool: 'network',
    findings: [{ tool: 'network', message: line.replace(/^##\[error\]/, '').trim().slice(0, 300), rule: 'network', ...(host ? { id: host[1] ?? host[2] ?? host[3] } : {}) }],
    priority: 22,
    evidence: hits.slice(0, 4).map((l) => l.trim()),
  };
};
