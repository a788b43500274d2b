import type { Command } from 'commander';
import { registerBumpImage } from './bump-image';
import { registerGateway } from './gateway';

/** Registers one subcommand on the program. One file per command under src/cli/. */
export type RegisterCommand = (program: Command) => void;

// Each command module adds itself here.
export const commands: RegisterCommand[] = [
  registerBumpImage,
  registerGateway,
];
