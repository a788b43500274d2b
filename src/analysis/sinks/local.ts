import * as fs from 'node:fs';
import * as path from 'node:path';
import { Post, PostResult, Sink } from './types';

/** Prints the Markdown to a stream (stdout by default). */
export class StdoutSink implements Sink {
  readonly kind = 'stdout' as const;
  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}
  async post(post: Post): Promise<PostResult> {
    this.stream.write(`# ${post.title}\n\n${post.body}\n`);
    return { sink: 'stdout', action: 'printed' };
  }
}

/** Writes `<dir>/report.md` (and `report.json` when the post carries JSON). Same key, same files. */
export class FileSink implements Sink {
  readonly kind = 'file' as const;
  constructor(private readonly dir: string) {}
  async post(post: Post): Promise<PostResult> {
    fs.mkdirSync(this.dir, { recursive: true });
    const md = path.join(this.dir, 'report.md');
    fs.writeFileSync(md, `# ${post.title}\n\n${post.body}\n`);
    if (post.json !== undefined) fs.writeFileSync(path.join(this.dir, 'report.json'), `${JSON.stringify(post.json, null, 2)}\n`);
    return { sink: 'file', action: 'written', ref: md };
  }
}
