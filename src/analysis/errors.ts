/** Bad usage or input: the CLI maps it to exit code 2. The message names what is wrong. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
