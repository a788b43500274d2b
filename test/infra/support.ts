import { Testing } from 'cdktf';
import { ClusterStack } from '../../src/infra/cluster-stack';
import { loadInfraConfig, SharedClusterSettings } from '../../src/infra/config';

/** A public key whose private half was discarded: valid syntax, grants no access. */
export const testSshKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICR/8fAqpAF3EdqOuRWk5MmgBteVqvMPu2h9SjVz6R/9 test@infra';

/** Fixed shared values, so snapshots do not change when the platform defaults do. */
export const testShared: SharedClusterSettings = { clusterName: 'homelab', domain: 'homelab.example.com' };

/** Overrides for a valid static-address cluster (merged over the defaults). */
export function baseOverrides(extra: Record<string, any> = {}): Record<string, any> {
  const { cluster, ...rest } = extra;
  return { cluster: { sshAuthorizedKeys: [testSshKey], ...(cluster ?? {}) }, ...rest };
}

/** Builds the stack in a test app and returns it with its synthesized JSON (string and parsed). */
export function synthCluster(overrides: Record<string, any> = {}, shared: SharedClusterSettings = testShared) {
  const app = Testing.app({ stackTraces: false });
  const stack = new ClusterStack(app, shared.clusterName, { config: loadInfraConfig(baseOverrides(overrides)), shared });
  const synth = Testing.synth(stack);
  return { stack, synth, json: JSON.parse(synth) as any };
}
