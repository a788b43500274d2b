import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The container image pins: `src/config/images.json`, the machine-edited data file (STYLE 3: scripts never
 * rewrite TypeScript). `mlops pin-images` resolves every upstream tag to its digest; the image workflow
 * writes the digests of the images this repository builds; Renovate moves tags and digests. `versions.ts`
 * reads it, and nothing else hard-codes an image. (This module is not named images.ts: Node's require would
 * resolve `./images` to images.json first.)
 */

/** Where the pins live, relative to the repository root. */
export const IMAGES_FILE = 'src/config/images.json';

/**
 * The "not resolved yet" digest. Allowed only (a) for the images this repository builds (`built`), until
 * their first build pushes them, and (b) for an upstream image until `mlops pin-images` first runs with
 * network. `mlops pin-images --check` fails on it; ArgoCD shows the pull error instead of an unpinned tag.
 */
export const PLACEHOLDER_DIGEST = 'sha256:0000000000000000000000000000000000000000000000000000000000000000';

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
/** `registry/path`, lowercase, the registry a host name with an optional port (OCI distribution spec names). */
const REPOSITORY_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:[0-9]{1,5})?\/[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
/** An OCI tag (distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

const repository = z.string().regex(REPOSITORY_RE, 'must be REGISTRY/PATH in lowercase, e.g. docker.io/library/debian (no tag, no digest)');
const digest = z.string().regex(DIGEST_RE, 'must be "sha256:" followed by 64 lowercase hex characters');

/** An upstream image: `tag` is what `pin-images` resolves, `digest` is what is pulled. */
export const UpstreamImageSchema = z.object({
  repository,
  tag: z.string().regex(TAG_RE, 'must be an OCI tag'),
  digest,
}).strict();

/** An image this repository builds and pushes by digest (the image workflow writes `repository` and `digest`). */
export const BuiltImageSchema = z.object({
  repository,
  /** Dockerfile, relative to the repository root. */
  dockerfile: z.string().min(1),
  /** Build context, relative to the repository root. */
  context: z.string().min(1),
  digest,
}).strict();

export type UpstreamImage = z.infer<typeof UpstreamImageSchema>;
export type BuiltImage = z.infer<typeof BuiltImageSchema>;

/** Every pin by name; unknown names are rejected, so a typo never becomes a silently unused pin. */
export const ImagePinsSchema = z.object({
  upstream: z.object({
    /** Base of model/Dockerfile (its `PYTHON_IMAGE` must name this tag and digest; model/tests/test_image.py). */
    modelBase: UpstreamImageSchema,
    /** Base of images/platform/Dockerfile (Node 20: better-sqlite3 12 needs it). */
    platformBase: UpstreamImageSchema,
    /** Base of images/mlflow/Dockerfile: the official server image, same version as the training client. */
    mlflowBase: UpstreamImageSchema,
    seaweedfs: UpstreamImageSchema,
    postgres: UpstreamImageSchema,
    actionsRunner: UpstreamImageSchema,
    /** The debian:bookworm container a CI job may run in (kept here so one tool pins every image). */
    ciDebian: UpstreamImageSchema,
  }).strict(),
  built: z.object({
    /** The `mlops` CLI / gateway image. */
    platform: BuiltImageSchema,
    /** MLflow tracking server with the PostgreSQL driver and boto3. */
    mlflow: BuiltImageSchema,
  }).strict(),
}).strict();

export type ImagePins = z.infer<typeof ImagePinsSchema>;
export type UpstreamImageName = keyof ImagePins['upstream'];
export type BuiltImageName = keyof ImagePins['built'];

/** The images this repository builds, by name: the only ones whose placeholder waits for a build, not a lookup. */
export const BUILT_IMAGE_NAMES: readonly BuiltImageName[] = ['platform', 'mlflow'];

/** Parses the pin file's text; the error names the file and every field that is wrong. */
export function parseImagePins(text: string, source: string = IMAGES_FILE): ImagePins {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const result = ImagePinsSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source}: invalid image pins: ${issues}`);
  }
  return result.data;
}

/** Serialises pins the way they are committed: schema key order, two-space JSON, final newline. */
export function formatImagePins(pins: ImagePins): string {
  return `${JSON.stringify(ImagePinsSchema.parse(pins), null, 2)}\n`;
}

export function readImagePins(repoDir: string): ImagePins {
  const file = join(repoDir, IMAGES_FILE);
  return parseImagePins(readFileSync(file, 'utf8'), IMAGES_FILE);
}

export function writeImagePins(repoDir: string, pins: ImagePins): void {
  writeFileSync(join(repoDir, IMAGES_FILE), formatImagePins(pins));
}

/** True for the "not resolved yet" digest. */
export function isPlaceholder(d: string): boolean {
  return d === PLACEHOLDER_DIGEST;
}
