import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { parseSite } from '../../src/config/site';
import { ClusterStack } from '../../src/infra/cluster-stack';
import { infraOverridesFromSite, loadInfraConfig, mergeInfraOverrides, SharedClusterSettings } from '../../src/infra/config';

/** A public key whose private half was discarded: valid syntax, grants no access. */
export const testSshKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICR/8fAqpAF3EdqOuRWk5MmgBteVqvMPu2h9SjVz6R/9 test@infra';

/** Fixed shared values, so snapshots do not change when the platform defaults do. */
export const testShared: SharedClusterSettings = { clusterName: 'homelab', domain: 'homelab.example.com' };

/**
 * Overrides for a valid static-address cluster: what the site fixture (a copy of site.yaml, with the test
 * key) decides, then `extra` merged in the way `loadInfraConfig` merges (a changed `mode`/`backend` replaces).
 */
export function baseOverrides(extra: Record<string, any> = {}): Record<string, any> {
  return mergeInfraOverrides(infraOverridesFromSite(parseSite(siteDoc())), extra) as Record<string, any>;
}

/** Builds the stack in a test app and returns it with its synthesized JSON (string and parsed). */
export function synthCluster(overrides: Record<string, any> = {}, shared: SharedClusterSettings = testShared) {
  const app = Testing.app({ stackTraces: false });
  const stack = new ClusterStack(app, shared.clusterName, { config: loadInfraConfig(baseOverrides(overrides)), shared });
  const synth = Testing.synth(stack);
  return { stack, synth, json: JSON.parse(synth) as any };
}

/** Deep merge: objects merge, everything else (arrays included) replaces. */
function merge(base: unknown, patch: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(base) || !isObj(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
  return out;
}

/** A site document: the test fixture (a copy of site.yaml) with the test key, then `patch` merged in. */
export function siteDoc(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const fixture = parse(readFileSync(join(__dirname, '..', 'config', 'site.fixture.yaml'), 'utf8'));
  return merge(merge(fixture, { ssh: { authorizedKeys: [testSshKey] } }), patch) as Record<string, unknown>;
}
