import { App } from 'cdktf';
import { ClusterStack } from './cluster-stack';
import { infraOverridesFromSite, loadInfraConfig, sharedFromSite } from './config';
import { loadSiteFile } from '../config/site';

/**
 * CDKTF entry point: `npx projen synth:infra` (or `cdktf synth`) writes plain Terraform JSON to
 * `cdktf.out/stacks/<cluster name>/cdk.tf.json`, which `tofu`/`terraform` init/plan/apply directly.
 *
 * The cluster is described by the site file (`site.yaml` at the repository root, or the file
 * `MLOPS_SITE_FILE` names), which the cdk8s app reads too. No secret is read here.
 */

function main(): void {
  // The hand-written bindings render JSON only (synthesizeAttributes); cdktf's HCL mode would drop their arguments.
  if (process.env.SYNTH_HCL_OUTPUT === 'true') {
    throw new Error('SYNTH_HCL_OUTPUT=true is not supported: the Proxmox bindings synthesize Terraform JSON only (unset it)');
  }
  const site = loadSiteFile();
  const config = loadInfraConfig(infraOverridesFromSite(site));
  const shared = sharedFromSite(site);
  // Stack traces would put this machine's absolute paths into the JSON metadata.
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', stackTraces: false });
  new ClusterStack(app, shared.clusterName, { config, shared });
  app.synth();
}

try {
  main();
} catch (e) {
  process.stderr.write(`synth:infra failed:\n${(e as Error).message}\n`);
  process.exit(1);
}
