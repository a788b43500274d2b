import { execFileSync } from 'node:child_process';

/** Releases: the commits that changed `src/config/release.json` (the only file a rollout edits). */
export interface Rollout {
  readonly sha: string;
  readonly at: Date;
  readonly subject: string;
}

export function releaseHistory(repoDir: string, limit = 20): Rollout[] {
  const out = execFileSync('git', ['log', `-n${limit}`, '--format=%H%x09%cI%x09%s', '--', 'src/config/release.json'], {
    cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.split('\n').filter(Boolean).map((line) => {
    const [sha, at, ...subject] = line.split('\t');
    return { sha, at: new Date(at), subject: subject.join('\t') };
  });
}
