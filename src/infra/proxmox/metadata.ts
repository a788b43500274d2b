import { TerraformMetaArguments, TerraformProviderGeneratorMetadata, TerraformResource, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { proxmoxProvider } from '../../config/versions';

/**
 * What `cdktf get` would have recorded for generated bindings: the provider's local name and its
 * pinned version. cdktf writes it into every stack as
 * `terraform.required_providers.proxmox = { source, version }`, so `tofu init` fetches exactly this build.
 */
export const proxmoxGeneratorMetadata: TerraformProviderGeneratorMetadata = {
  providerName: 'proxmox',
  providerVersion: proxmoxProvider.version,
};

/** Registry address of the provider (`required_providers.proxmox.source`). */
export const proxmoxProviderSource: string = proxmoxProvider.source;

/** `waitForIp` → `wait_for_ip`, `socks5Server` → `socks5_server`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Renders typed props as Terraform JSON arguments: every object key camelCase → snake_case, recursively
 * (nested blocks included); `undefined` is dropped; tokens (references, variables) pass through untouched.
 * The props interfaces are the schema: a misspelled argument is a compile error before it gets here.
 */
export function toTerraformArguments(value: unknown): any {
  if (value === undefined || value === null) return value;
  if (Tokenization.isResolvable(value)) return value;
  if (Array.isArray(value)) return value.map((v) => toTerraformArguments(v));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[snakeCase(k)] = toTerraformArguments(v);
    }
    return out;
  }
  return value;
}

/**
 * Base of every bpg/proxmox resource binding: passes the Terraform meta-arguments (provider,
 * depends_on, count, …) to cdktf and renders every other prop as a resource argument.
 */
export abstract class ProxmoxResource<TConfig extends TerraformMetaArguments> extends TerraformResource {
  private readonly config: TConfig;

  protected constructor(scope: Construct, id: string, terraformResourceType: string, config: TConfig) {
    super(scope, id, {
      terraformResourceType,
      terraformGeneratorMetadata: proxmoxGeneratorMetadata,
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach,
      provisioners: config.provisioners,
      connection: config.connection,
    });
    this.config = config;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const { provider: _p, dependsOn: _d, count: _c, lifecycle: _l, forEach: _f, provisioners: _pr, connection: _co, ...args } = this.config;
    return toTerraformArguments(args);
  }
}
