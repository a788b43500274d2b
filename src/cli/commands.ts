import type { Command } from 'commander';
import { registerAnalyzeAlert } from './analyze-alert';
import { registerAnalyzeDrift } from './analyze-drift';
import { registerBumpImage } from './bump-image';
import { registerDiffDist } from './diff-dist';
import { registerDoctor } from './doctor';
import { registerEval } from './eval';
import { registerGateway } from './gateway';
import { registerPinImages } from './pin-images';
import { registerTriage } from './triage';

/** Registers one subcommand on the program. One file per command under src/cli/. */
export type RegisterCommand = (program: Command) => void;

// Each command module adds itself here, in the order `mlops --help` lists them: the release bump,
// then the analyses in the order a failure meets them (pipeline → alert → drift).
export const commands: RegisterCommand[] = [
  registerBumpImage,
  registerTriage,
  registerGateway,
  registerAnalyzeAlert,
  registerAnalyzeDrift,
  registerDiffDist,
  registerPinImages,
  registerEval,
  registerDoctor,
];
