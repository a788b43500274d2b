import { z } from 'zod';

/**
 * The release file: `src/config/release.json`, the released image digest and MLflow model version.
 * Machine-edited data: the release bump (src/release) writes it, the manifests (src/k8s/mlops) and
 * drift analysis read it, the workflows commit it. One schema for all of them.
 */

/** Where the release state lives, relative to the repository root. The only file a bump edits. */
export const RELEASE_FILE = 'src/config/release.json';

/**
 * An image repository reference without tag or digest: `registry/path/name`, lowercase,
 * the registry a host name (with an optional port) as in the OCI distribution spec.
 */
const IMAGE_RE = /^(?<registry>[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:[0-9]{1,5})?)\/(?<path>[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*)$/;
const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** Returns the problem with an image reference, or undefined when it is valid. */
export function imageProblem(image: string): string | undefined {
  if (image.length === 0) return 'image reference is empty';
  if (image.includes('@')) return `image reference "${image}" must not carry a digest (pass it with --digest)`;
  const lastPart = image.split('/').pop() ?? '';
  if (lastPart.includes(':')) return `image reference "${image}" must not carry a tag: the release is pinned by digest`;
  if (image !== image.toLowerCase()) return `image reference "${image}" must be lowercase`;
  if (!IMAGE_RE.test(image)) {
    return `image reference "${image}" is not REGISTRY/OWNER/NAME (e.g. ghcr.io/acme/credit-risk-model)`;
  }
  return undefined;
}

/** Returns the problem with a digest, or undefined when it is `sha256:` + 64 lowercase hex. */
export function digestProblem(digest: string): string | undefined {
  if (DIGEST_RE.test(digest)) return undefined;
  if (/^sha256:[0-9A-Fa-f]{64}$/.test(digest)) return `digest "${digest}" must be lowercase hex`;
  if (!digest.startsWith('sha256:')) return `digest "${digest}" must start with "sha256:"`;
  return `digest "${digest}" must be "sha256:" followed by 64 hex characters (got ${digest.length - 7})`;
}

/** The machine-edited release state (src/config/release.json). Unknown keys are rejected. */
export const releaseSchema = z
  .object({
    image: z.string().superRefine((v, ctx) => {
      const p = imageProblem(v);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    }),
    digest: z.string().superRefine((v, ctx) => {
      const p = digestProblem(v);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    }),
    mlflowModel: z.string().min(1),
    mlflowVersion: z.string().regex(/^[0-9]+$/, 'mlflowVersion must be a model registry version number'),
    runId: z.string().min(1),
  })
  .strict();

export type Release = z.infer<typeof releaseSchema>;

