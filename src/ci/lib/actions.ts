import { github } from 'projen';
import { githubActions, PinnedAction } from '../../config/versions';

/** Name of a pinned action in versions.ts. */
export type ActionName = keyof typeof githubActions;

/** `owner/repo@<40-hex sha>` for a pinned action. The only way workflows reference an action. */
export function uses(name: ActionName): string {
  const a: PinnedAction = githubActions[name];
  return `${a.action}@${a.sha}`;
}

const PIN_LINE = /^(\s*(?:-\s+)?uses:\s+)(\S+)@([0-9a-f]{40})\s*$/;

/**
 * Appends the `# vX.Y.Z` release-tag comment to every pinned `uses:` line of a rendered workflow,
 * so a reader (and Dependabot/Renovate) sees which release a SHA is. projen's YAML model has no
 * comments, so this post-processes the text; a SHA not in versions.ts is left bare (and the pin test fails).
 */
export function annotatePinnedActions(text: string): string {
  // Keyed by action and SHA: sub-actions of one repository (actions/cache/restore, …/save) share a SHA.
  const pins = new Map<string, PinnedAction>(Object.values(githubActions).map((a: PinnedAction) => [`${a.action}@${a.sha}`, a]));
  return text
    .split('\n')
    .map((line) => {
      const m = PIN_LINE.exec(line);
      if (!m) return line;
      const pin = pins.get(`${m[2]}@${m[3]}`);
      return pin ? `${m[1]}${m[2]}@${m[3]} # ${pin.version}` : line;
    })
    .join('\n');
}

/** Makes a workflow's file render with the version comments (see annotatePinnedActions). */
export function renderWithPinComments(workflow: github.GithubWorkflow): void {
  const file = workflow.file;
  if (!file) return;
  // synthesizeContent is protected in projen's YamlFile; wrapping it keeps projen's marker and drift tracking.
  const target = file as unknown as { synthesizeContent(resolver: unknown): string | undefined };
  const original = target.synthesizeContent.bind(file);
  target.synthesizeContent = (resolver: unknown) => {
    const text = original(resolver);
    return text === undefined ? undefined : annotatePinnedActions(text);
  };
}
