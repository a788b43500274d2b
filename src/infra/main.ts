import { readFileSync } from 'node:fs';
import { App } from 'cdktf';
import { parse } from 'yaml';
import { ClusterStack } from './cluster-stack';
import { InfraConfig, loadInfraConfig, sharedFromPlatform } from './config';

/**
 * CDKTF entry point: `npx projen synth:infra` (or `cdktf synth`) writes plain Terraform JSON to
 * `cdktf.out/stacks/<cluster name>/cdk.tf.json`, which `tofu`/`terraform` init/plan/apply directly.
 *
 * The cluster is described by `src/infra/cluster.yaml` (overrides of the defaults in `config.ts`);
 * `MLOPS_INFRA_CONFIG=<file.yaml>` points at another description. No secret is read here.
 */
function loadConfig(path: string): InfraConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`infra config: cannot read ${path}: ${(e as Error).message}`);
  }
  return loadInfraConfig(parse(text) ?? {});
}

function main(): void {
  // The hand-written bindings render JSON only (synthesizeAttributes); cdktf's HCL mode would drop their arguments.
  if (process.env.SYNTH_HCL_OUTPUT === 'true') {
    throw new Error('SYNTH_HCL_OUTPUT=true is not supported: the Proxmox bindings synthesize Terraform JSON only (unset it)');
  }
  const config = loadConfig(process.env.MLOPS_INFRA_CONFIG ?? 'src/infra/cluster.yaml');
  // Stack traces would put this machine's absolute paths into the JSON metadata.
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', stackTraces: false });
  new ClusterStack(app, sharedFromPlatform.clusterName, { config, shared: sharedFromPlatform });
  app.synth();
}

try {
  main();
} catch (e) {
  process.stderr.write(`synth:infra failed:\n${(e as Error).message}\n`);
  process.exit(1);
}
