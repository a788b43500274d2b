import * as fs from 'node:fs';
import { z } from 'zod';

/** src/config/release.json: the released image digest and MLflow model version (machine-edited data). */
export const releaseSchema = z.strictObject({
  image: z.string().min(1),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  mlflowModel: z.string().min(1),
  mlflowVersion: z.string().min(1),
  runId: z.string().min(1),
});

export type ReleaseState = z.infer<typeof releaseSchema>;

export function releaseState(file: string): ReleaseState {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const parsed = releaseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
