import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * The site file: everything that differs per installation, in one user-edited YAML file at the
 * repository root (`site.yaml`). Both apps read it: the cdk8s app (`src/config/platform.ts`,
 * `src/config/teams.ts`) and the CDKTF app (`src/infra/config.ts`); the workflow generator reads its
 * `llm` section (`.projenrc.ts`). Nothing else carries these values.
 *
 * Validation is strict: an unknown key is an error naming its path, and settings that must agree
 * with each other (a VM address and the node network the NetworkPolicies allow, say) fail with a
 * message naming both. Defaults are given here and repeated as comments in the shipped `site.yaml`.
 *
 * No secret belongs here: API keys and tokens are GitHub secrets, Terraform variables or SealedSecrets.
 */

/** The team ids the code routes by (triage failure types, alert rules, drift); their handles are per site. */
export const TEAM_IDS = ['platform', 'ml', 'security', 'model-owners'] as const;

/** The LLM providers the analysis commands support (`--provider`). */
export const LLM_PROVIDERS = ['gemini', 'openai', 'offline'] as const;

const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv4 = z.string().regex(ipv4Pattern, 'must be an IPv4 address such as 192.168.1.50');
const cidr = z
  .string()
  .regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/([0-9]|[12][0-9]|3[0-2])$/, 'must be an IPv4 CIDR such as 192.168.1.0/24')
  .refine((c) => ipv4Pattern.test(c.split('/')[0]), 'must be an IPv4 CIDR such as 192.168.1.0/24')
  .superRefine((c, ctx) => {
    if (ipv4Pattern.test(c.split('/')[0]) && !isNetworkAddress(c)) {
      ctx.addIssue({ code: 'custom', message: `has host bits set: write the network address (${networkOf(c)})` });
    }
  });
const dnsLabel = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits, "-")');
const linuxUser = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name');
const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http:// or https:// URL');
const sshPublicKey = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+=*( [^\n]*)?$/,
    'must be an OpenSSH public key line (ssh-ed25519 AAAA… comment)',
  );
const nodeSize = z.strictObject({
  /** vCPU cores. */
  cores: z.number().int().min(1).max(64),
  /** Memory in MiB (K3s needs at least 1 GiB). */
  memoryMiB: z.number().int().min(1024).max(1_048_576),
  /** Boot disk in GiB. */
  diskGiB: z.number().int().min(8).max(16_384),
});

const team = z.strictObject({
  /** GitHub team mentioned in issues, `@org/team` (or a user, `@login`). */
  github: z.string().regex(/^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(\/[A-Za-z0-9_.-]+)?$/, 'must be a GitHub handle such as @acme/ml or @login'),
  /** Slack channel of the team's reports. */
  slack: z.string().regex(/^#[a-z0-9][a-z0-9_-]{0,79}$/, 'must be a Slack channel such as #ml-alerts'),
});

export const siteSchema = z.strictObject({
  /** The fork: ArgoCD syncs it, the runners register with it, the gateway dispatches to it. */
  github: z.strictObject({
    owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, 'must be a GitHub user or organisation name'),
    repo: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a GitHub repository name'),
    /** The branch ArgoCD follows. @default main */
    branch: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'must be a branch name').default('main'),
  }),
  cluster: z.strictObject({
    /** Cluster name: VM name prefix, Terraform stack name, labels. @default homelab */
    name: dnsLabel.default('homelab'),
    /** Base DNS domain: `<service>.<domain>`, node FQDNs, the VMs' DNS search domain. */
    domain: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, 'must be a DNS domain such as homelab.example.com'),
  }),
  network: z.strictObject({
    /** The LAN the VMs are on. NetworkPolicies allow the API server (host network) here. */
    nodeCidr: cidr,
    /** Default gateway of the VMs (static addressing). */
    gateway: ipv4,
    /** DNS servers of the VMs (static addressing). */
    dnsServers: z.array(ipv4).min(1, 'at least one DNS server is required'),
    /** K3s pod network (K3s default `--cluster-cidr`). @default 10.42.0.0/16 */
    podCidr: cidr.default('10.42.0.0/16'),
    /** VM addresses: static from a range (server first, agent n = firstAddress + n), or DHCP. */
    vms: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('dhcp') }),
        z.strictObject({ mode: z.literal('static'), firstAddress: ipv4, lastAddress: ipv4 }),
      ]),
  }),
  proxmox: z.strictObject({
    /** The Proxmox node the VMs run on. @default pve */
    node: z.string().min(1).default('pve'),
    /** The API user of the token (`TF_VAR_proxmox_api_token`); only `root@pam` may set file modes. @default terraform@pve */
    apiUser: z.string().regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+$/, 'must be user@realm such as terraform@pve').default('terraform@pve'),
    /** PAM user for SSH to the node (snippet upload). @default terraform */
    sshUser: linuxUser.default('terraform'),
    /** Sign in over SSH through the ssh-agent; false: PROXMOX_VE_SSH_PRIVATE_KEY. @default true */
    sshAgent: z.boolean().default(true),
    /** Explicit SSH address of the node, when the API reports the wrong interface. */
    sshAddress: z.string().min(1).optional(),
    /** Skip TLS verification of the API (self-signed certificate). @default false */
    insecureTls: z.boolean().default(false),
    /** Datastore of VM disks and cloud-init drives. @default local-lvm */
    vmDatastore: z.string().min(1).default('local-lvm'),
    /** Datastore the cloud image is downloaded to (content type Import). @default local */
    imageDatastore: z.string().min(1).default('local'),
    /** Datastore of the cloud-init snippets (content type Snippets). @default local */
    snippetsDatastore: z.string().min(1).default('local'),
    /** Linux bridge the VMs attach to. @default vmbr0 */
    bridge: z.string().min(1).default('vmbr0'),
    /** VLAN tag of the VMs' NIC. @default none */
    vlanId: z.number().int().min(1).max(4094).optional(),
  }).prefault({}),
  nodes: z.strictObject({
    /** K3s agents (the server is always one). @default 2 */
    agents: z.number().int().min(0).max(50).default(2),
    /** VM id of the server; agent n gets vmIdBase + n. @default 9100 */
    vmIdBase: z.number().int().min(100).max(999_999_000).default(9100),
    /** @default { cores: 2, memoryMiB: 4096, diskGiB: 32 } */
    serverSize: nodeSize.default({ cores: 2, memoryMiB: 4096, diskGiB: 32 }),
    /** @default { cores: 4, memoryMiB: 8192, diskGiB: 64 } */
    agentSize: nodeSize.default({ cores: 4, memoryMiB: 8192, diskGiB: 64 }),
  }).prefault({}),
  ssh: z.strictObject({
    /** Login user cloud-init creates on every VM (key-only, sudo). @default ops */
    adminUser: linuxUser.refine((u) => u !== 'root', 'must not be root').default('ops'),
    /** Public keys allowed to log in as adminUser. */
    authorizedKeys: z.array(sshPublicKey).min(1, 'at least one SSH public key is required (nobody could log in to the VMs)'),
  }),
  /** Where Terraform keeps state (never in the cluster it describes). @default { backend: local } */
  terraformState: z
    .discriminatedUnion('backend', [
      z.strictObject({ backend: z.literal('local') }),
      z.strictObject({
        backend: z.literal('s3'),
        bucket: z.string().min(1),
        key: z.string().min(1),
        region: z.string().min(1),
        endpoint: z.string().regex(/^https:\/\/\S+$/, 'must be an https:// URL'),
        usePathStyle: z.boolean().default(true),
      }),
    ])
    .default({ backend: 'local' }),
  /** Each team's GitHub handle and Slack channel (the ids are fixed: the code routes by them). */
  teams: z.strictObject(Object.fromEntries(TEAM_IDS.map((id) => [id, team])) as Record<(typeof TEAM_IDS)[number], typeof team>),
  /** The LLM the analysis workflows use. Keys are GitHub secrets (GEMINI_API_KEY, OPENAI_API_KEY), never here. */
  llm: z.strictObject({
    /** `gemini`, `openai` (any OpenAI-compatible endpoint, e.g. an on-prem Ollama/vLLM) or `offline`. @default gemini */
    provider: z.enum(LLM_PROVIDERS).default('gemini'),
    /** Model id. @default the provider's default (gemini: gemini-2.5-flash); required for openai */
    model: z.string().min(1).optional(),
    /** OpenAI-compatible base URL (…/v1); required for openai. */
    baseUrl: httpUrl.optional(),
  }).prefault({}),
});

/** The site file as written (before defaults). */
export type SiteInput = z.input<typeof siteSchema>;
/** The validated site, defaults applied. */
export type Site = z.infer<typeof siteSchema>;
export type TeamIdOfSite = (typeof TEAM_IDS)[number];

// --- IPv4 arithmetic for the cross-checks -------------------------------------------------------------

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** `[first, last]` address numbers of a CIDR. */
export function cidrRange(c: string): [number, number] {
  const [ip, bits] = c.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToNumber(ip) / size) * size;
  return [start, start + size - 1];
}

function isNetworkAddress(c: string): boolean {
  return cidrRange(c)[0] === ipToNumber(c.split('/')[0]);
}

function networkOf(c: string): string {
  return `${numberToIp(cidrRange(c)[0])}/${c.split('/')[1]}`;
}

export function cidrContains(c: string, ip: string): boolean {
  const [lo, hi] = cidrRange(c);
  const n = ipToNumber(ip);
  return n >= lo && n <= hi;
}

function cidrsOverlap(a: string, b: string): boolean {
  const [alo, ahi] = cidrRange(a);
  const [blo, bhi] = cidrRange(b);
  return alo <= bhi && blo <= ahi;
}

/** The prefix length of a CIDR (`192.168.1.0/24` → 24). */
export function prefixLength(c: string): number {
  return Number(c.split('/')[1]);
}

/**
 * Rules between settings. Each message names both settings (the NetworkPolicies use `network.nodeCidr`;
 * the VMs get `network.vms.*`; a disagreement would cut the controllers off from the API server).
 */
function crossChecks(s: Site): string[] {
  const issues: string[] = [];
  const net = s.network;
  const nodeNet = `network.nodeCidr ${net.nodeCidr} (the node network the NetworkPolicies allow the API server in)`;
  if (net.vms.mode === 'static') {
    for (const field of ['firstAddress', 'lastAddress'] as const) {
      if (!cidrContains(net.nodeCidr, net.vms[field])) issues.push(`network.vms.${field}: ${net.vms[field]} is outside ${nodeNet}`);
    }
    const first = ipToNumber(net.vms.firstAddress);
    const last = ipToNumber(net.vms.lastAddress);
    if (last < first) {
      issues.push(`network.vms.lastAddress: ${net.vms.lastAddress} is before network.vms.firstAddress ${net.vms.firstAddress}`);
    } else if (s.nodes.agents + 1 > last - first + 1) {
      issues.push(
        `nodes.agents: ${s.nodes.agents} agents + 1 server need ${s.nodes.agents + 1} addresses, but network.vms.firstAddress..lastAddress ` +
          `(${net.vms.firstAddress}..${net.vms.lastAddress}) holds ${last - first + 1}`,
      );
    }
    const [lo, hi] = cidrRange(net.nodeCidr);
    if (issues.length === 0 && (first === lo || last === hi)) {
      issues.push(`network.vms: ${net.vms.firstAddress}..${net.vms.lastAddress} includes the network or broadcast address of network.nodeCidr ${net.nodeCidr}`);
    }
  }
  if (!cidrContains(net.nodeCidr, net.gateway)) issues.push(`network.gateway: ${net.gateway} is outside ${nodeNet}`);
  if (cidrsOverlap(net.podCidr, net.nodeCidr)) {
    issues.push(`network.podCidr: ${net.podCidr} overlaps network.nodeCidr ${net.nodeCidr} (pods and nodes need separate networks)`);
  }
  if (s.llm.provider === 'openai') {
    if (!s.llm.baseUrl) issues.push('llm.baseUrl: required when llm.provider is openai (the OpenAI-compatible endpoint, e.g. http://192.168.1.20:11434/v1)');
    if (!s.llm.model) issues.push('llm.model: required when llm.provider is openai (the model the endpoint serves)');
    if (s.llm.baseUrl) {
      const { host, port, kind } = llmEndpointOf(s.llm.baseUrl);
      if (kind === 'dns' && port !== 443) {
        issues.push(
          `llm.baseUrl: ${host}:${port} is a DNS name outside the cluster, which the runners' egress NetworkPolicy cannot allow ` +
            '(it allows public HTTPS on 443, IP addresses and in-cluster Services): write its IP address, or an in-cluster Service as <service>.<namespace>.svc',
        );
      }
    }
  } else if (s.llm.baseUrl) {
    issues.push(`llm.baseUrl: only used with llm.provider openai (llm.provider is ${s.llm.provider})`);
  }
  return issues;
}

/** Formats zod issues as `<file>: <path>: <message>` lines; unknown keys are listed with their full path. */
function formatIssues(error: z.ZodError, label: string): string[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      return `${label}: ${i.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ')}: unknown key (not in the schema in src/config/site.ts)`;
    }
    return `${label}: ${path || '<root>'}: ${i.message}`;
  });
}

/**
 * An error about the site file. No stack frames: the message names the file and the setting, and synth
 * (which loads the config while importing modules) would otherwise bury it under a trace.
 */
export function siteError(message: string): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Error(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Validates a parsed site document. Throws one Error whose lines each name a setting
 * (`site.yaml: network.vms.firstAddress: … is outside network.nodeCidr …`).
 */
export function parseSite(doc: unknown, label = 'site.yaml'): Site {
  const result = siteSchema.safeParse(doc ?? {});
  if (!result.success) throw siteError(formatIssues(result.error, label).join('\n'));
  const issues = crossChecks(result.data);
  if (issues.length > 0) throw siteError(issues.map((i) => `${label}: ${i}`).join('\n'));
  return result.data;
}

/**
 * The repository (or package) root: the nearest ancestor holding package.json. This file is
 * `src/config/site.ts` in a checkout and `lib/src/config/site.js` when compiled (the images).
 */
function packageRoot(): string {
  for (let dir = __dirname, i = 0; i < 5; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return join(__dirname, '..', '..');
}
const repoRoot = packageRoot();

/** The site file to read: `MLOPS_SITE_FILE` if set (tests point it at a fixture), else `<repo>/site.yaml`. */
export function siteFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.MLOPS_SITE_FILE || join(repoRoot, 'site.yaml');
}

/** Reads and validates a site file; the error names the file. */
export function loadSiteFile(file: string = siteFilePath()): Site {
  const rel = relative(process.cwd(), file);
  const label = rel && !rel.startsWith('..') ? rel : file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw siteError(`${label}: cannot read the site file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); copy and edit site.yaml at the repository root, or set MLOPS_SITE_FILE`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw siteError(`${label}: not valid YAML: ${(e as Error).message}`);
  }
  return parseSite(doc, label);
}

let cached: { file: string; site: Site } | undefined;

/** The site of this checkout, read once per process (per file). */
export function site(): Site {
  const file = siteFilePath();
  if (!cached || cached.file !== file) cached = { file, site: loadSiteFile(file) };
  return cached.site;
}

/** Where the LLM endpoint is, as far as a NetworkPolicy can tell: an IP, an in-cluster Service or another DNS name. */
export interface LlmEndpoint {
  readonly host: string;
  readonly port: number;
  readonly kind: 'ip' | 'service' | 'dns';
  /** The Service's namespace (kind `service`). */
  readonly namespace?: string;
}

/** Classifies an `llm.baseUrl` (`http://10.0.0.5:11434/v1`, `http://ollama.llm.svc:11434/v1`, `https://api.example.com/v1`). */
export function llmEndpointOf(baseUrl: string): LlmEndpoint {
  const url = new URL(baseUrl);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const host = url.hostname;
  if (ipv4Pattern.test(host)) return { host, port, kind: 'ip' };
  const svc = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/.exec(host);
  if (svc) return { host, port, kind: 'service', namespace: svc[2] };
  return { host, port, kind: 'dns' };
}

/** `https://github.com/<owner>/<repo>` of the site. */
export function githubUrl(s: Site): string {
  return `https://github.com/${s.github.owner}/${s.github.repo}`;
}
