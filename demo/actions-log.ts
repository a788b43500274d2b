/**
 * Wraps a command's real output as a GitHub Actions job log (per-line timestamps, `##[group]Run …`
 * step headers, `##[error]Process completed with exit code N.`), the form `mlops triage --log`
 * reads from the jobs API. The demo uses it for the pipeline-failure scenario.
 */
export class ActionsLog {
  private readonly lines: string[] = [];
  private t = Date.now();

  private add(text: string): void {
    this.t += 37;
    this.lines.push(`${new Date(this.t).toISOString().replace('Z', '0000Z')} ${text}`);
  }

  /** One step: its command, its output lines and its exit code (non-zero adds the runner's error line). */
  step(command: string, output: string, exitCode: number): this {
    this.add(`##[group]Run ${command}`);
    this.add(`\u001b[36;1m${command}\u001b[0m`);
    this.add('shell: /usr/bin/bash -e {0}');
    this.add('##[endgroup]');
    for (const line of output.replace(/\n$/, '').split('\n')) this.add(line);
    if (exitCode !== 0) this.add(`##[error]Process completed with exit code ${exitCode}.`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
