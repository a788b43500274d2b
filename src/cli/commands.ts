import type { Command } from 'commander';

/** Registers one subcommand on the program. One file per command under src/cli/. */
export type RegisterCommand = (program: Command) => void;

// Each command module adds itself here.
export const commands: RegisterCommand[] = [
];
