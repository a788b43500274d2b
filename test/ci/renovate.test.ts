import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { synthWorkflowFiles } from './support/bare-project';
import { RENOVATE_ALLOWED_COMMANDS, RENOVATE_IGNORE_PATHS, renovateConfig, RenovateWorkflow } from '../../src/ci';
import { githubActions, helmCharts, imagePins, renovateVersion } from '../../src/config/versions';

const ROOT = join(__dirname, '..', '..');
const config = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8'));
type CustomManager = { managerFilePatterns: string[]; matchStrings: string[]; datasourceTemplate: string };
const managers = config.customManagers as CustomManager[];

/** Renovate's `/regex/` file patterns as JS regexes. */
const filePattern = (p: string) => new RegExp(p.slice(1, -1));
/** Every match of a custom manager's regexes in a repository file (Renovate's regex manager, matchStrings "any"). */
function extract(file: string): Array<{ manager: CustomManager; groups: Record<string, string> }> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return managers
    .filter((m) => m.managerFilePatterns.some((p) => filePattern(p).test(file)))
    .flatMap((manager) => manager.matchStrings.flatMap((s) => [...text.matchAll(new RegExp(s, 'g'))].map((m) => ({ manager, groups: m.groups! }))));
}

describe('renovate.json', () => {
  test('is the generated config, and valid against Renovate 44.121.2\'s published schema (vendored)', () => {
    expect(config).toEqual(renovateConfig());
    const schema = JSON.parse(readFileSync(join(__dirname, 'renovate-schema', 'renovate-schema.json'), 'utf8'));
    // strict off: the schema carries Renovate's own keywords (allowComments, markdownDescription).
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(config) ? [] : validate.errors).toEqual([]);
    // The schema catches wrong shapes: a check that it is not vacuous.
    expect(validate({ ...config, enabledManagers: 'npm' })).toBe(false);
    expect(validate({ ...config, customManagers: [{ customType: 'regex', matchStrings: 'x' }] })).toBe(false);
  });

  test('limited managers; github-actions never edits the generated workflows; generated paths ignored', () => {
    expect(config.enabledManagers).toEqual(['custom.regex', 'npm', 'pip-compile']);
    for (const p of ['.github/workflows/**', 'dist/**', 'imports/**', '.projen/**']) expect(RENOVATE_IGNORE_PATHS).toContain(p);
  });

  test('every post-upgrade command is allowed by the self-hosted allowedCommands, and nothing more', () => {
    for (const cmd of config.postUpgradeTasks.commands as string[]) {
      expect(RENOVATE_ALLOWED_COMMANDS.some((r) => new RegExp(r).test(cmd))).toBe(true);
    }
    expect(RENOVATE_ALLOWED_COMMANDS.some((r) => new RegExp(r).test('npx projen synth; curl evil'))).toBe(false);
  });

  test('the image regex finds every upstream image (tag and digest) in images.json, and the model base', () => {
    const found = extract('src/config/images.json').map((e) => `${e.groups.depName}:${e.groups.currentValue}@${e.groups.currentDigest}`);
    expect(found.sort()).toEqual(Object.values(imagePins.upstream).map((p) => `${p.repository}:${p.tag}@${p.digest}`).sort());
    const model = extract('model/Dockerfile');
    expect(model).toHaveLength(1);
    expect(model[0].groups).toMatchObject({ currentValue: imagePins.upstream.modelBase.tag, currentDigest: imagePins.upstream.modelBase.digest });
  });

  test('the versions.ts regexes find every chart (HTTP and OCI) and every action SHA', () => {
    const found = extract('src/config/versions.ts');
    const charts = found.filter((e) => e.manager.datasourceTemplate !== 'github-tags').map((e) => `${e.groups.depName}@${e.groups.currentValue}`);
    expect(charts.sort()).toEqual(Object.values(helmCharts).map((c) => `${c.chart}@${c.version}`).sort());
    const oci = found.filter((e) => e.groups.ociRepo).map((e) => `${e.groups.ociRepo}/${e.groups.depName}`);
    expect(oci.sort()).toEqual(Object.values(helmCharts).filter((c) => 'oci' in c && c.oci).map((c) => `${c.repoURL}/${c.chart}`).sort());
    const actions = found.filter((e) => e.manager.datasourceTemplate === 'github-tags').map((e) => `${e.groups.currentDigest} ${e.groups.currentValue}`);
    expect(actions.sort()).toEqual(Object.values(githubActions).map((a) => `${a.sha} ${a.version}`).sort());
  });

  test('the .projenrc.ts regex finds every npm dependency range', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const found = Object.fromEntries(extract('.projenrc.ts').map((e) => [e.groups.depName, e.groups.currentValue]));
    const declared = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    const fromProjenrc = Object.keys(found);
    expect(fromProjenrc.length).toBeGreaterThan(20);
    // Each one is a real dependency (projen may widen a range it manages itself, e.g. constructs).
    for (const name of fromProjenrc) expect(declared[name]).toBeDefined();
    expect(found.typescript).toBe('~5.9.3');
    expect(found.projen).toBe(declared.projen);
  });
});

describe('renovate workflow', () => {
  test('snapshot; the config is validated by Renovate\'s own validator before the run', () => {
    const text = synthWorkflowFiles((project) => new RenovateWorkflow(project))['.github/workflows/renovate.yml'];
    expect(text).toMatchSnapshot();
    const steps = parse(text).jobs.renovate.steps as Array<{ name: string; run?: string; env?: Record<string, string> }>;
    const validate = steps.findIndex((s) => s.run?.includes('renovate-config-validator --strict renovate.json'));
    const run = steps.findIndex((s) => s.name === 'Renovate');
    expect(validate).toBeGreaterThan(-1);
    expect(validate).toBeLessThan(run);
    expect(JSON.parse(steps[run].env!.RENOVATE_ALLOWED_COMMANDS)).toEqual(RENOVATE_ALLOWED_COMMANDS);
    expect(steps[run].run).toBe(`npx --yes renovate@${renovateVersion}`);
  });
});
