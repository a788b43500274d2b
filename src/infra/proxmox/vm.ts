import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { ProxmoxResource } from './metadata';

/**
 * Typed `proxmox_virtual_environment_vm` (bpg/proxmox), hand-written from
 * `vendor/proxmox-provider/resources/virtual_environment_vm.md`. Not deprecated at v0.111.1
 * (its framework rewrite `proxmox_vm` is marked experimental upstream).
 *
 * Bound: the arguments a cloud-init VM needs. Not bound (add from the docs when needed): `amd_sev`,
 * `audio_device`, `hostpci`, `numa`, `rng`, `smbios`, `usb`, `virtiofs`, `watchdog`, `kvm_arguments`,
 * `hook_script_file_id`, the `timeout_*` arguments.
 */

/** `agent.wait_for_ip`: which address families the provider waits for. */
export interface VmAgentWaitForIp {
  /** Skip waiting for an IP entirely. @default false */
  readonly disabled?: boolean;
  /** Wait for at least one IPv4 address. @default false */
  readonly ipv4?: boolean;
  /** Wait for at least one IPv6 address. @default false */
  readonly ipv6?: boolean;
}

/** `agent`: the QEMU guest agent. Enable only when the guest starts `qemu-guest-agent`. */
export interface VmAgent {
  /** Whether the QEMU agent is expected to run. @default false */
  readonly enabled?: boolean;
  /** Max wait for agent data, e.g. `15m`. @default "15m" */
  readonly timeout?: string;
  /** Enable FSTRIM through the agent. @default false */
  readonly trim?: boolean;
  /** Agent interface type. @default "virtio" */
  readonly type?: 'isa' | 'virtio';
  /** Which addresses to wait for at create/refresh. */
  readonly waitForIp?: VmAgentWaitForIp;
}

/** `cdrom`. */
export interface VmCdrom {
  /** ISO file id, or `none` for an empty drive. @default "cdrom" */
  readonly fileId?: string;
  /** Interface, e.g. `ide3`. @default "ide3" */
  readonly interface?: string;
}

/** `clone`: clone from an existing VM/template instead of importing a disk. */
export interface VmClone {
  /** Source VM id. */
  readonly vmId: number;
  /** Target datastore. */
  readonly datastoreId?: string;
  /** Source node (if different from `node_name`). */
  readonly nodeName?: string;
  /** Clone retries. */
  readonly retries?: number;
  /** Full (true) or linked (false) clone. @default true */
  readonly full?: boolean;
}

/** `cpu`. */
export interface VmCpu {
  /** CPU architecture. @default "x86_64" */
  readonly architecture?: 'aarch64' | 'x86_64';
  /** Number of cores. @default 1 */
  readonly cores?: number;
  /** CPU flags such as `+aes`. */
  readonly flags?: string[];
  /** Hotplugged vCPUs. @default 0 */
  readonly hotplugged?: number;
  /** CPU usage limit 0..128 (0 = none). @default 0 */
  readonly limit?: number;
  /** Enable NUMA. @default false */
  readonly numa?: boolean;
  /** Sockets. @default 1 */
  readonly sockets?: number;
  /** Emulated CPU type; `x86-64-v2-AES` is recommended upstream. @default "qemu64" */
  readonly type?: string;
  /** CPU units (cgroup weight). */
  readonly units?: number;
  /** Host cores the vCPUs run on, e.g. `0-3` (root@pam only). */
  readonly affinity?: string;
}

/** `disk.speed`: I/O limits. */
export interface VmDiskSpeed {
  /** Max read IOPS. */
  readonly iopsRead?: number;
  /** Max unthrottled read IOPS pool. */
  readonly iopsReadBurstable?: number;
  /** Max write IOPS. */
  readonly iopsWrite?: number;
  /** Max unthrottled write IOPS pool. */
  readonly iopsWriteBurstable?: number;
  /** Max read MB/s. */
  readonly read?: number;
  /** Max burstable read MB/s. */
  readonly readBurstable?: number;
  /** Max write MB/s. */
  readonly write?: number;
  /** Max burstable write MB/s. */
  readonly writeBurstable?: number;
}

/** `disk` (repeatable). */
export interface VmDisk {
  /** Disk interface with index, e.g. `scsi0`, `virtio0`. */
  readonly interface: string;
  /** AIO mode. @default "io_uring" */
  readonly aio?: 'io_uring' | 'native' | 'threads';
  /** Include in backups. @default true */
  readonly backup?: boolean;
  /** Cache mode. @default "none" */
  readonly cache?: 'none' | 'directsync' | 'writethrough' | 'writeback' | 'unsafe';
  /** Datastore of the disk. @default "local-lvm" */
  readonly datastoreId?: string;
  /** In-datastore path (experimental upstream). */
  readonly pathInDatastore?: string;
  /** Pass discard/trim: `on` or `ignore`. @default "ignore" */
  readonly discard?: 'on' | 'ignore';
  /** File format. */
  readonly fileFormat?: 'qcow2' | 'raw' | 'vmdk';
  /** Disk image to import from an `iso` datastore file (compressed images). Prefer `importFrom`. */
  readonly fileId?: string;
  /** Disk image of `import` content type to import, e.g. a `proxmox_download_file` id. */
  readonly importFrom?: string;
  /** Use an iothread. @default false */
  readonly iothread?: boolean;
  /** I/O queues (SCSI with `virtio-scsi-single`). */
  readonly queues?: number;
  /** Consider for replication. @default true */
  readonly replicate?: boolean;
  /** Disk serial (≤ 20 bytes). */
  readonly serial?: string;
  /** Size in GB. @default 8 */
  readonly size?: number;
  /** I/O limits. */
  readonly speed?: VmDiskSpeed;
  /** SSD emulation (not for VirtIO Block). @default false */
  readonly ssd?: boolean;
}

/** `efi_disk` (required with `bios = "ovmf"`). */
export interface VmEfiDisk {
  /** Datastore. @default "local-lvm" */
  readonly datastoreId?: string;
  /** File format. @default "raw" */
  readonly fileFormat?: string;
  /** `2m` or `4m` (Secure Boot needs `4m`). @default "2m" */
  readonly type?: '2m' | '4m';
  /** Pre-enrolled Secure Boot keys (with `4m`). @default false */
  readonly preEnrolledKeys?: boolean;
}

/** `tpm_state`. */
export interface VmTpmState {
  /** Datastore. @default "local-lvm" */
  readonly datastoreId?: string;
  /** TPM version. @default "v2.0" */
  readonly version?: 'v1.2' | 'v2.0';
}

/** `initialization.dns`. */
export interface VmInitializationDns {
  /** DNS search domain. */
  readonly domain?: string;
  /** DNS servers. */
  readonly servers?: string[];
}

/** `initialization.ip_config.ipv4` / `.ipv6`. */
export interface VmIpConfigAddress {
  /** Address in CIDR notation, or `dhcp` (IPv6 also `auto`). */
  readonly address?: string;
  /** Gateway (omit with `dhcp`/`auto`). */
  readonly gateway?: string;
}

/** `initialization.ip_config` (one per network device). */
export interface VmIpConfig {
  /** IPv4 configuration. */
  readonly ipv4?: VmIpConfigAddress;
  /** IPv6 configuration. */
  readonly ipv6?: VmIpConfigAddress;
}

/** `initialization.user_account` (conflicts with `userDataFileId`). */
export interface VmUserAccount {
  /** SSH public keys. */
  readonly keys?: string[];
  /** Password (a sensitive variable, never a literal). */
  readonly password?: string;
  /** Username. */
  readonly username?: string;
}

/** `initialization`: the cloud-init drive. */
export interface VmInitialization {
  /** Datastore of the cloud-init drive. @default "local-lvm" */
  readonly datastoreId?: string;
  /** Interface of the cloud-init drive, e.g. `ide2`. */
  readonly interface?: string;
  /** File format of the cloud-init drive. */
  readonly fileFormat?: 'qcow2' | 'raw' | 'vmdk';
  /** DNS settings. */
  readonly dns?: VmInitializationDns;
  /** IP settings, one per network device. */
  readonly ipConfig?: VmIpConfig[];
  /** A user account (conflicts with `userDataFileId`). */
  readonly userAccount?: VmUserAccount;
  /** Network-config snippet (conflicts with `ipConfig`). */
  readonly networkDataFileId?: string;
  /** User-data snippet, e.g. a `proxmox_virtual_environment_file` id. */
  readonly userDataFileId?: string;
  /** Vendor-data snippet. */
  readonly vendorDataFileId?: string;
  /** Meta-data snippet. */
  readonly metaDataFileId?: string;
  /** Package upgrade on first boot (root@pam only). @default true */
  readonly upgrade?: boolean;
}

/** `memory`. */
export interface VmMemory {
  /** Dedicated memory in MiB. @default 512 */
  readonly dedicated?: number;
  /** Balloon minimum in MiB; equal to `dedicated` enables ballooning. @default 0 */
  readonly floating?: number;
  /** Shared memory in MiB. @default 0 */
  readonly shared?: number;
  /** Hugepages: `2`, `1024` or `any` (root@pam only). */
  readonly hugepages?: '2' | '1024' | 'any';
  /** Keep hugepages after stop. @default false */
  readonly keepHugepages?: boolean;
}

/** `network_device` (repeatable). */
export interface VmNetworkDevice {
  /** Bridge. @default "vmbr0" */
  readonly bridge?: string;
  /** Disconnect the device. @default false */
  readonly disconnected?: boolean;
  /** Use this interface's firewall rules. @default false */
  readonly firewall?: boolean;
  /** MAC address. */
  readonly macAddress?: string;
  /** Device model. @default "virtio" */
  readonly model?: 'e1000' | 'e1000e' | 'rtl8139' | 'virtio' | 'vmxnet3';
  /** MTU (VirtIO; 1 = bridge MTU). */
  readonly mtu?: number;
  /** VirtIO queues (1..64). */
  readonly queues?: number;
  /** Rate limit in MB/s. */
  readonly rateLimit?: number;
  /** VLAN id. */
  readonly vlanId?: number;
  /** `;`-separated VLAN trunks. */
  readonly trunks?: string;
}

/** `operating_system`. */
export interface VmOperatingSystem {
  /** OS type; `l26` for Linux 2.6–6.x. @default "other" */
  readonly type?: string;
}

/** `serial_device` (repeatable). */
export interface VmSerialDevice {
  /** `socket` or a host `/dev/*` device. @default "socket" */
  readonly device?: string;
}

/** `startup`. */
export interface VmStartup {
  /** Startup order (non-negative). */
  readonly order: number;
  /** Seconds before the next VM starts. */
  readonly upDelay?: number;
  /** Seconds before the next VM shuts down. */
  readonly downDelay?: number;
}

/** `vga`. */
export interface VmVga {
  /** VGA memory in MiB. @default 16 */
  readonly memory?: number;
  /** VGA type, e.g. `std`, `serial0`. @default "std" */
  readonly type?: string;
  /** `vnc` enables the VNC clipboard. */
  readonly clipboard?: string;
}

/** Arguments of `proxmox_virtual_environment_vm`. */
export interface VirtualEnvironmentVmConfig extends TerraformMetaArguments {
  /** Proxmox node the VM runs on. */
  readonly nodeName: string;
  /** The VM id; set it explicitly so ids never depend on creation order. */
  readonly vmId?: number;
  /** VM name (a DNS name). */
  readonly name?: string;
  /** Description. */
  readonly description?: string;
  /** Tags; keep sorted (Proxmox sorts them and would report a diff). */
  readonly tags?: string[];
  /** ACPI. @default true */
  readonly acpi?: boolean;
  /** QEMU guest agent. */
  readonly agent?: VmAgent;
  /** `seabios` or `ovmf`. @default "seabios" */
  readonly bios?: 'seabios' | 'ovmf';
  /** Boot devices in order, e.g. `["scsi0"]`. */
  readonly bootOrder?: string[];
  /** CD-ROM. */
  readonly cdrom?: VmCdrom;
  /** Clone source. */
  readonly clone?: VmClone;
  /** CPU. */
  readonly cpu?: VmCpu;
  /** Disks. */
  readonly disk?: VmDisk[];
  /** EFI disk. */
  readonly efiDisk?: VmEfiDisk;
  /** TPM state. */
  readonly tpmState?: VmTpmState;
  /** Hotplug features, e.g. `network,disk,usb`. */
  readonly hotplug?: string;
  /** cloud-init. */
  readonly initialization?: VmInitialization;
  /** Keyboard layout. @default "en-us" */
  readonly keyboardLayout?: string;
  /** Machine type, `pc` or `q35`. @default "pc" */
  readonly machine?: string;
  /** Memory. */
  readonly memory?: VmMemory;
  /** Migrate on node change instead of re-creating. @default false */
  readonly migrate?: boolean;
  /** Network devices. */
  readonly networkDevice?: VmNetworkDevice[];
  /** Start on host boot. @default true */
  readonly onBoot?: boolean;
  /** OS type. */
  readonly operatingSystem?: VmOperatingSystem;
  /** Pool to assign the VM to. */
  readonly poolId?: string;
  /** Protection flag (blocks removal). @default false */
  readonly protection?: boolean;
  /** Reboot after creation. @default false */
  readonly reboot?: boolean;
  /** Allow reboots to apply updates. @default true */
  readonly rebootAfterUpdate?: boolean;
  /** Serial devices. */
  readonly serialDevice?: VmSerialDevice[];
  /** SCSI controller. @default "virtio-scsi-pci" */
  readonly scsiHardware?: 'lsi' | 'lsi53c810' | 'virtio-scsi-pci' | 'virtio-scsi-single' | 'megasas' | 'pvscsi';
  /** Start the VM. @default true */
  readonly started?: boolean;
  /** Startup/shutdown ordering. */
  readonly startup?: VmStartup;
  /** USB tablet device. @default true */
  readonly tabletDevice?: boolean;
  /** Make it a template. @default false */
  readonly template?: boolean;
  /** Stop instead of shutdown on destroy. @default false */
  readonly stopOnDestroy?: boolean;
  /** Purge from backup configs on destroy. @default true */
  readonly purgeOnDestroy?: boolean;
  /** Delete unreferenced disks on destroy. @default true */
  readonly deleteUnreferencedDisksOnDestroy?: boolean;
  /** VGA. */
  readonly vga?: VmVga;
}

/** `proxmox_virtual_environment_vm`. */
export class VirtualEnvironmentVm extends ProxmoxResource<VirtualEnvironmentVmConfig> {
  /** Terraform resource type. */
  public static readonly tfResourceType = 'proxmox_virtual_environment_vm';

  constructor(scope: Construct, id: string, config: VirtualEnvironmentVmConfig) {
    super(scope, id, VirtualEnvironmentVm.tfResourceType, config);
  }

  /** The VM id (as configured, or assigned by the provider). */
  public get vmIdAttribute(): number {
    return this.getNumberAttribute('vm_id');
  }

  /** IPv4 addresses per network interface, reported by the guest agent (a list of lists). */
  public get ipv4Addresses(): string[] {
    return this.getListAttribute('ipv4_addresses');
  }
}

