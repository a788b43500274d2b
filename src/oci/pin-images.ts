import { applyLookups, lookUpUpstream, PIN_COMMAND, pinProblems, setBuiltImage, unbuiltImages } from './pin';
import { ResolveOptions } from './resolve';
import { formatImagePins, IMAGES_FILE, parseImagePins, readImagePins } from '../config/image-pins';
import { commitDataChange, DataCommitOptions } from '../release/data-commit';

/** The outcome of a `pin-images` run, for one line of output (or --json). */
export interface PinImagesResult {
  /** 0 ok, 1 a lookup or a check failed. */
  readonly exitCode: number;
  readonly message: string;
  readonly changed?: boolean;
  readonly commit?: string;
}

export interface PinImagesOptions extends DataCommitOptions {
  readonly resolve?: ResolveOptions;
}

/** Resolves every upstream tag and writes the digests (all or nothing), re-synthesizing dist/. */
export async function pinImages(options: PinImagesOptions): Promise<PinImagesResult> {
  const repoDir = options.repoDir ?? process.cwd();
  const pins = readImagePins(repoDir);
  // Every lookup first: a failure throws before anything is written.
  const lookups = await lookUpUpstream(pins, options.resolve);
  const moved = lookups.filter((l) => l.pinned !== l.resolved);
  const result = commitDataChange(options, {
    file: IMAGES_FILE,
    apply: (current) => formatImagePins(applyLookups(parseImagePins(current), lookups)),
    message: () => ({
      subject: `images: pin ${moved.length} upstream digest${moved.length === 1 ? '' : 's'} (${moved.map((l) => `${l.name} ${l.tag}`).join(', ')})`,
      body: [...moved.map((l) => `${l.repository}:${l.tag}  ${l.pinned} → ${l.resolved}`), '', `Resolved with ${PIN_COMMAND}; dist/ re-synthesized.`].join('\n'),
    }),
  });
  const message = result.changed
    ? result.subject!
    : `${IMAGES_FILE}: all ${lookups.length} upstream digests are current; nothing to do`;
  return { exitCode: 0, message, changed: result.changed, commit: result.commit };
}

/**
 * `--check`: fails (one line saying what to run) when an upstream pin is a placeholder or, when online,
 * stale. Images built here may keep the placeholder until their first build (reported, not failed).
 */
export async function checkPins(repoDir: string, offline: boolean, resolve?: ResolveOptions): Promise<PinImagesResult> {
  const pins = readImagePins(repoDir);
  const unbuilt = unbuiltImages(pins);
  const note = unbuilt.length > 0 ? ` (not built yet, allowed until the image workflow's first run: ${unbuilt.join(', ')})` : '';
  if (offline) {
    const pending = pinProblems(pins);
    const pendingNote = pending.length > 0 ? `; waiting for ${PIN_COMMAND} with network: ${pending.join('; ')}` : '';
    return { exitCode: 0, message: `${IMAGES_FILE}: valid${pendingNote}${note}` };
  }
  const problems = pinProblems(pins, await lookUpUpstream(pins, resolve));
  if (problems.length > 0) {
    return { exitCode: 1, message: `${IMAGES_FILE}: run \`${PIN_COMMAND}\` and commit: ${problems.join('; ')}` };
  }
  return { exitCode: 0, message: `${IMAGES_FILE}: every upstream digest matches its tag${note}` };
}

/** A built image as the image workflow reports it after the push. */
export interface BuiltImageRecord {
  readonly name: string;
  readonly repository: string;
  readonly digest: string;
}

/** `name=repository@sha256:…` (the CLI's --built value). */
export function parseBuiltRecord(text: string): BuiltImageRecord {
  const m = /^([a-z][a-zA-Z0-9-]*)=([^@\s]+)@(sha256:[0-9a-f]{64})$/.exec(text);
  if (!m) throw new Error(`--built "${text}" must be NAME=REPOSITORY@sha256:<64 hex>`);
  return { name: m[1], repository: m[2], digest: m[3] };
}

/** The image workflow, after pushing: writes every built image's repository and digest, one commit with dist/. */
export function recordBuiltImages(options: DataCommitOptions & { images: BuiltImageRecord[] }): PinImagesResult {
  const result = commitDataChange(options, {
    file: IMAGES_FILE,
    apply: (current) => formatImagePins(options.images.reduce(
      (pins, i) => setBuiltImage(pins, i.name, i.repository, i.digest), parseImagePins(current))),
    message: (before) => {
      const previous = parseImagePins(before).built as Record<string, { digest: string }>;
      const changed = options.images.filter((i) => previous[i.name]?.digest !== i.digest);
      return {
        subject: `images: ${changed.map((i) => `${i.name} ${previous[i.name]?.digest.slice(0, 19)} → ${i.digest.slice(0, 19)}`).join(', ')}`,
        body: [
          ...options.images.map((i) => `${i.name}: ${i.repository}@${i.digest}`),
          '',
          `Built, scanned and pushed by the image workflow; ${IMAGES_FILE} and dist/ in one commit.`,
        ].join('\n'),
      };
    },
  });
  const message = result.changed
    ? result.subject!
    : `${IMAGES_FILE} already has ${options.images.map((i) => `${i.name}@${i.digest}`).join(', ')}; nothing to do`;
  return { exitCode: 0, message, changed: result.changed, commit: result.commit };
}

/** A `built` value that is not NAME=REPOSITORY@sha256:… (the command exits 2). */
export class PinUsageError extends Error {}

/** `mlops pin-images` as asked for: record built images, check the pins, or resolve them (flag texts as given). */
export interface PinRequest {
  readonly check?: boolean;
  readonly offline?: boolean;
  readonly built?: readonly string[];
  readonly commit?: boolean;
  readonly push?: boolean;
  readonly repoDir: string;
  readonly synthCommand: string;
  readonly remote: string;
  readonly branch?: string;
}

/**
 * Runs a pin-images request: `built` records pushed images, `check` compares the pins with their tags,
 * otherwise every upstream tag is resolved. @throws PinUsageError for a malformed `built` value
 */
export async function runPinRequest(request: PinRequest, log: (line: string) => void): Promise<PinImagesResult> {
  const { repoDir, synthCommand, commit, push, remote, branch } = request;
  const common = { repoDir, synthCommand, commit, push, remote, branch, log };
  if (request.built !== undefined) {
    let images: BuiltImageRecord[];
    try {
      images = request.built.map(parseBuiltRecord);
    } catch (e) {
      throw new PinUsageError((e as Error).message);
    }
    return recordBuiltImages({ ...common, images });
  }
  if (request.check) return checkPins(request.repoDir, request.offline === true);
  return pinImages(common);
}
