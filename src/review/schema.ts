import { z } from 'zod';

/**
 * The dist/ diff as it crosses from the `pull_request` run (which may run a fork's code and so
 * may write anything) to the posting `workflow_run` job. Strict: only these fields, identity
 * strings restricted to the characters Kubernetes allows (so nothing outside a code block can
 * carry a mention, a link or HTML), bounded sizes.
 */

export const SCHEMA_ID = 'mlops.dist-diff/v1';

/** Bytes of diff.json the posting job reads at most. */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;
/** Objects in one report at most. */
export const MAX_OBJECTS = 2_000;
/** Characters of one object's diff at most (the comment itself is capped later, see markdown.ts). */
export const MAX_DIFF_CHARS = 20_000;
/** Lines of one object's diff at most. */
export const MAX_DIFF_LINES = 400;

/** A Kubernetes name or namespace (DNS subdomain, RFC 1123). */
const k8sName = z.string().max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'not a Kubernetes name');
const kind = z.string().max(63).regex(/^[A-Za-z][A-Za-z0-9]*$/, 'not a Kubernetes kind');
const apiVersion = z.string().max(253).regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+[a-z0-9]*$/, 'not an apiVersion');
/** A path under dist/: plain segments, no `..`. */
const distPath = z
  .string()
  .max(400)
  .regex(/^dist\/[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/, 'not a plain path under dist/')
  .refine((p) => !p.split('/').includes('..'), 'path must not contain ".."');
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'not a 40-hex commit SHA');

export const changeSchema = z.enum(['added', 'changed', 'removed']);
export type Change = z.infer<typeof changeSchema>;

export const objectChangeSchema = z.strictObject({
  change: changeSchema,
  /** Absent for a plain file (not a Kubernetes object): then `file` is its identity. */
  apiVersion: apiVersion.optional(),
  kind: kind.optional(),
  namespace: k8sName.optional(),
  name: k8sName.optional(),
  /** The file in head (added, changed) or base (removed). */
  file: distPath,
  /** The file in base when a changed object moved to another file. */
  previousFile: distPath.optional(),
  /** The Application that synced it in base, when another one syncs it now. */
  previousApplication: k8sName.optional(),
  /** For an Argo CD Application whose Helm chart version changed: the chart and both versions. */
  chart: z
    .strictObject({
      name: z.string().max(100).regex(/^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/, 'not a chart name'),
      from: z.string().max(64).regex(/^[A-Za-z0-9._+-]+$/, 'not a chart version').optional(),
      to: z.string().max(64).regex(/^[A-Za-z0-9._+-]+$/, 'not a chart version').optional(),
    })
    .optional(),
  /** Unified-diff hunks of the object's YAML (base → head). */
  diff: z.string().max(MAX_DIFF_CHARS),
  /** Diff lines left out because the object's diff was longer than MAX_DIFF_LINES/MAX_DIFF_CHARS. */
  omittedLines: z.number().int().min(0).max(10_000_000),
});
export type ObjectChange = z.infer<typeof objectChangeSchema>;

export const applicationChangeSchema = z.strictObject({
  /** The Application that syncs these objects; null for files no Application syncs. */
  application: k8sName.nullable(),
  /** The folders it syncs (for the reader), e.g. dist/mlflow. */
  paths: z.array(distPath.or(z.literal('dist'))).max(20),
  objects: z.array(objectChangeSchema).max(MAX_OBJECTS),
});
export type ApplicationChange = z.infer<typeof applicationChangeSchema>;

export const distDiffReportSchema = z
  .strictObject({
    schema: z.literal(SCHEMA_ID),
    base: sha,
    head: sha,
    /** The pull request this diff is for (set by the pull_request run; checked by the posting job). */
    pullRequest: z.number().int().positive().max(1e9).optional(),
    /** The pull request's head commit (the workflow_run's head_sha). */
    headSha: sha.optional(),
    applications: z.array(applicationChangeSchema).max(MAX_OBJECTS),
  })
  .refine((r) => r.applications.reduce((n, a) => n + a.objects.length, 0) <= MAX_OBJECTS, {
    message: `more than ${MAX_OBJECTS} objects in total`,
  });
export type DistDiffReport = z.infer<typeof distDiffReportSchema>;
