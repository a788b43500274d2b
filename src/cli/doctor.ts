import type { Command } from 'commander';
import { checkForkSafety, formatFinding, HOMELAB_WORKFLOWS } from '../doctor';
import type { RegisterCommand } from './commands';

interface DoctorFlags { repo?: string; runnerGroup: string; githubConfigUrl?: string }

/** `mlops doctor`: are the settings that keep fork code off the homelab runners safe? (docs/workflows.md) */
export const registerDoctor: RegisterCommand = (program: Command) => {
  program
    .command('doctor')
    .description('Check the GitHub settings that keep fork pull requests off the homelab runners (runner group, fork approval, token permissions)')
    .option('--repo <owner/name>', 'repository whose workflows use the homelab runners (default: $GITHUB_REPOSITORY)')
    .option('--runner-group <name>', "the scale set's runner group", 'Default')
    .option('--github-config-url <url>', 'where the scale set registers (default: runners.githubConfigUrl, from site.yaml)')
    .addHelpText('after', '\nToken from GITHUB_TOKEN (repository Administration: read; organization Self-hosted runners: read). Exit 0 safe, 1 unsafe or unreadable, 2 usage.')
    .action(async (flags: DoctorFlags) => {
      // The site file is read only here, so every other command starts without one (the gateway's image has none).
      const githubConfigUrl = flags.githubConfigUrl ?? (await import('../config/platform')).platformConfig.runners.githubConfigUrl;
      process.exitCode = await runDoctor({ ...flags, githubConfigUrl });
    });
};

export async function runDoctor(
  flags: DoctorFlags & { githubConfigUrl: string },
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const repository = flags.repo ?? env.GITHUB_REPOSITORY ?? '';
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) return usage(err, `--repo must look like owner/name, got "${repository}"`);
  if (!/^https:\/\/github\.com\/[\w.-]+(\/[\w.-]+)?\/?$/.test(flags.githubConfigUrl)) return usage(err, `--github-config-url must be https://github.com/<org>[/<repo>], got "${flags.githubConfigUrl}"`);
  if (!env.GITHUB_TOKEN) return usage(err, 'GITHUB_TOKEN is not set');
  try {
    const findings = await checkForkSafety({
      repository,
      token: env.GITHUB_TOKEN,
      baseUrl: env.GITHUB_API_URL,
      runnerGroup: flags.runnerGroup,
      githubConfigUrl: flags.githubConfigUrl,
      homelabWorkflows: HOMELAB_WORKFLOWS,
    });
    for (const f of findings) err.write(formatFinding(f) + '\n');
    const unsafe = findings.filter((f) => f.level !== 'note').length;
    if (unsafe === 0) out.write(`doctor: ${repository}: fork pull requests cannot reach the homelab runners unapproved\n`);
    return unsafe === 0 ? 0 : 1;
  } catch (e) {
    err.write(`mlops doctor: ${(e as Error).message}\n`);
    return 1;
  }
}

function usage(err: NodeJS.WritableStream, message: string): number {
  err.write(`mlops doctor: ${message}\n`);
  return 2;
}
