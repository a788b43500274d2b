import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { ReportFile } from '../artifacts/reports';
import { failureTypes } from '../types';

/**
 * An eval corpus: one folder per case with `job.log` (a GitHub Actions job log) and/or report files
 * under `artifacts/` (SARIF, JUnit XML, tool JSON), and `expected.json`:
 * `{type, findings: [key strings a human needs], planted?: {secrets, mentions}, derivedFrom?, source?}`.
 * A corpus may group cases in sub-folders (e.g. `dev/`, `heldout/`): every folder that holds an
 * `expected.json` is a case.
 */
export const expectedSchema = z
  .object({
    type: z.enum(failureTypes),
    findings: z.array(z.string().min(1)),
    planted: z.object({ secrets: z.array(z.string().min(1)).default([]), mentions: z.array(z.string().min(1)).default([]) }).optional(),
    derivedFrom: z.string().optional(),
    source: z.string().optional(),
  })
  .strict();
export type Expected = z.infer<typeof expectedSchema>;

export interface EvalCase {
  readonly name: string;
  readonly dir: string;
  readonly log: string;
  readonly reports: ReportFile[];
  readonly expected: Expected;
}

/**
 * Planted fake secrets are stored as `{{plant:NAME}}` and built here, so that no file in git holds
 * a string a secret scanner (the pipeline's own Gitleaks) would flag. Real token shapes, fake values.
 */
export const PLANTS: Record<string, string> = {
  'github-token': 'ghp_' + 'Zq7'.repeat(12),
  'aws-access-key': 'AKIA' + 'Q2W3E4R5T6Y7U8I9',
  'stripe-key': 'sk_' + 'live_' + '9fA'.repeat(8),
};
const plant = (text: string) => text.replace(/\{\{plant:([\w-]+)\}\}/g, (all, name: string) => PLANTS[name] ?? all);

/** Thrown for a corpus that cannot be read (the command exits 2). */
export class CorpusError extends Error {}

const MAX_FILE = 20 * 1024 * 1024;

export function loadCorpus(root: string): EvalCase[] {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new CorpusError(`corpus ${root} is not a directory`);
  const cases: EvalCase[] = [];
  const walk = (dir: string, depth: number) => {
    if (fs.existsSync(path.join(dir, 'expected.json'))) {
      cases.push(loadCase(root, dir));
      return;
    }
    if (depth > 3) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(path.join(dir, e.name), depth + 1);
    }
  };
  walk(root, 0);
  if (!cases.length) throw new CorpusError(`corpus ${root} has no case (no folder with an expected.json)`);
  return cases;
}

function readSmall(file: string): string {
  const size = fs.statSync(file).size;
  if (size > MAX_FILE) throw new CorpusError(`${file} is ${size} bytes (more than ${MAX_FILE})`);
  return fs.readFileSync(file, 'utf8');
}

function loadCase(root: string, dir: string): EvalCase {
  const name = path.relative(root, dir) || path.basename(dir);
  let json: unknown;
  try {
    json = JSON.parse(plant(readSmall(path.join(dir, 'expected.json'))));
  } catch (err) {
    throw new CorpusError(`${name}/expected.json is not JSON: ${(err as Error).message}`);
  }
  const parsed = expectedSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorpusError(`${name}/expected.json: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const logFile = ['job.log', 'job.txt'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  const artDir = path.join(dir, 'artifacts');
  const reports = fs.existsSync(artDir)
    ? fs
      .readdirSync(artDir)
      .filter((f) => fs.statSync(path.join(artDir, f)).isFile())
      .sort()
      .map((f) => ({ name: f, text: plant(readSmall(path.join(artDir, f))) }))
    : [];
  if (!logFile && !reports.length) throw new CorpusError(`${name} has neither job.log nor artifacts/`);
  return { name, dir, log: logFile ? plant(readSmall(logFile)) : '', reports, expected: parsed.data };
}
