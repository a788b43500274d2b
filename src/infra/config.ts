import { z } from 'zod';
import { prefixLength, Site } from '../config/site';
import { clusterImage, k3sVersion } from '../config/versions';

/**
 * Typed, zod-validated configuration of the Proxmox/K3s layer, one schema per concern: the cloud image,
 * the cluster nodes, the K3s bootstrap, the Proxmox connection and the Terraform state. Unknown keys are
 * rejected; an invalid value fails synth with the field's path (`infra config: cluster.agents: …`).
 *
 * What differs per installation comes from the site file (`site.yaml`, schema in `src/config/site.ts`)
 * through `infraOverridesFromSite`; the cdk8s app reads the same file, so the node network the
 * NetworkPolicies allow and the VM addresses cannot disagree (the site schema checks it). The pinned
 * versions come from `src/config/versions.ts`.
 *
 * Secrets are NOT configuration: the K3s token and the Proxmox API token are Terraform variables marked
 * sensitive (see `cluster-stack.ts`), so no field here may carry one.
 */

const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv4 = z.string().regex(ipv4Pattern, 'must be an IPv4 address such as 192.168.1.50');
const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and "-"');
const httpsUrl = z.string().regex(/^https:\/\/\S+$/, 'must be an https:// URL');

/** Hex digest length per checksum algorithm. */
const digestLength = { sha256: 64, sha384: 96, sha512: 128 } as const;

/** The cloud image every VM boots from (downloaded once to the Proxmox node, verified by checksum). */
export const imageConfigSchema = z
  .strictObject({
    /** Source URL of a Debian or Ubuntu cloud image (qcow2). */
    url: httpsUrl,
    /** File name in the datastore; `import` content needs `.qcow2`, `.raw` or `.vmdk`. */
    fileName: z.string().regex(/^[A-Za-z0-9._-]+\.(qcow2|raw|vmdk)$/, 'must be a file name ending in .qcow2, .raw or .vmdk'),
    /** Expected digest of the file (lowercase hex). */
    checksum: z.string().regex(/^[0-9a-f]+$/, 'must be a lowercase hex digest'),
    /** Digest algorithm of `checksum`. */
    checksumAlgorithm: z.enum(['sha256', 'sha384', 'sha512']),
    /** Datastore the image is downloaded to; it must allow the `Import` content type. */
    datastoreId: z.string().min(1),
  })
  .superRefine((v, ctx) => {
    if (v.checksum.length !== digestLength[v.checksumAlgorithm]) {
      ctx.addIssue({
        code: 'custom',
        path: ['checksum'],
        message: `must be ${digestLength[v.checksumAlgorithm]} hex characters for ${v.checksumAlgorithm} (got ${v.checksum.length})`,
      });
    }
  });

/** CPU, memory and disk of one VM. */
const nodeSizeSchema = z.strictObject({
  /** vCPU cores. */
  cores: z.number().int().min(1).max(64),
  /** Memory in MiB (K3s needs at least 1 GiB). */
  memoryMiB: z.number().int().min(1024).max(1_048_576),
  /** Boot disk in GiB (the cloud image is grown to this). */
  diskGiB: z.number().int().min(8).max(16_384),
});

/** Addressing: DHCP, or static addresses taken in order from a range (server first, then agents). */
const networkSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('dhcp'),
  }),
  z.strictObject({
    mode: z.literal('static'),
    /** First address of the range: the server; agent N gets `firstAddress + N`. */
    firstAddress: ipv4,
    /** Last usable address of the range (inclusive). */
    lastAddress: ipv4,
    /** Prefix length of the LAN, e.g. 24. */
    prefixLength: z.number().int().min(8).max(30),
    /** Default gateway. */
    gateway: ipv4,
    /** DNS servers. */
    dnsServers: z.array(ipv4).min(1, 'at least one DNS server is required'),
  }),
]);

/** The VMs: one K3s server and N agents. */
export const clusterConfigSchema = z.strictObject({
  /** Proxmox node (as named in the Proxmox cluster) the VMs run on. */
  proxmoxNode: z.string().min(1),
  /**
   * The Proxmox API user of the token. Only `root@pam` may set a file mode on an uploaded file
   * (bpg/proxmox `proxmox_virtual_environment_file.file_mode`); with it the snippets holding the K3s
   * token are written 0600. Any other user relies on the snippets directory being root-only (docs/proxmox.md).
   */
  apiUser: z.string().regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+$/, 'must be user@realm such as terraform@pve'),
  /**
   * VM id of the server; agent N gets `vmIdBase + N`. Ids depend only on a node's name, never on creation
   * order, so adding an agent never renumbers the others.
   */
  vmIdBase: z.number().int().min(100).max(999_999_000),
  /** K3s servers: exactly one (embedded-etcd HA is out of scope for this homelab stack). */
  servers: z
    .number()
    .int()
    .min(1, 'the cluster needs exactly one K3s server (got fewer)')
    .max(1, 'this stack builds exactly one K3s server (embedded-etcd HA is not supported)'),
  /** K3s agents (workers). */
  agents: z.number().int().min(0).max(50),
  /** Size of the server VM. */
  serverSize: nodeSizeSchema,
  /** Size of each agent VM. */
  agentSize: nodeSizeSchema,
  /** Emulated CPU type (`x86-64-v2-AES` per the provider docs; `host` for passthrough). */
  cpuType: z.string().min(1),
  /** Datastore of the VM disks and cloud-init drives. */
  vmDatastoreId: z.string().min(1),
  /** Linux bridge the VMs attach to. */
  bridge: z.string().min(1),
  /** Optional VLAN tag. */
  vlanId: z.number().int().min(1).max(4094).optional(),
  /** IP addressing. */
  network: networkSchema,
  /** SSH public keys allowed to log in as `adminUser` (public keys are not secrets). */
  sshAuthorizedKeys: z
    .array(
      z
        .string()
        .regex(
          /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+=*( [^\n]*)?$/,
          'must be an OpenSSH public key line (ssh-ed25519 AAAA… comment)',
        ),
    )
    .min(1, 'at least one SSH public key is required (nobody could log in to the VMs)'),
  /** The login user cloud-init creates (password login disabled). */
  adminUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name').refine((u) => u !== 'root', 'must not be root'),
  /** Extra Proxmox tags (sorted on output). */
  tags: z.array(name),
});

/** Installing K3s and handing over to GitOps. */
export const bootstrapConfigSchema = z.strictObject({
  /** K3s release (pinned in `src/config/versions.ts`). */
  k3sVersion: z.string().regex(/^v\d+\.\d+\.\d+\+k3s\d+$/, 'must be a K3s release such as v1.30.14+k3s2'),
  /** The K3s install script, pinned to the release tag (the script verifies the binary's sha256). */
  installScriptUrl: httpsUrl,
  /** Datastore the cloud-init snippets are uploaded to; it must allow the `Snippets` content type. */
  snippetsDatastoreId: z.string().min(1),
  /** Packaged K3s components to disable (`--disable`). */
  disable: z.array(z.enum(['traefik', 'servicelb', 'local-storage', 'metrics-server', 'coredns'])),
});

/** How Terraform reaches Proxmox (credentials are variables or env vars, never here). */
export const proxmoxConfigSchema = z.strictObject({
  /** Skip TLS verification of the Proxmox API (self-signed certificate). */
  insecure: z.boolean(),
  /** Minimum TLS version of the API connection. */
  minTls: z.enum(['1.2', '1.3']),
  /**
   * Authenticate SSH through the running ssh-agent (`SSH_AUTH_SOCK`). Set false to use
   * `PROXMOX_VE_SSH_PRIVATE_KEY` from the environment instead (CI without an agent).
   */
  sshAgent: z.boolean(),
  /** PAM user for SSH to the Proxmox node (snippet upload); required with API tokens. */
  sshUsername: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name'),
  /** Explicit SSH addresses of Proxmox nodes (when API-based resolution picks the wrong interface). */
  sshNodes: z.array(
    z.strictObject({ name: z.string().min(1), address: z.string().min(1), port: z.number().int().min(1).max(65535).optional() }),
  ),
});

/** Where Terraform keeps state: never inside the cluster it describes. */
export const stateConfigSchema = z.discriminatedUnion('backend', [
  z.strictObject({
    backend: z.literal('local'),
    /**
     * State file, relative to the stack directory (`cdktf.out/stacks/<stack>/`); the default climbs back to
     * the repository root so re-synthesis never deletes it (`*.tfstate` is git-ignored). Never absolute.
     */
    path: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p) && !p.startsWith('~'), 'must be a relative path (an absolute path would be machine-specific)'),
  }),
  z.strictObject({
    backend: z.literal('s3'),
    /** Bucket on an S3-compatible store outside the cluster (Garage, SeaweedFS, a NAS, …). */
    bucket: z.string().min(1),
    /** Object key of the state. */
    key: z.string().min(1),
    /** Region name the store expects (any string for most S3-compatible stores). */
    region: z.string().min(1),
    /** Endpoint of the S3-compatible store. Credentials come from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`. */
    endpoint: httpsUrl,
    /** Path-style addressing (most self-hosted stores need it). */
    usePathStyle: z.boolean(),
  }),
]);

export const infraConfigSchema = z.strictObject({
  image: imageConfigSchema,
  cluster: clusterConfigSchema,
  bootstrap: bootstrapConfigSchema,
  proxmox: proxmoxConfigSchema,
  state: stateConfigSchema,
});

export type ImageConfig = z.infer<typeof imageConfigSchema>;
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
export type BootstrapConfig = z.infer<typeof bootstrapConfigSchema>;
export type ProxmoxConfig = z.infer<typeof proxmoxConfigSchema>;
export type StateConfig = z.infer<typeof stateConfigSchema>;
export type InfraConfig = z.infer<typeof infraConfigSchema>;

/** The values shared with the cdk8s side, taken from the site file. */
export interface SharedClusterSettings {
  /** Cluster name: stack name, VM name prefix, Proxmox tag. */
  readonly clusterName: string;
  /** Base DNS domain: node FQDNs and the DNS search domain. */
  readonly domain: string;
}

export function sharedFromSite(s: Site): SharedClusterSettings {
  return { clusterName: s.cluster.name, domain: s.cluster.domain };
}

/** The infra settings the site file decides, as overrides of `infraDefaults` (validated by `loadInfraConfig`). */
export function infraOverridesFromSite(s: Site): Record<string, unknown> {
  const net = s.network;
  return {
    image: { datastoreId: s.proxmox.imageDatastore },
    cluster: {
      proxmoxNode: s.proxmox.node,
      apiUser: s.proxmox.apiUser,
      vmIdBase: s.nodes.vmIdBase,
      agents: s.nodes.agents,
      serverSize: s.nodes.serverSize,
      agentSize: s.nodes.agentSize,
      vmDatastoreId: s.proxmox.vmDatastore,
      bridge: s.proxmox.bridge,
      ...(s.proxmox.vlanId === undefined ? {} : { vlanId: s.proxmox.vlanId }),
      network:
        net.vms.mode === 'dhcp'
          ? { mode: 'dhcp' }
          : {
            mode: 'static',
            firstAddress: net.vms.firstAddress,
            lastAddress: net.vms.lastAddress,
            // One source: the VMs' prefix is the node network's.
            prefixLength: prefixLength(net.nodeCidr),
            gateway: net.gateway,
            dnsServers: net.dnsServers,
          },
      sshAuthorizedKeys: s.ssh.authorizedKeys,
      adminUser: s.ssh.adminUser,
    },
    bootstrap: { snippetsDatastoreId: s.proxmox.snippetsDatastore },
    proxmox: {
      insecure: s.proxmox.insecureTls,
      sshAgent: s.proxmox.sshAgent,
      sshUsername: s.proxmox.sshUser,
      sshNodes: s.proxmox.sshAddress ? [{ name: s.proxmox.node, address: s.proxmox.sshAddress }] : [],
    },
    ...(s.terraformState.backend === 's3' ? { state: s.terraformState } : {}),
  };
}

/** The K3s install script at the pinned release tag (`+` is URL-encoded in the ref). */
export function k3sInstallScriptUrl(version: string): string {
  return `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(version)}/install.sh`;
}

/** The defaults of what the site file does not decide (the site decides node, network, datastores, keys, …). */
export interface InfraDefaults {
  readonly image: Omit<ImageConfig, 'datastoreId'>;
  readonly cluster: Pick<ClusterConfig, 'servers' | 'cpuType' | 'tags'>;
  readonly bootstrap: Omit<BootstrapConfig, 'snippetsDatastoreId'>;
  readonly proxmox: Pick<ProxmoxConfig, 'minTls'>;
  readonly state: StateConfig;
}

/**
 * Defaults of everything the site file does not carry. The rest (Proxmox node, datastores, bridge, VM
 * ids, sizes and addresses, SSH keys, state backend) comes from `site.yaml` through
 * `infraOverridesFromSite`; without it the config is incomplete and `loadInfraConfig` says which field.
 */
export const infraDefaults: InfraDefaults = {
  image: { ...clusterImage },
  cluster: {
    servers: 1,
    cpuType: 'x86-64-v2-AES',
    tags: ['k3s'],
  },
  bootstrap: {
    k3sVersion,
    installScriptUrl: k3sInstallScriptUrl(k3sVersion),
    disable: [],
  },
  proxmox: {
    minTls: '1.3',
  },
  state: { backend: 'local', path: '../../../terraform.cluster.tfstate' },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep merge of overrides into defaults. Arrays are replaced. A union member is replaced, not merged, when
 * its discriminator (`mode`, `backend`) changes, so switching to DHCP does not inherit static fields.
 */
export function mergeInfraOverrides(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  for (const d of ['mode', 'backend']) {
    if (d in override && base[d] !== override[d]) return override;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = mergeInfraOverrides(base[k], v);
  return out;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** `n` → dotted quad. */
export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** `ip + offset`. */
export function addToIp(ip: string, offset: number): string {
  return numberToIp(ipToNumber(ip) + offset);
}

function sameSubnet(a: string, b: string, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(ipToNumber(a) / size) === Math.floor(ipToNumber(b) / size);
}

/** Checks that span fields (the zod schema checks each field alone). Returns `path: message` lines. */
function crossFieldIssues(c: InfraConfig): string[] {
  const issues: string[] = [];
  const nodes = c.cluster.servers + c.cluster.agents;
  const net = c.cluster.network;
  if (net.mode === 'static') {
    const first = ipToNumber(net.firstAddress);
    const last = ipToNumber(net.lastAddress);
    if (last < first) {
      issues.push(`cluster.network.lastAddress: ${net.lastAddress} is before cluster.network.firstAddress ${net.firstAddress}`);
    } else if (nodes > last - first + 1) {
      issues.push(
        `cluster.agents: ${c.cluster.agents} agents + ${c.cluster.servers} server need ${nodes} addresses, but the range ` +
          `cluster.network.firstAddress..lastAddress (${net.firstAddress}..${net.lastAddress}) holds ${last - first + 1}`,
      );
    }
    for (const field of ['lastAddress', 'gateway'] as const) {
      if (!sameSubnet(net.firstAddress, net[field], net.prefixLength)) {
        issues.push(`cluster.network.${field}: ${net[field]} is outside ${net.firstAddress}/${net.prefixLength}`);
      }
    }
  }
  if (c.cluster.vmIdBase + c.cluster.agents > 999_999_999) {
    issues.push(`cluster.vmIdBase: ${c.cluster.vmIdBase} + ${c.cluster.agents} agents exceeds the largest Proxmox VM id`);
  }
  return issues;
}

/**
 * The infra config: defaults with `overrides` merged in (deeply), validated strictly.
 * Throws an Error whose lines name every invalid field (`infra config: cluster.servers: …`).
 */
export function loadInfraConfig(overrides: unknown = {}): InfraConfig {
  if (!isPlainObject(overrides)) throw new Error('infra config: <root>: must be an object');
  const result = infraConfigSchema.safeParse(mergeInfraOverrides(infraDefaults, overrides));
  if (!result.success) {
    throw new Error(
      result.error.issues
        .map((i) => {
          const path = i.path.map(String).join('.') || '<root>';
          const keys = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
          return `infra config: ${path}: ${i.message}${keys}`;
        })
        .join('\n'),
    );
  }
  const issues = crossFieldIssues(result.data);
  if (issues.length > 0) throw new Error(issues.map((i) => `infra config: ${i}`).join('\n'));
  return result.data;
}
