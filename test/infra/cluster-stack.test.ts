// Brings cdktf's jest matcher types (toHaveResourceWithProperties, …) into scope.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { synthCluster, testSshKey } from './support';
import { kubernetesMinor, k3sVersion, clusterImage } from '../../src/config/versions';
import { DownloadFile, ProxmoxProvider, VirtualEnvironmentFile, VirtualEnvironmentVm } from '../../src/infra/proxmox';

Testing.setupJest();

describe('ClusterStack (static addresses, defaults: 1 server + 2 agents)', () => {
  const { synth, json } = synthCluster();
  const vms = json.resource.proxmox_virtual_environment_vm;
  const snippets = json.resource.proxmox_virtual_environment_file;

  test('snapshot of the stack JSON', () => {
    expect(synth).toMatchSnapshot();
  });

  test('pins the provider through the binding metadata', () => {
    expect(json.terraform.required_providers).toEqual({ proxmox: { source: 'bpg/proxmox', version: '0.111.1' } });
  });

  test('one server and two agents with stable names, ids and addresses', () => {
    expect(Object.keys(vms).sort()).toEqual(['agent_1', 'agent_2', 'server']);
    expect(synth).toHaveResourceWithProperties(VirtualEnvironmentVm, {
      name: 'homelab-server',
      vm_id: 9100,
      node_name: 'pve',
      cpu: { cores: 2, sockets: 1, type: 'x86-64-v2-AES' },
      memory: { dedicated: 4096, floating: 4096 },
    });
    expect(synth).toHaveResourceWithProperties(VirtualEnvironmentVm, {
      name: 'homelab-agent-2',
      vm_id: 9102,
      cpu: { cores: 4, sockets: 1, type: 'x86-64-v2-AES' },
      memory: { dedicated: 8192, floating: 8192 },
    });
    // The matcher bites: the server does not have the agent's id.
    expect(synth).not.toHaveResourceWithProperties(VirtualEnvironmentVm, { name: 'homelab-server', vm_id: 9101 });
    expect(vms.server.initialization.ip_config).toEqual([{ ipv4: { address: '192.168.1.50/24', gateway: '192.168.1.1' } }]);
    expect(vms.agent_2.initialization.ip_config).toEqual([{ ipv4: { address: '192.168.1.52/24', gateway: '192.168.1.1' } }]);
    expect(vms.agent_1.depends_on).toEqual(['proxmox_virtual_environment_vm.server']);
  });

  test('disks import the checksum-verified cloud image at the configured size', () => {
    expect(synth).toHaveResourceWithProperties(DownloadFile, {
      content_type: 'import',
      url: clusterImage.url,
      checksum: clusterImage.checksum,
      checksum_algorithm: 'sha512',
      file_name: clusterImage.fileName,
    });
    expect(clusterImage.checksum).toMatch(/^[0-9a-f]{128}$/);
    expect(vms.server.disk).toEqual([
      expect.objectContaining({ interface: 'scsi0', import_from: '${proxmox_download_file.cloud_image.id}', size: 32, datastore_id: 'local-lvm' }),
    ]);
    expect(vms.agent_1.disk[0].size).toBe(64);
  });

  test('guest agent enabled (cloud-init starts it) and user data from the per-node snippet', () => {
    for (const [key, vm] of Object.entries<any>(vms)) {
      expect(vm.agent).toMatchObject({ enabled: true, wait_for_ip: { ipv4: true } });
      expect(vm.initialization.user_data_file_id).toBe(`\${proxmox_virtual_environment_file.cloud_init_${key}.id}`);
      expect(vm.initialization.user_account).toBeUndefined();
    }
  });

  test('cloud-init installs qemu-guest-agent and the pinned K3s; agents join the server with the sensitive token', () => {
    const server = snippets.cloud_init_server.source_raw.data as string;
    const agent = snippets.cloud_init_agent_1.source_raw.data as string;
    expect(snippets.cloud_init_server).toMatchObject({ content_type: 'snippets', datastore_id: 'local', node_name: 'pve' });
    for (const doc of [server, agent]) {
      expect(doc.startsWith('#cloud-config\n')).toBe(true);
      expect(doc).toContain('  - qemu-guest-agent\n');
      expect(doc).toContain('    - enable\n    - --now\n    - qemu-guest-agent\n');
      expect(doc).toContain(`INSTALL_K3S_VERSION=${k3sVersion}`);
      expect(doc).toContain(`https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(k3sVersion)}/install.sh`);
      expect(doc).toContain('token: ${jsonencode(var.k3s_token)}\n');
      expect(doc).toContain(`      - ${testSshKey}\n`);
      expect(doc).toContain('ssh_pwauth: false');
    }
    expect(server).toContain('INSTALL_K3S_EXEC=server');
    expect(server).toContain('tls-san:\n        - 192.168.1.50\n        - homelab-server.homelab.example.com\n');
    expect(agent).toContain('INSTALL_K3S_EXEC=agent');
    expect(agent).toContain('server: https://192.168.1.50:6443\n');
    expect(agent).toContain('hostname: homelab-agent-1\n');
  });

  test('secrets are sensitive variables without defaults', () => {
    for (const name of ['k3s_token', 'proxmox_api_token']) {
      expect(json.variable[name]).toMatchObject({ sensitive: true, type: 'string', nullable: false });
      expect(json.variable[name].default).toBeUndefined();
    }
    expect(json.variable.proxmox_endpoint.sensitive).toBeUndefined();
    expect(synth).toHaveProviderWithProperties(ProxmoxProvider, {
      api_token: '${var.proxmox_api_token}',
      endpoint: '${var.proxmox_endpoint}',
      ssh: { agent: true, username: 'terraform' },
    });
  });

  test('local state at a relative path; outputs for IPs, API endpoint and kubeconfig', () => {
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.cluster.tfstate' } });
    expect(json.output.node_ips.value).toEqual({ 'homelab-server': '192.168.1.50', 'homelab-agent-1': '192.168.1.51', 'homelab-agent-2': '192.168.1.52' });
    expect(json.output.k3s_api_endpoint.value).toBe('https://192.168.1.50:6443');
    expect(json.output.kubeconfig_command.value).toContain('ssh ops@192.168.1.50 sudo cat /etc/rancher/k3s/k3s.yaml');
  });

  test('tags are sorted (Proxmox sorts them and would report a diff forever)', () => {
    for (const vm of Object.values<any>(vms)) expect(vm.tags).toEqual([...vm.tags].sort());
  });
});

describe('ClusterStack variants', () => {
  test('DHCP: agents join the server by DNS name; IPs come from the guest agent', () => {
    const { synth, json } = synthCluster({ cluster: { network: { mode: 'dhcp' } } });
    expect(synth).toMatchSnapshot();
    const vms = json.resource.proxmox_virtual_environment_vm;
    expect(vms.server.initialization.ip_config).toEqual([{ ipv4: { address: 'dhcp' } }]);
    expect(vms.server.initialization.dns).toEqual({ domain: 'homelab.example.com' });
    expect(json.resource.proxmox_virtual_environment_file.cloud_init_agent_2.source_raw.data).toContain(
      'server: https://homelab-server.homelab.example.com:6443\n',
    );
    expect(json.output.node_ips.value['homelab-agent-1']).toBe('${proxmox_virtual_environment_vm.agent_1.ipv4_addresses}');
  });

  test('agent count, sizes, VLAN and disabled components come from config', () => {
    const { json, synth } = synthCluster({
      cluster: { agents: 4, agentSize: { cores: 8, memoryMiB: 16384, diskGiB: 128 }, vlanId: 30 },
      bootstrap: { disable: ['traefik'] },
    });
    const vms = json.resource.proxmox_virtual_environment_vm;
    expect(Object.keys(vms)).toHaveLength(5);
    expect(synth).toHaveResourceWithProperties(VirtualEnvironmentVm, { name: 'homelab-agent-4', vm_id: 9104 });
    expect(vms.agent_4.cpu.cores).toBe(8);
    expect(vms.agent_4.memory.dedicated).toBe(16384);
    expect(vms.agent_4.disk[0].size).toBe(128);
    expect(vms.agent_4.network_device).toEqual([{ bridge: 'vmbr0', model: 'virtio', vlan_id: 30 }]);
    expect(json.resource.proxmox_virtual_environment_file.cloud_init_server.source_raw.data).toContain('disable:\n        - traefik\n');
    expect(Object.keys(json.resource.proxmox_virtual_environment_file)).toHaveLength(5);
  });

  test('zero agents: a single-node cluster', () => {
    const { json } = synthCluster({ cluster: { agents: 0 } });
    expect(Object.keys(json.resource.proxmox_virtual_environment_vm)).toEqual(['server']);
  });

  test('S3-compatible state backend: endpoint and path style, no credentials in the JSON', () => {
    const { json } = synthCluster({
      state: { backend: 's3', bucket: 'tfstate', key: 'homelab/cluster.tfstate', region: 'garage', endpoint: 'https://s3.nas.lan:3900', usePathStyle: true },
    });
    expect(json.terraform.backend.s3).toMatchObject({
      bucket: 'tfstate',
      key: 'homelab/cluster.tfstate',
      endpoints: { s3: 'https://s3.nas.lan:3900' },
      use_path_style: true,
      skip_credentials_validation: true,
    });
    expect(json.terraform.backend.s3.access_key).toBeUndefined();
    expect(json.terraform.backend.s3.secret_key).toBeUndefined();
  });

  test('explicit SSH node addresses and agent choice land in the provider ssh block', () => {
    const { json } = synthCluster({ proxmox: { sshAgent: false, sshNodes: [{ name: 'pve', address: '192.168.1.2', port: 2222 }] } });
    expect(json.provider.proxmox[0].ssh.node).toEqual([{ name: 'pve', address: '192.168.1.2', port: 2222 }]);
    expect(json.provider.proxmox[0].ssh.agent).toBe(false);
    expect(json.provider.proxmox[0].ssh.private_key).toBeUndefined();
  });
});

describe('adding an agent', () => {
  test('2 → 3 agents adds agent_3 and leaves the existing VMs, snippets and their arguments unchanged', () => {
    const two = synthCluster({ cluster: { agents: 2 } }).json;
    const three = synthCluster({ cluster: { agents: 3 } }).json;
    const vms2 = two.resource.proxmox_virtual_environment_vm;
    const vms3 = three.resource.proxmox_virtual_environment_vm;
    expect(Object.keys(vms3).sort()).toEqual(['agent_1', 'agent_2', 'agent_3', 'server']);
    for (const key of Object.keys(vms2)) {
      expect(vms3[key]).toEqual(vms2[key]);
      expect(three.resource.proxmox_virtual_environment_file[`cloud_init_${key}`]).toEqual(two.resource.proxmox_virtual_environment_file[`cloud_init_${key}`]);
    }
    expect(three.resource.proxmox_download_file).toEqual(two.resource.proxmox_download_file);
    expect(vms3.agent_3).toMatchObject({ vm_id: 9103, name: 'homelab-agent-3' });
    expect(vms3.agent_3.initialization.ip_config[0].ipv4.address).toBe('192.168.1.53/24');
  });
});

describe('bindings', () => {
  test('camelCase props become snake_case arguments, nested blocks included (Testing.synthScope)', () => {
    const synth = Testing.synthScope((scope) => {
      new VirtualEnvironmentVm(scope, 'vm', {
        nodeName: 'pve',
        agent: { enabled: true, waitForIp: { ipv4: true } },
        initialization: { ipConfig: [{ ipv4: { address: 'dhcp' } }], userDataFileId: 'local:snippets/x.yaml' },
        networkDevice: [{ vlanId: 7, macAddress: 'BC:24:11:00:00:01' }],
        stopOnDestroy: true,
      });
      new VirtualEnvironmentFile(scope, 'file', {
        nodeName: 'pve',
        datastoreId: 'local',
        contentType: 'snippets',
        sourceRaw: { fileName: 'x.yaml', data: '#cloud-config\n' },
      });
    });
    expect(synth).toHaveResourceWithProperties(VirtualEnvironmentVm, {
      node_name: 'pve',
      agent: { enabled: true, wait_for_ip: { ipv4: true } },
      initialization: { ip_config: [{ ipv4: { address: 'dhcp' } }], user_data_file_id: 'local:snippets/x.yaml' },
      network_device: [{ vlan_id: 7, mac_address: 'BC:24:11:00:00:01' }],
      stop_on_destroy: true,
    });
    expect(synth).toHaveResourceWithProperties(VirtualEnvironmentFile, { source_raw: { file_name: 'x.yaml', data: '#cloud-config\n' } });
    expect(synth).not.toHaveResourceWithProperties(VirtualEnvironmentVm, { nodeName: 'other' });
  });

  test('a misspelled argument does not compile', () => {
    const build = () =>
      Testing.synthScope((scope) => {
        new VirtualEnvironmentVm(scope, 'vm', {
          nodeName: 'pve',
          // @ts-expect-error `waitForIP` is not an argument of agent (it is waitForIp): tsc rejects this line.
          agent: { enabled: true, waitForIP: { ipv4: true } },
        });
      });
    // At runtime (no type check) the key reaches the JSON, where the docs check below catches it.
    expect(JSON.parse(build()).resource.proxmox_virtual_environment_vm.vm.agent.wait_for_i_p).toEqual({ ipv4: true });
  });
});

test('the K3s release matches the Kubernetes minor the manifests are validated against', () => {
  expect(k3sVersion).toMatch(new RegExp(`^v${kubernetesMinor.replace('.', '\\.')}\\.\\d+\\+k3s\\d+$`));
});

describe('the K3s token on the Proxmox host', () => {
  // bpg/proxmox resources/virtual_environment_file.md @ v0.111.1: `file_mode` "is also only allowed for
  // root@pam authenticated user". With the documented terraform@pve token the apply would fail, so the
  // mode is set only for root@pam; otherwise docs/proxmox.md makes the snippets directory root-only.
  const snippetsOf = (json: any) => Object.values<any>(json.resource.proxmox_virtual_environment_file);

  test('with a root@pam token every snippet (they hold the token) is written 0600', () => {
    const { json } = synthCluster({ cluster: { apiUser: 'root@pam' } });
    const snippets = snippetsOf(json);
    expect(snippets).toHaveLength(3);
    for (const s of snippets) {
      expect(s.source_raw.data).toContain('${jsonencode(var.k3s_token)}');
      expect(s.file_mode).toBe('0600');
    }
  });

  test('with the documented terraform@pve token no file_mode is sent (PVE would refuse it)', () => {
    const { json } = synthCluster();
    for (const s of snippetsOf(json)) expect(s).not.toHaveProperty('file_mode');
  });

  test('next_step names the bootstrap task, never `kubectl apply -f dist/bootstrap/`', () => {
    const { json } = synthCluster();
    expect(json.output.next_step.value).toContain('npx projen bootstrap');
    expect(json.output.next_step.value).not.toMatch(/kubectl apply -f dist\/bootstrap\/(\s|\)|$)/);
  });
});
