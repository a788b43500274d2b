import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { proxmoxGeneratorMetadata, proxmoxProviderSource, toTerraformArguments } from './metadata';

/**
 * Typed `provider "proxmox"` block of bpg/proxmox, hand-written from the provider docs
 * (`vendor/proxmox-provider/index.md`, "Argument Reference") because `cdktf get` needs the
 * network and the provider binary. Only documented arguments exist here; a test checks the synthesized
 * JSON against the docs.
 *
 * Credentials are never literals: pass `TerraformVariable` values (marked sensitive) or leave them unset
 * and use the provider's environment variables (`PROXMOX_VE_API_TOKEN`, `PROXMOX_VE_SSH_PRIVATE_KEY`, …).
 */

/** One Proxmox node the SSH connection may target, with an explicit address. */
export interface ProxmoxProviderSshNode {
  /** The name of the node. */
  readonly name: string;
  /** The FQDN/IP address of the node. */
  readonly address: string;
  /**
   * SSH port of the node.
   * @default 22
   */
  readonly port?: number;
}

/**
 * The SSH connection to the Proxmox nodes. Snippet uploads (`proxmox_virtual_environment_file` with
 * `content_type = "snippets"`) need it: the Proxmox API cannot upload snippets.
 * @see vendor/proxmox-provider/index.md#ssh-connection
 */
export interface ProxmoxProviderSsh {
  /**
   * The username for the SSH connection. Required when using an API token.
   * @default the API username (PAM realms only); env `PROXMOX_VE_SSH_USERNAME`
   */
  readonly username?: string;
  /** The SSH password (a sensitive variable, never a literal). Env `PROXMOX_VE_SSH_PASSWORD`. */
  readonly password?: string;
  /**
   * Whether to use the SSH agent for authentication.
   * @default false
   */
  readonly agent?: boolean;
  /** Path to the SSH agent socket. @default `$SSH_AUTH_SOCK` */
  readonly agentSocket?: string;
  /** Whether to enable SSH agent forwarding. @default false */
  readonly agentForwarding?: boolean;
  /** Unencrypted PEM private key (a sensitive variable, never a literal). Env `PROXMOX_VE_SSH_PRIVATE_KEY`. */
  readonly privateKey?: string;
  /** SOCKS5 proxy (`host:port`) for the SSH connections. */
  readonly socks5Server?: string;
  /** SOCKS5 proxy username. */
  readonly socks5Username?: string;
  /** SOCKS5 proxy password (a sensitive variable). */
  readonly socks5Password?: string;
  /**
   * How node addresses are resolved: `api` (node interfaces via the Proxmox API) or `dns`.
   * @default "api"
   */
  readonly nodeAddressSource?: 'api' | 'dns';
  /** Explicit addresses per Proxmox node (overrides `nodeAddressSource`). */
  readonly node?: ProxmoxProviderSshNode[];
}

/** Arguments of the `provider "proxmox"` block. */
export interface ProxmoxProviderConfig {
  /** The Proxmox VE API endpoint, e.g. `https://pve.example.com:8006/` (without `/api2/json`). */
  readonly endpoint?: string;
  /**
   * Skip TLS verification (self-signed certificates).
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Minimum TLS version for API calls.
   * @default "1.3"
   */
  readonly minTls?: '1.0' | '1.1' | '1.2' | '1.3';
  /** API token `user@realm!tokenid=secret` (a sensitive variable, never a literal). */
  readonly apiToken?: string;
  /** Pre-authenticated ticket (with `csrfPreventionToken`). */
  readonly authTicket?: string;
  /** CSRF prevention token that goes with `authTicket`. */
  readonly csrfPreventionToken?: string;
  /** API username `user@realm` (password authentication). */
  readonly username?: string;
  /** API password (a sensitive variable, never a literal). */
  readonly password?: string;
  /** The SSH connection (needed for snippet uploads). */
  readonly ssh?: ProxmoxProviderSsh;
  /** Local temporary directory for uploads. */
  readonly tmpDir?: string;
  /** Random VM ids when `vm_id` is not set. @default false */
  readonly randomVmIds?: boolean;
  /** Start of the random VM id range. @default 10000 */
  readonly randomVmIdStart?: number;
  /** End of the random VM id range. @default 99999 */
  readonly randomVmIdEnd?: number;
  /** Provider alias (generic Terraform meta-argument). */
  readonly alias?: string;
}

/** `provider "proxmox"` (bpg/proxmox, version pinned in `src/config/versions.ts`). */
export class ProxmoxProvider extends TerraformProvider {
  /** Terraform's name for this provider. */
  public static readonly tfResourceType = 'proxmox';

  private readonly config: ProxmoxProviderConfig;

  constructor(scope: Construct, id: string, config: ProxmoxProviderConfig) {
    super(scope, id, {
      terraformResourceType: ProxmoxProvider.tfResourceType,
      terraformGeneratorMetadata: proxmoxGeneratorMetadata,
      terraformProviderSource: proxmoxProviderSource,
    });
    this.config = config;
  }

  public get alias(): string | undefined {
    return this.config?.alias;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const { alias: _alias, ...args } = this.config;
    return toTerraformArguments(args);
  }
}
