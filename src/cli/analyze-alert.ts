import type { Command } from 'commander';
import { addAnalysisOptions, resolveAnalysisOptions } from './analysis-options';
import type { RegisterCommand } from './commands';
import { runAlertAnalysis } from '../alerts/run';
import { UsageError } from '../analysis/errors';
import { runAnalysis } from '../analysis/run';

/** `mlops analyze-alert`: ranked root causes for each alert of a dispatched group (docs/gateway.md). */
export const registerAnalyzeAlert: RegisterCommand = (program: Command) => {
  const cmd = program
    .command('analyze-alert')
    .description('Rank the likely root causes of each alert in a group from pod logs, events, metrics and releases; post the report.')
    .option('--alert <file>', 'the dispatched group: a repository_dispatch event, the gateway client_payload or an Alertmanager body (default $GITHUB_EVENT_PATH)')
    .option('--prometheus-url <url>', 'Prometheus base URL (default $PROMETHEUS_URL)')
    .option('--kubeconfig <file>', 'kubeconfig (default: in-cluster service account, else $KUBECONFIG)')
    .option('--no-kubernetes', 'do not read pods, logs and events')
    .option('--repo-dir <dir>', 'git checkout whose src/config/release.json history gives the rollouts (default .)')
    .option('--argocd-app <namespace/name>', 'ArgoCD Application whose sync history gives the rollouts too (default argocd/model-serving)')
    .option('--tail-lines <n>', 'log lines read from the end of each container\'s log (default 200; its first 16 KiB are read as well)')
    .option('--fingerprint <fp>', 'analyze only this alert of the group');
  addAnalysisOptions(cmd);
  cmd.action(async (raw: Record<string, unknown>) => void await analyzeAlertCommand(raw));
};

/** The command's body, callable in process: flags (commander's camelCase object) → exit code. */
export function analyzeAlertCommand(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runAnalysis('analyze-alert', () => resolveAnalysisOptions(raw), (session) => {
    const file = (raw.alert as string | undefined) ?? env.GITHUB_EVENT_PATH;
    if (!file) throw new UsageError('--alert FILE is required (or GITHUB_EVENT_PATH)');
    const tail = raw.tailLines === undefined ? undefined : Number(raw.tailLines);
    if (tail !== undefined && (!Number.isInteger(tail) || tail <= 0)) throw new UsageError(`--tail-lines must be a positive integer, got "${String(raw.tailLines)}"`);
    const app = raw.argocdApp === undefined ? undefined : /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(String(raw.argocdApp));
    if (raw.argocdApp !== undefined && !app) throw new UsageError(`--argocd-app must be NAMESPACE/NAME, got "${String(raw.argocdApp)}"`);
    return runAlertAnalysis(session, {
      file,
      fingerprint: raw.fingerprint as string | undefined,
      dailyBudget: session.options.dailyBudget,
      maxPromptTokens: session.options.maxPromptTokens,
      context: {
        prometheusUrl: (raw.prometheusUrl as string | undefined) ?? env.PROMETHEUS_URL,
        kubeconfig: raw.kubeconfig as string | undefined,
        noKubernetes: raw.kubernetes === false,
        repoDir: raw.repoDir as string | undefined,
        tailLines: tail,
        argocdApplication: app ? { namespace: app[1], name: app[2] } : undefined,
      },
    });
  });
}
