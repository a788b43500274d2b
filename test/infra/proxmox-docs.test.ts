import { loadDocTrees, parseArgumentTree, undocumentedArguments } from './proxmox-docs';
import { synthCluster } from './support';

const trees = loadDocTrees();

/** Variants that together exercise every branch of the stack (static/DHCP, VLAN, SSH nodes, disabled components). */
const variants: Record<string, Record<string, any>> = {
  'static defaults': {},
  'dhcp': { cluster: { network: { mode: 'dhcp' } } },
  'vlan + ssh nodes + disable': {
    cluster: { vlanId: 30, agents: 3 },
    proxmox: { sshNodes: [{ name: 'pve', address: '192.168.1.2', port: 22 }] },
    bootstrap: { disable: ['traefik', 'servicelb'] },
  },
};

describe('every synthesized proxmox argument is documented in vendor/proxmox-provider (bpg/proxmox docs)', () => {
  test('the docs parse into argument trees, nested blocks included', () => {
    const vm = trees['resource.proxmox_virtual_environment_vm'];
    expect(Object.keys(vm.agent.wait_for_ip).sort()).toEqual(['disabled', 'ipv4', 'ipv6']);
    expect(Object.keys(vm.initialization.ip_config.ipv4).sort()).toEqual(['address', 'gateway']);
    expect(Object.keys(trees['provider.proxmox'].ssh.node).sort()).toEqual(['address', 'name', 'port']);
    expect(Object.keys(trees['resource.proxmox_virtual_environment_file'].source_raw).sort()).toEqual(['data', 'file_name', 'resize']);
    // Read-only attributes of the tfplugindocs page are not arguments.
    expect(trees['resource.proxmox_download_file']).not.toHaveProperty('size');
    expect(trees['resource.proxmox_download_file']).toHaveProperty('checksum_algorithm');
  });

  test.each(Object.keys(variants))('%s', (name) => {
    const { json } = synthCluster(variants[name]);
    expect(Object.keys(json.resource).sort()).toEqual(['proxmox_download_file', 'proxmox_virtual_environment_file', 'proxmox_virtual_environment_vm']);
    expect(undocumentedArguments(json, trees)).toEqual([]);
  });

  test('a planted misspelled nested argument is caught, with its path', () => {
    const { json } = synthCluster();
    json.resource.proxmox_virtual_environment_vm.agent_1.initialization.ip_config[0].ipv4.adress = '192.168.1.99/24';
    json.resource.proxmox_virtual_environment_vm.server.agent.wait_for_ip.ipv5 = true;
    json.provider.proxmox[0].ssh.agent_sock = '/tmp/agent';
    json.resource.proxmox_download_file.cloud_image.checksum_algo = 'sha512';
    expect(undocumentedArguments(json, trees).sort()).toEqual([
      'provider.proxmox.ssh.agent_sock',
      'resource.proxmox_download_file.cloud_image.checksum_algo',
      'resource.proxmox_virtual_environment_vm.agent_1.initialization.ip_config.ipv4.adress',
      'resource.proxmox_virtual_environment_vm.server.agent.wait_for_ip.ipv5',
    ]);
  });

  test('the deprecated long-name download resource has no binding, and an unknown type is reported', () => {
    const { json } = synthCluster();
    json.resource.proxmox_virtual_environment_download_file = { img: { url: 'https://example.com/x.qcow2' } };
    expect(undocumentedArguments(json, trees)).toEqual(['resource.proxmox_virtual_environment_download_file (no documentation page)']);
  });

  test('parser: nesting follows indentation; the section ends at the next heading', () => {
    const md = ['## Argument Reference', '- `a` - (Optional) A.', '    - `b` - (Optional) B.', '        - `c` - C.', '    - `d` - D.', '- `e` - E.', '## Attribute Reference', '- `f` - F.'].join('\n');
    expect(parseArgumentTree(md, /^## Argument Reference/)).toEqual({ a: { b: { c: {} }, d: {} }, e: {} });
  });
});
