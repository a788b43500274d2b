import { TerraformMetaArguments, Testing } from 'cdktf';
import { loadDocTrees, undocumentedArguments } from './proxmox-docs';
import {
  DownloadFile,
  DownloadFileConfig,
  ProxmoxProvider,
  ProxmoxProviderConfig,
  VirtualEnvironmentFile,
  VirtualEnvironmentFileConfig,
  VirtualEnvironmentVm,
  VirtualEnvironmentVmConfig,
} from '../../src/infra/proxmox';

/**
 * Every prop of every hand-written binding, set at once: `Full<T>` makes each prop (nested ones included)
 * required, so tsc fails here when a binding gains a prop this test does not set. The synthesized names
 * must all be in the provider docs, so a prop whose snake_case form is not a real argument is caught.
 */
type Full<T> = T extends readonly (infer U)[] ? Full<U>[] : T extends object ? { [K in keyof T]-?: Full<T[K]> } : T;
type Args<T> = Full<Omit<T, keyof TerraformMetaArguments>>;

const provider: Full<ProxmoxProviderConfig> = {
  endpoint: 'https://pve:8006/',
  insecure: false,
  minTls: '1.3',
  apiToken: 't',
  authTicket: 't',
  csrfPreventionToken: 't',
  username: 'u@pam',
  password: 'p',
  ssh: {
    username: 'terraform',
    password: 'p',
    agent: true,
    agentSocket: '/run/agent',
    agentForwarding: false,
    privateKey: 'k',
    socks5Server: 'proxy:1080',
    socks5Username: 'u',
    socks5Password: 'p',
    nodeAddressSource: 'dns',
    node: [{ name: 'pve', address: '10.0.0.2', port: 22 }],
  },
  tmpDir: '/tmp',
  randomVmIds: false,
  randomVmIdStart: 10000,
  randomVmIdEnd: 99999,
  alias: 'second',
};

const vm: Args<VirtualEnvironmentVmConfig> = {
  nodeName: 'pve',
  vmId: 100,
  name: 'vm',
  description: 'd',
  tags: ['a'],
  acpi: true,
  agent: { enabled: true, timeout: '15m', trim: true, type: 'virtio', waitForIp: { disabled: false, ipv4: true, ipv6: false } },
  bios: 'seabios',
  bootOrder: ['scsi0'],
  cdrom: { fileId: 'none', interface: 'ide3' },
  clone: { vmId: 9000, datastoreId: 'local-lvm', nodeName: 'pve', retries: 1, full: true },
  cpu: { architecture: 'x86_64', cores: 2, flags: ['+aes'], hotplugged: 0, limit: 0, numa: false, sockets: 1, type: 'host', units: 100, affinity: '0-1' },
  disk: [
    {
      interface: 'scsi0',
      aio: 'io_uring',
      backup: true,
      cache: 'none',
      datastoreId: 'local-lvm',
      pathInDatastore: 'vm-100-disk-0',
      discard: 'on',
      fileFormat: 'raw',
      fileId: 'local:iso/x.img',
      importFrom: 'local:import/x.qcow2',
      iothread: true,
      queues: 2,
      replicate: true,
      serial: 's',
      size: 8,
      speed: { iopsRead: 1, iopsReadBurstable: 1, iopsWrite: 1, iopsWriteBurstable: 1, read: 1, readBurstable: 1, write: 1, writeBurstable: 1 },
      ssd: true,
    },
  ],
  efiDisk: { datastoreId: 'local-lvm', fileFormat: 'raw', type: '4m', preEnrolledKeys: false },
  tpmState: { datastoreId: 'local-lvm', version: 'v2.0' },
  hotplug: 'network,disk',
  initialization: {
    datastoreId: 'local-lvm',
    interface: 'ide2',
    fileFormat: 'raw',
    dns: { domain: 'lan', servers: ['10.0.0.1'] },
    ipConfig: [{ ipv4: { address: 'dhcp', gateway: '10.0.0.1' }, ipv6: { address: 'auto', gateway: 'fe80::1' } }],
    userAccount: { keys: ['ssh-ed25519 AAAA'], password: 'p', username: 'u' },
    networkDataFileId: 'local:snippets/n.yaml',
    userDataFileId: 'local:snippets/u.yaml',
    vendorDataFileId: 'local:snippets/v.yaml',
    metaDataFileId: 'local:snippets/m.yaml',
    upgrade: true,
  },
  keyboardLayout: 'en-us',
  machine: 'q35',
  memory: { dedicated: 2048, floating: 2048, shared: 0, hugepages: '2', keepHugepages: false },
  migrate: false,
  networkDevice: [
    { bridge: 'vmbr0', disconnected: false, firewall: false, macAddress: 'BC:24:11:00:00:01', model: 'virtio', mtu: 1, queues: 1, rateLimit: 10, vlanId: 5, trunks: '1;2' },
  ],
  onBoot: true,
  operatingSystem: { type: 'l26' },
  poolId: 'pool',
  protection: false,
  reboot: false,
  rebootAfterUpdate: true,
  serialDevice: [{ device: 'socket' }],
  scsiHardware: 'virtio-scsi-single',
  started: true,
  startup: { order: 1, upDelay: 1, downDelay: 1 },
  tabletDevice: true,
  template: false,
  stopOnDestroy: false,
  purgeOnDestroy: true,
  deleteUnreferencedDisksOnDestroy: true,
  vga: { memory: 16, type: 'std', clipboard: 'vnc' },
};

const download: Args<DownloadFileConfig> = {
  contentType: 'import',
  datastoreId: 'local',
  nodeName: 'pve',
  url: 'https://example.com/x.qcow2',
  checksum: 'ab',
  checksumAlgorithm: 'sha256',
  decompressionAlgorithm: 'zst',
  fileName: 'x.qcow2',
  overwrite: true,
  overwriteUnmanaged: false,
  uploadTimeout: 600,
  verify: true,
};

const file: Args<VirtualEnvironmentFileConfig> = {
  contentType: 'snippets',
  datastoreId: 'local',
  nodeName: 'pve',
  fileMode: '0600',
  overwrite: true,
  sourceFile: { path: 'https://example.com/x', checksum: 'ab', fileName: 'x', insecure: false, minTls: '1.3' },
  sourceRaw: { data: 'x', fileName: 'x.yaml', resize: 1 },
  timeoutUpload: 1800,
  uploadMode: 'stream',
};

test('every prop of every binding synthesizes to a documented argument', () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      new ProxmoxProvider(scope, 'proxmox', provider);
      new VirtualEnvironmentVm(scope, 'vm', vm);
      new DownloadFile(scope, 'download', download);
      new VirtualEnvironmentFile(scope, 'file', file);
    }),
  );
  expect(undocumentedArguments(json, loadDocTrees())).toEqual([]);
  // Spot checks that the full objects really reached the JSON, nested levels included.
  expect(json.provider.proxmox[0].ssh.node[0].port).toBe(22);
  expect(json.provider.proxmox[0].random_vm_id_start).toBe(10000);
  expect(json.resource.proxmox_virtual_environment_vm.vm.disk[0].speed.iops_read_burstable).toBe(1);
  expect(json.resource.proxmox_virtual_environment_vm.vm.delete_unreferenced_disks_on_destroy).toBe(true);
  expect(json.resource.proxmox_download_file.download.overwrite_unmanaged).toBe(false);
  expect(json.resource.proxmox_virtual_environment_file.file.source_file.min_tls).toBe('1.3');
  // One argument per top-level prop: nothing dropped, nothing invented.
  expect(Object.keys(json.resource.proxmox_virtual_environment_vm.vm)).toHaveLength(Object.keys(vm).length);
});
