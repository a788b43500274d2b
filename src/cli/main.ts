import { Command, CommanderError } from 'commander';
import { commands } from './commands';

/**
 * The `mlops` CLI. Commands are thin: they parse arguments and call the modules in src/.
 * Exit codes shared by every command: 0 done, 1 the work failed, 2 bad usage or input.
 */
export function buildProgram(): Command {
  const program = new Command('mlops')
    .description('Self-healing MLOps platform: release bumps, CI triage, the alert/drift gateway and analyses.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with 2.
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    process.stderr.write(`mlops: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
