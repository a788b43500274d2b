import { Octokit } from '@octokit/rest';

/**
 * The repository and runner-group settings that stop a fork's code reaching the `homelab` runners.
 *
 * A fork's pull request runs the workflow files of its own merge commit, so it can say
 * `runs-on: homelab` whatever our workflows say; checking our files is not enough. What stops it:
 *   - the runner group of the scale set is limited to selected workflows of this repository at the
 *     default branch (a fork's edited copy is a different workflow ref), and
 *   - fork pull request workflows wait for a maintainer's approval, for every outside contributor;
 *   - the default GITHUB_TOKEN is read-only (a job that forgets `permissions:` gets nothing to write).
 *
 * REST endpoints read (docs.github.com/en/rest, API version 2022-11-28):
 *   GET /repos/{owner}/{repo}                                           `private`, `owner.type`, `default_branch`
 *   GET /repos/{owner}/{repo}/actions/permissions/workflow               `default_workflow_permissions`, `can_approve_pull_request_reviews`
 *       (rest/actions/permissions#get-default-workflow-permissions-for-a-repository)
 *   GET /repos/{owner}/{repo}/actions/permissions/fork-pr-contributor-approval   `approval_policy` (public repositories)
 *       (rest/actions/permissions#get-fork-pr-contributor-approval-permissions-for-a-repository)
 *   GET /repos/{owner}/{repo}/actions/permissions/fork-pr-workflows-private-repos  `run_workflows_from_fork_pull_requests`,
 *       `send_write_tokens_to_workflows`, `send_secrets_and_variables`, `require_approval_for_fork_pr_workflows` (private ones)
 *       (rest/actions/permissions#get-private-repo-fork-pr-workflow-settings-for-a-repository)
 *   GET /orgs/{org}/actions/runner-groups                                `runner_groups[]`: `name`, `allows_public_repositories`,
 *       `restricted_to_workflows`, `selected_workflows` (rest/actions/self-hosted-runner-groups#list-self-hosted-runner-groups-for-an-organization)
 */

/** One unsafe (or unreadable) setting: what it is, what is wrong, how to fix it. */
export interface Finding {
  readonly setting: string;
  readonly problem: string;
  readonly fix: string;
  /** `note`: not unsafe, but something will not work (e.g. a homelab workflow the group does not select). */
  readonly level?: 'note';
}

export interface ForkSafetyOptions {
  /** `owner/name` of the repository whose workflows use the scale set. */
  readonly repository: string;
  readonly token: string;
  /** @default https://api.github.com */
  readonly baseUrl?: string;
  /** Runner group the scale set registers in (the chart's `runnerGroup`). @default "Default" */
  readonly runnerGroup?: string;
  /**
   * The URL the scale set registers with (`runners.githubConfigUrl` in src/config/platform.ts). A
   * repository URL means repository-level runners, which belong to no runner group.
   */
  readonly githubConfigUrl: string;
  /** Workflow files (under .github/workflows/) that run on `homelab` and must be in the group's selection. */
  readonly homelabWorkflows: readonly string[];
}

interface PrivateForkSettings {
  run_workflows_from_fork_pull_requests: boolean;
  send_write_tokens_to_workflows: boolean;
  send_secrets_and_variables: boolean;
  require_approval_for_fork_pr_workflows: boolean;
}

/** The fork-PR approval policy that holds back every outside contributor, not only first-timers. */
export const SAFE_APPROVAL_POLICY = 'all_external_contributors';

/** Reads the settings and returns every unsafe one; an empty list means safe. */
export async function checkForkSafety(opts: ForkSafetyOptions): Promise<Finding[]> {
  const [owner, repo] = opts.repository.split('/');
  const octokit = new Octokit({ auth: opts.token, baseUrl: opts.baseUrl ?? 'https://api.github.com', request: { retries: 0 } });
  const findings: Finding[] = [];
  const read = async <T>(setting: string, route: string, params: Record<string, string>, needs: string): Promise<T | undefined> => {
    try {
      return (await octokit.request(route, params)).data as T;
    } catch (e) {
      const status = (e as { status?: number }).status;
      findings.push({ setting, problem: `cannot read ${route.replace(/^GET /, '')} (${status ? `HTTP ${status}` : (e as Error).message})`, fix: `give the token ${needs}` });
      return undefined;
    }
  };

  const repository = await read<{ private: boolean; owner: { type: string; login: string }; default_branch: string }>(
    'repository', 'GET /repos/{owner}/{repo}', { owner, repo }, 'read access to the repository');
  if (!repository) return findings;

  const workflow = await read<{ default_workflow_permissions: string; can_approve_pull_request_reviews: boolean }>(
    'default workflow permissions', 'GET /repos/{owner}/{repo}/actions/permissions/workflow', { owner, repo }, 'the "Administration" repository permission (read)');
  if (workflow && workflow.default_workflow_permissions !== 'read') {
    findings.push({
      setting: 'default workflow permissions',
      problem: `default_workflow_permissions is "${workflow.default_workflow_permissions}"`,
      fix: 'Settings → Actions → General → Workflow permissions: "Read repository contents and packages permissions"',
    });
  }
  if (workflow?.can_approve_pull_request_reviews) {
    findings.push({
      setting: 'default workflow permissions',
      problem: 'can_approve_pull_request_reviews is true (a workflow can approve its own pull request)',
      fix: 'Settings → Actions → General: clear "Allow GitHub Actions to create and approve pull requests"',
    });
  }

  if (repository.private) {
    const fork = await read<PrivateForkSettings>(
      'fork pull request workflows', 'GET /repos/{owner}/{repo}/actions/permissions/fork-pr-workflows-private-repos', { owner, repo }, 'the "Administration" repository permission (read)');
    if (fork?.run_workflows_from_fork_pull_requests) {
      const fix = 'Settings → Actions → General → Fork pull request workflows in private repositories';
      const setting = 'fork pull request workflows';
      if (!fork.require_approval_for_fork_pr_workflows) {
        findings.push({ setting, problem: 'fork workflows run without approval (require_approval_for_fork_pr_workflows is false)', fix: `${fix}: check "Require approval for fork pull request workflows"` });
      }
      if (fork.send_write_tokens_to_workflows) {
        findings.push({ setting, problem: 'fork workflows get write tokens (send_write_tokens_to_workflows is true)', fix: `${fix}: clear "Send write tokens to workflows from pull requests"` });
      }
      if (fork.send_secrets_and_variables) {
        findings.push({ setting, problem: 'fork workflows get secrets (send_secrets_and_variables is true)', fix: `${fix}: clear "Send secrets and variables to workflows from pull requests"` });
      }
    }
  } else {
    const approval = await read<{ approval_policy: string }>(
      'fork pull request approval', 'GET /repos/{owner}/{repo}/actions/permissions/fork-pr-contributor-approval', { owner, repo }, 'the "Administration" repository permission (read)');
    if (approval && approval.approval_policy !== SAFE_APPROVAL_POLICY) {
      findings.push({
        setting: 'fork pull request approval',
        problem: `approval_policy is "${approval.approval_policy}": some outside contributors' fork workflows run unapproved`,
        fix: `Settings → Actions → General → Approval for running fork pull request workflows from contributors: "Require approval for all external contributors" (${SAFE_APPROVAL_POLICY})`,
      });
    }
  }

  findings.push(...await runnerGroupFindings(opts, repository, read));
  return findings;
}

type Reader = <T>(setting: string, route: string, params: Record<string, string>, needs: string) => Promise<T | undefined>;

interface RunnerGroup { name: string; allows_public_repositories: boolean; restricted_to_workflows: boolean; selected_workflows?: string[] }

async function runnerGroupFindings(
  opts: ForkSafetyOptions,
  repository: { private: boolean; owner: { type: string; login: string }; default_branch: string },
  read: Reader,
): Promise<Finding[]> {
  const setting = 'homelab runner group';
  const registeredAt = new URL(opts.githubConfigUrl).pathname.split('/').filter(Boolean);
  if (registeredAt.length !== 1 || repository.owner.type !== 'Organization') {
    // Repository-level runners (or a personal account) have no runner group, so nothing limits them
    // to our workflows; only a private repository (forks only by people with read access) is safe.
    if (repository.private) return [];
    return [{
      setting,
      problem: `the scale set registers at ${opts.githubConfigUrl}: ${registeredAt.length !== 1 ? 'repository-level runners belong to no runner group' : 'a personal account has no runner groups'}, so any workflow of this public repository, a fork's edited copy included, can run on them`,
      fix: 'move the repository to an organization and register the scale set there (runners.githubConfigUrl = https://github.com/<org>) in a runner group restricted to selected workflows, or make the repository private',
    }];
  }
  const org = registeredAt[0];
  const groupName = opts.runnerGroup ?? 'Default';
  const list = await read<{ runner_groups: RunnerGroup[] }>(setting, 'GET /orgs/{org}/actions/runner-groups', { org, per_page: '100' }, 'the "Self-hosted runners" organization permission (read)');
  if (!list) return [];
  const group = list.runner_groups.find((g) => g.name.toLowerCase() === groupName.toLowerCase());
  if (!group) return [{ setting, problem: `runner group "${groupName}" not found in ${org}`, fix: 'create it (Organization settings → Actions → Runner groups) or pass the scale set\'s group with --runner-group' }];
  const findings: Finding[] = [];
  const where = `Organization settings → Actions → Runner groups → ${group.name}`;
  if (!group.restricted_to_workflows) {
    findings.push({ setting, problem: `runner group "${group.name}" is not restricted to selected workflows (restricted_to_workflows is false)`, fix: `${where}: "Workflow access: Selected workflows", listing ${opts.homelabWorkflows.map((w) => ref(opts.repository, w, repository.default_branch)).join(', ')}` });
  } else {
    // A selected workflow must be ours, at the default branch: a fork's copy is never that ref.
    const expectedPrefix = `${opts.repository.toLowerCase()}/.github/workflows/`;
    const defaultRef = `@refs/heads/${repository.default_branch}`.toLowerCase();
    for (const w of group.selected_workflows ?? []) {
      const lower = w.toLowerCase();
      const pinned = lower.endsWith(defaultRef) || /@[0-9a-f]{40}$/.test(lower);
      if (!lower.startsWith(expectedPrefix) || !pinned) {
        findings.push({ setting, problem: `runner group "${group.name}" admits "${w}", not a workflow of ${opts.repository} at ${defaultRef.slice(1)} or a commit`, fix: `${where}: remove it, or pin it to @refs/heads/${repository.default_branch}` });
      }
    }
    const selected = new Set((group.selected_workflows ?? []).map((w) => w.toLowerCase()));
    for (const file of opts.homelabWorkflows) {
      const wanted = ref(opts.repository, file, repository.default_branch);
      if (!selected.has(wanted.toLowerCase())) {
        findings.push({ level: 'note', setting, problem: `runner group "${group.name}" does not select ${wanted}: its homelab jobs wait for a runner forever`, fix: `${where}: add it` });
      }
    }
  }
  if (repository.private && group.allows_public_repositories) {
    findings.push({ setting, problem: `runner group "${group.name}" allows public repositories (allows_public_repositories is true)`, fix: `${where}: clear "Allow public repositories"` });
  }
  return findings;
}

/** The selected-workflow reference GitHub expects: owner/repo/.github/workflows/file@refs/heads/branch. */
export function ref(repository: string, file: string, branch: string): string {
  return `${repository}/.github/workflows/${file}@refs/heads/${branch}`;
}

/** One line per finding, for stderr. */
export function formatFinding(f: Finding): string {
  return `${f.level ?? 'unsafe'}: ${f.setting}: ${f.problem}. Fix: ${f.fix}`;
}
