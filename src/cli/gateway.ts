import type { Command } from 'commander';
import type { RegisterCommand } from './commands';
import { GatewayConfigError, loadGatewayConfig, type GatewaySettingsInput } from '../gateway/config';
import { startGateway } from '../gateway/server';

/** `mlops gateway`: the Alertmanager → GitHub gateway (and the drift capture endpoints). */
export const registerGateway: RegisterCommand = (program: Command) => {
  program
    .command('gateway')
    .description('Run the gateway: Alertmanager webhook → durable outbox → GitHub repository_dispatch (docs/gateway.md).')
    .option('--port <port>', 'listen port (env PORT, default 8080)')
    .option('--alertmanager-port <port>', 'dedicated port for the Alertmanager webhook (env ALERTMANAGER_PORT; default: served on --port)')
    .option('--kserve-port <port>', 'dedicated port for the KServe payload logger (env KSERVE_PORT; default: served on --port)')
    .option('--host <host>', 'listen address (env HOST, default 0.0.0.0)')
    .option('--state-dir <dir>', 'durable state directory (env GATEWAY_STATE_DIR, default ./.gateway-state)')
    .option('--github-api-url <url>', 'GitHub REST base URL (env GITHUB_API_URL, default https://api.github.com)')
    .option('--github-repository <owner/name>', 'repository to dispatch to (env GITHUB_REPOSITORY)')
    .option('--max-body-bytes <n>', 'request body limit (env GATEWAY_MAX_BODY_BYTES, default 1048576)')
    .option('--dedupe-window-seconds <n>', 'dedupe window (env GATEWAY_DEDUPE_WINDOW_SECONDS, default 3600)')
    .addHelpText('after', '\nSecrets only from the environment: GATEWAY_TOKEN (required), GITHUB_TOKEN (required).')
    .action(async (opts: GatewaySettingsInput) => {
      let config;
      try {
        config = loadGatewayConfig(opts, process.env);
      } catch (err) {
        if (err instanceof GatewayConfigError) {
          process.stderr.write(`mlops gateway: ${err.message}\n`);
          process.exit(2);
        }
        throw err;
      }
      const gateway = await startGateway(config);
      let stopping = false;
      const stop = (signal: string) => {
        // A second signal while draining is ignored: the in-flight write finishes either way.
        if (stopping) return;
        stopping = true;
        process.stderr.write(`mlops gateway: ${signal}, shutting down\n`);
        gateway.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      // Keep running until a signal arrives.
      await new Promise<never>(() => {});
    });
};
