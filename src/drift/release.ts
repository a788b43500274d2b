import * as fs from 'node:fs';
import { describeIssues } from '../contracts/issues';
import { releaseSchema, type Release } from '../contracts/release';

/** Reads the release file (src/config/release.json, or a copy); the error names the file and the field. */
export function releaseState(file: string): Release {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const parsed = releaseSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${describeIssues(parsed.error, 1)}`);
  return parsed.data;
}
