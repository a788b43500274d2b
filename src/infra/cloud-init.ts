import { stringify } from 'yaml';

/**
 * cloud-init user-data for the K3s VMs. Cloud images lack `qemu-guest-agent` (and the provider waits for
 * it when `agent.enabled`), so every node installs and starts it first; then K3s is installed at the pinned
 * version from the release-tagged install script (which verifies the binary against the release's sha256).
 *
 * The cluster token is never a literal: the caller passes a Terraform expression (e.g. the token of
 * `jsonencode(var.k3s_token)`), which lands inside `/etc/rancher/k3s/config.yaml` (mode 0600), so it does
 * not appear in process arguments or cloud-init's command logs.
 */
export interface CloudInitProps {
  /** `server` or `agent`. */
  readonly role: 'server' | 'agent';
  /** Short host name (also the K3s node name). */
  readonly hostname: string;
  /** Base DNS domain: FQDN is `<hostname>.<domain>`. */
  readonly domain: string;
  /** Login user (sudo, key-only). */
  readonly adminUser: string;
  /** SSH public keys of `adminUser`. */
  readonly sshAuthorizedKeys: readonly string[];
  /** K3s release, e.g. `v1.30.14+k3s2`. */
  readonly k3sVersion: string;
  /** Release-pinned install script URL. */
  readonly installScriptUrl: string;
  /**
   * A Terraform expression that renders the token as a YAML-safe (JSON) string, e.g. the cdktf token of
   * `jsonencode(var.k3s_token)`. Inserted verbatim.
   */
  readonly tokenExpression: string;
  /** Agents: the server URL to join (`https://<server>:6443`). */
  readonly serverUrl?: string;
  /** Server: extra subject alternative names of the API certificate. */
  readonly tlsSans?: readonly string[];
  /** Server: packaged components to disable. */
  readonly disable?: readonly string[];
}

/** Renders `/etc/rancher/k3s/config.yaml`; the token line is raw so a Terraform expression fits in. */
function k3sConfigFile(p: CloudInitProps): string {
  const settings: Record<string, unknown> = {
    'node-name': p.hostname,
  };
  if (p.role === 'server') {
    settings['write-kubeconfig-mode'] = '0600';
    settings['tls-san'] = [...(p.tlsSans ?? [])];
    if (p.disable && p.disable.length > 0) settings.disable = [...p.disable];
  } else {
    if (!p.serverUrl) throw new Error(`cloud-init for agent ${p.hostname}: serverUrl is required`);
    settings.server = p.serverUrl;
  }
  return `token: ${p.tokenExpression}\n${stringify(settings)}`;
}

/** The `#cloud-config` document for one node. */
export function renderCloudConfig(p: CloudInitProps): string {
  if (p.sshAuthorizedKeys.length === 0) throw new Error(`cloud-init for ${p.hostname}: at least one SSH key is required`);
  const doc = {
    hostname: p.hostname,
    fqdn: `${p.hostname}.${p.domain}`,
    manage_etc_hosts: true,
    users: [
      {
        name: p.adminUser,
        groups: ['sudo'],
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        lock_passwd: true,
        ssh_authorized_keys: [...p.sshAuthorizedKeys],
      },
    ],
    disable_root: true,
    ssh_pwauth: false,
    package_update: true,
    package_upgrade: true,
    packages: ['qemu-guest-agent', 'curl', 'ca-certificates'],
    write_files: [
      {
        path: '/etc/rancher/k3s/config.yaml',
        owner: 'root:root',
        permissions: '0600',
        content: k3sConfigFile(p),
      },
    ],
    runcmd: [
      // The provider waits for the guest agent; start it before the (slow) K3s install.
      ['systemctl', 'enable', '--now', 'qemu-guest-agent'],
      ['curl', '-sfL', '--retry', '5', '-o', '/usr/local/bin/k3s-install.sh', p.installScriptUrl],
      ['env', `INSTALL_K3S_VERSION=${p.k3sVersion}`, `INSTALL_K3S_EXEC=${p.role}`, 'sh', '/usr/local/bin/k3s-install.sh'],
    ],
  };
  const text = `#cloud-config\n${stringify(doc, { blockQuote: 'literal', lineWidth: 0 })}`;
  // Terraform interpolates `${…}` and `%{…}` in this string: only the token expression may use them.
  const stray = text.replace(p.tokenExpression, '').match(/\$\{|%\{/);
  if (stray) throw new Error(`cloud-init for ${p.hostname}: unexpected Terraform template sequence "${stray[0]}" in the rendered document`);
  return text;
}
