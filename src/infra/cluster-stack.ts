import { Fn, LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { renderCloudConfig } from './cloud-init';
import { addToIp, InfraConfig, SharedClusterSettings } from './config';
import { DownloadFile, ProxmoxProvider, VirtualEnvironmentFile, VirtualEnvironmentVm } from './proxmox';

/** The only Proxmox user allowed to set `file_mode` on an uploaded file. */
export const ROOT_PAM = 'root@pam';
/** Mode of the cloud-init snippets when the API user may set one: they hold the K3s token. */
export const SNIPPET_FILE_MODE = '0600';

/** What to run once the nodes are Ready (the Terraform `next_step` output; docs/bootstrap.md). */
export const BOOTSTRAP_COMMAND = 'npx projen bootstrap';

/** Props of the one stack class: the validated infra config plus the values shared with the platform config. */
export interface ClusterStackProps {
  /** Validated infra config (`loadInfraConfig`). */
  readonly config: InfraConfig;
  /** Cluster name and domain, from the site file. */
  readonly shared: SharedClusterSettings;
}

/** One VM of the cluster, as planned from the config before any resource exists. */
export interface PlannedNode {
  /** `server` or `agent-<n>` (n from 1): the stable key of the node. */
  readonly key: string;
  readonly role: 'server' | 'agent';
  /** VM and host name: `<cluster>-<key>`. */
  readonly hostname: string;
  /** Proxmox VM id: `vmIdBase` (server), `vmIdBase + n` (agent n). */
  readonly vmId: number;
  /** Static address in CIDR form, or `dhcp`. */
  readonly address: string;
  /** Static address without prefix (undefined with DHCP). */
  readonly ip?: string;
}

/**
 * The node plan. Everything about a node (construct id, VM id, address, name) is a function of its key
 * alone, so going from 2 to 3 agents adds `agent-3` and leaves `server`, `agent-1`, `agent-2` untouched.
 */
export function planNodes(config: InfraConfig, shared: SharedClusterSettings): PlannedNode[] {
  const { cluster } = config;
  const net = cluster.network;
  const node = (key: string, role: 'server' | 'agent', offset: number): PlannedNode => {
    const base = { key, role, hostname: `${shared.clusterName}-${key}`, vmId: cluster.vmIdBase + offset };
    if (net.mode === 'dhcp') return { ...base, address: 'dhcp' };
    const ip = addToIp(net.firstAddress, offset);
    return { ...base, address: `${ip}/${net.prefixLength}`, ip };
  };
  const nodes = [node('server', 'server', 0)];
  for (let n = 1; n <= cluster.agents; n++) nodes.push(node(`agent-${n}`, 'agent', n));
  return nodes;
}

/**
 * Proxmox VMs running K3s: one cloud image download, one cloud-init snippet and one VM per node, the
 * provider block (with `ssh`, which snippet upload needs), sensitive variables for every secret, the
 * state backend (relative local path or S3-compatible) and outputs to reach the cluster.
 */
export class ClusterStack extends TerraformStack {
  /** The planned nodes, in order (server first). */
  public readonly nodes: PlannedNode[];

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id);
    const { config, shared } = props;
    const { cluster, bootstrap, image, proxmox, state } = config;

    // State never lives in the cluster it describes. CDKTF's implicit local backend would write this
    // machine's absolute path into the JSON; an explicit relative path keeps the output portable.
    if (state.backend === 'local') {
      new LocalBackend(this, { path: state.path });
    } else {
      new S3Backend(this, {
        bucket: state.bucket,
        key: state.key,
        region: state.region,
        endpoints: { s3: state.endpoint },
        usePathStyle: state.usePathStyle,
        // S3-compatible stores have no AWS account, IMDS or STS to check against.
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipS3Checksum: true,
      });
    }

    // --- Variables: the endpoint is plain; every secret is sensitive and has no default. -----------------
    const endpoint = new TerraformVariable(this, 'proxmox_endpoint', {
      type: 'string',
      description: 'Proxmox VE API endpoint, e.g. https://pve.lan:8006/ (without /api2/json).',
      nullable: false,
    });
    const apiToken = new TerraformVariable(this, 'proxmox_api_token', {
      type: 'string',
      description: 'Proxmox API token "user@realm!tokenid=secret" (set TF_VAR_proxmox_api_token; never commit it).',
      sensitive: true,
      nullable: false,
    });
    const k3sToken = new TerraformVariable(this, 'k3s_token', {
      type: 'string',
      description: 'K3s cluster join token shared by server and agents (e.g. `openssl rand -hex 32`; set TF_VAR_k3s_token).',
      sensitive: true,
      nullable: false,
      validation: [
        {
          condition: '${length(var.k3s_token) >= 32 && can(regex("^[A-Za-z0-9]+$", var.k3s_token))}',
          errorMessage: 'k3s_token must be at least 32 alphanumeric characters (openssl rand -hex 32).',
        },
      ],
    });

    new ProxmoxProvider(this, 'proxmox', {
      endpoint: endpoint.stringValue,
      apiToken: apiToken.stringValue,
      insecure: proxmox.insecure,
      minTls: proxmox.minTls,
      ssh: {
        // Snippet upload goes over SSH; with an API token the PAM user must be named. Keys come from the
        // SSH agent or PROXMOX_VE_SSH_PRIVATE_KEY in the environment, never from this file.
        agent: proxmox.sshAgent,
        username: proxmox.sshUsername,
        node: proxmox.sshNodes.length > 0 ? proxmox.sshNodes.map((n) => ({ ...n })) : undefined,
      },
    });

    // --- The cloud image, downloaded by the Proxmox node itself and verified by checksum. --------------
    const cloudImage = new DownloadFile(this, 'cloud_image', {
      nodeName: cluster.proxmoxNode,
      contentType: 'import',
      datastoreId: image.datastoreId,
      url: image.url,
      fileName: image.fileName,
      checksum: image.checksum,
      checksumAlgorithm: image.checksumAlgorithm,
      // A pinned, dated build: never replace it because the URL's size changed.
      overwrite: false,
    });

    this.nodes = planNodes(config, shared);
    const server = this.nodes[0];
    // Agents join the server by its static address, or by its DNS name with DHCP.
    const serverAddress = server.ip ?? `${server.hostname}.${shared.domain}`;
    const serverUrl = `https://${serverAddress}:6443`;
    const tokenExpression = Fn.jsonencode(k3sToken.stringValue);
    const tags = [...new Set([...cluster.tags, shared.clusterName])].sort();
    const net = cluster.network;

    const vms: Record<string, VirtualEnvironmentVm> = {};
    for (const node of this.nodes) {
      // Construct ids derive from the node key only, so resource addresses are stable as agents are added.
      const nodeId = node.key.replace(/-/g, '_');
      const size = node.role === 'server' ? cluster.serverSize : cluster.agentSize;
      const userData = new VirtualEnvironmentFile(this, `cloud_init_${nodeId}`, {
        contentType: 'snippets',
        datastoreId: bootstrap.snippetsDatastoreId,
        nodeName: cluster.proxmoxNode,
        // The snippet holds the K3s token. Only root@pam may set a file mode (bpg/proxmox docs,
        // resources/virtual_environment_file.md @ v0.111.1: "only allowed for root@pam"); any other API
        // user would fail the apply, so there the snippets directory itself is made root-only
        // (docs/proxmox.md, "Prepare Proxmox").
        fileMode: cluster.apiUser === ROOT_PAM ? SNIPPET_FILE_MODE : undefined,
        sourceRaw: {
          fileName: `${node.hostname}.cloud-config.yaml`,
          data: renderCloudConfig({
            role: node.role,
            hostname: node.hostname,
            domain: shared.domain,
            adminUser: cluster.adminUser,
            sshAuthorizedKeys: cluster.sshAuthorizedKeys,
            k3sVersion: bootstrap.k3sVersion,
            installScriptUrl: bootstrap.installScriptUrl,
            tokenExpression,
            serverUrl: node.role === 'agent' ? serverUrl : undefined,
            tlsSans: node.role === 'server' ? [...(server.ip ? [server.ip] : []), `${server.hostname}.${shared.domain}`] : undefined,
            disable: node.role === 'server' ? bootstrap.disable : undefined,
          }),
        },
      });

      vms[node.key] = new VirtualEnvironmentVm(this, nodeId, {
        nodeName: cluster.proxmoxNode,
        vmId: node.vmId,
        name: node.hostname,
        description: `K3s ${node.role} of cluster ${shared.clusterName}; managed by Terraform (src/infra).`,
        tags: [...tags, `k3s-${node.role}`].sort(),
        onBoot: true,
        started: true,
        // cloud-init installs and starts qemu-guest-agent; the provider reads the IPs through it.
        agent: { enabled: true, trim: true, timeout: '15m', waitForIp: { ipv4: true } },
        cpu: { cores: size.cores, sockets: 1, type: cluster.cpuType },
        // floating = dedicated enables ballooning (the docs' recommendation).
        memory: { dedicated: size.memoryMiB, floating: size.memoryMiB },
        scsiHardware: 'virtio-scsi-single',
        disk: [
          {
            interface: 'scsi0',
            datastoreId: cluster.vmDatastoreId,
            importFrom: cloudImage.id,
            size: size.diskGiB,
            discard: 'on',
            iothread: true,
            ssd: true,
          },
        ],
        networkDevice: [{ bridge: cluster.bridge, model: 'virtio', vlanId: cluster.vlanId }],
        operatingSystem: { type: 'l26' },
        // Cloud images log to the serial console.
        serialDevice: [{ device: 'socket' }],
        initialization: {
          datastoreId: cluster.vmDatastoreId,
          dns: net.mode === 'static' ? { domain: shared.domain, servers: net.dnsServers } : { domain: shared.domain },
          ipConfig: [{ ipv4: net.mode === 'static' ? { address: node.address, gateway: net.gateway } : { address: 'dhcp' } }],
          userDataFileId: userData.id,
        },
        // Agents start after the server is up, so they find it when they boot.
        startup: { order: node.role === 'server' ? 1 : 2, upDelay: node.role === 'server' ? 30 : 0 },
        dependsOn: node.role === 'agent' ? [vms.server] : undefined,
      });
    }

    // --- Outputs: how to reach the cluster. --------------------------------------------------------------
    new TerraformOutput(this, 'node_ips', {
      description: 'IPv4 address per node (with DHCP: as reported by the guest agent, per interface).',
      value: Object.fromEntries(
        this.nodes.map((n) => [n.hostname, n.ip ?? vms[n.key].ipv4Addresses]),
      ),
    });
    new TerraformOutput(this, 'k3s_api_endpoint', {
      description: 'The Kubernetes API server of the cluster.',
      value: serverUrl,
    });
    new TerraformOutput(this, 'kubeconfig_command', {
      description: 'Fetches the admin kubeconfig from the server (then: export KUBECONFIG=$PWD/kubeconfig).',
      value:
        `ssh ${cluster.adminUser}@${serverAddress} sudo cat /etc/rancher/k3s/k3s.yaml ` +
        `| sed 's#https://127.0.0.1:6443#${serverUrl}#' > kubeconfig && chmod 600 kubeconfig`,
    });
    new TerraformOutput(this, 'next_step', {
      description: 'After the nodes are Ready: the one manual GitOps step.',
      value: `With KUBECONFIG set and the nodes Ready: ${BOOTSTRAP_COMMAND} (installs ArgoCD from dist/bootstrap/argocd-values.yaml, then applies the AppProject and the root Application; docs/bootstrap.md).`,
    });
  }
}
