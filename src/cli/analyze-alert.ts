import type { Command } from 'commander';
import type { RegisterCommand } from './commands';
import { explain, gatherContext, offlineReport, toMarkdown } from '../alerts/analyze';
import { readAlertGroup } from '../alerts/input';
import { closeResolvedIssue } from '../alerts/resolve';
import { addAnalysisOptions, emitReport, resolveAnalysisOptions, runAnalysisCommand } from '../analysis/cli';
import { UsageError } from '../analysis/errors';
import { createProvider } from '../analysis/providers';
import { Redactor } from '../analysis/redact';
import { envelope } from '../analysis/report';
import { createSink } from '../analysis/sinks';
import { AnalysisStore } from '../analysis/store';

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
  cmd.action(async (raw: Record<string, unknown>) => {
    await runAnalysisCommand('analyze-alert', async () => {
      const opts = resolveAnalysisOptions(raw);
      const file = (raw.alert as string | undefined) ?? process.env.GITHUB_EVENT_PATH;
      if (!file) throw new UsageError('--alert FILE is required (or GITHUB_EVENT_PATH)');
      const tail = raw.tailLines === undefined ? undefined : Number(raw.tailLines);
      if (tail !== undefined && (!Number.isInteger(tail) || tail <= 0)) throw new UsageError(`--tail-lines must be a positive integer, got "${String(raw.tailLines)}"`);
      const argocdApp = raw.argocdApp === undefined ? undefined : /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(String(raw.argocdApp));
      if (raw.argocdApp !== undefined && !argocdApp) throw new UsageError(`--argocd-app must be NAMESPACE/NAME, got "${String(raw.argocdApp)}"`);
      const { group } = readAlertGroup(file);
      const alerts = group.alerts.filter((a) => !raw.fingerprint || a.fingerprint === raw.fingerprint);
      if (alerts.length === 0) throw new UsageError(`no alert with fingerprint ${String(raw.fingerprint)} in ${file}`);
      const provider = createProvider({ provider: opts.provider, model: opts.model, timeoutMs: opts.timeoutMs });
      const store = provider.name === 'offline' ? undefined : new AnalysisStore(opts.stateDir);
      // With --json, stdout carries the JSON only.
      const sinks = opts.json ? opts.sinks.filter((s) => s !== 'stdout') : opts.sinks;
      let failed = 0;
      for (const alert of alerts) {
        const redactor = new Redactor();
        const ctx = alert.status === 'resolved'
          ? { rollouts: [], problems: [] }
          : await gatherContext(alert, {
            prometheusUrl: (raw.prometheusUrl as string | undefined) ?? process.env.PROMETHEUS_URL,
            kubeconfig: raw.kubeconfig as string | undefined,
            noKubernetes: raw.kubernetes === false,
            repoDir: raw.repoDir as string | undefined,
            tailLines: tail,
            argocdApplication: argocdApp ? { namespace: argocdApp[1], name: argocdApp[2] } : undefined,
          });
        let report = offlineReport(alert, ctx);
        let meta: Parameters<typeof envelope>[2] = { provider: 'offline' };
        if (alert.status === 'firing') {
          const out = await explain(alert, ctx, report, {
            provider, redactor, store, dailyBudget: opts.dailyBudget, maxPromptTokens: opts.maxPromptTokens,
          });
          report = out.report;
          meta = {
            provider: out.result.provider,
            promptVersion: out.result.promptVersion,
            promptTokens: out.result.promptTokens,
            fallbackReason: out.result.fallbackReason,
          };
        } else {
          report = { ...report, summary: `${report.alertname} resolved at ${alert.endsAt}.` };
        }
        const md = toMarkdown(report);
        const env = envelope('alert', redactor.redactDeep(report), { ...meta, redactions: redactor.redactions });
        emitReport(env, md.body, { out: alerts.length > 1 && opts.out ? `${opts.out}/${alert.fingerprint}` : opts.out, json: opts.json });
        for (const kind of sinks) {
          try {
            if (kind === 'github' && alert.status === 'resolved') {
              if (!process.env.GITHUB_TOKEN || !process.env.GITHUB_REPOSITORY) throw new UsageError('--sink github needs GITHUB_TOKEN and GITHUB_REPOSITORY');
              await closeResolvedIssue({
                token: process.env.GITHUB_TOKEN,
                repository: process.env.GITHUB_REPOSITORY,
                baseUrl: process.env.GITHUB_API_URL,
                dedupeKey: report.dedupeKey,
                comment: `Resolved at ${alert.endsAt}: ${report.alertname} is no longer firing.`,
                redactor,
              });
              continue;
            }
            const sink = createSink(kind, { out: opts.out, redactor, store });
            await sink.post({
              dedupeKey: report.dedupeKey,
              title: md.title,
              body: md.body,
              team: report.team,
              labels: [`alert:${report.alertname}`, `team:${report.team}`, `cause:${report.topCause}`],
              json: env,
            });
          } catch (err) {
            if (err instanceof UsageError) throw err;
            failed++;
            process.stderr.write(`mlops analyze-alert: posting to ${kind} failed: ${(err as Error).message}\n`);
          }
        }
      }
      return failed > 0 ? 1 : 0;
    });
  });
};
