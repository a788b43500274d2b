import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { ProxmoxResource } from './metadata';

/**
 * Typed `proxmox_virtual_environment_file` (bpg/proxmox), from
 * `vendor/proxmox-provider/resources/virtual_environment_file.md`. Used here for cloud-init
 * snippets; snippet uploads go over SSH (configure the provider's `ssh` block) and need the `Snippets`
 * content type enabled on the datastore.
 */

/** `source_file`: a local path or URL to upload. */
export interface FileSourceFile {
  /** Local path or URL. */
  readonly path: string;
  /** SHA-256 of the source. */
  readonly checksum?: string;
  /** File name to store under. */
  readonly fileName?: string;
  /** Skip TLS verification for HTTPS sources. @default false */
  readonly insecure?: boolean;
  /** Minimum TLS version for HTTPS sources. @default "1.3" */
  readonly minTls?: '1.0' | '1.1' | '1.2' | '1.3';
}

/** `source_raw`: inline content, e.g. a cloud-config. */
export interface FileSourceRaw {
  /** The raw data (may reference Terraform variables with `${var.…}`). */
  readonly data: string;
  /** The file name. */
  readonly fileName: string;
  /** Resize the file to this many bytes. */
  readonly resize?: number;
}

/** Arguments of `proxmox_virtual_environment_file`. */
export interface VirtualEnvironmentFileConfig extends TerraformMetaArguments {
  /** `backup`, `iso`, `snippets`, `import` or `vztmpl`. @default inferred from the extension */
  readonly contentType?: 'backup' | 'iso' | 'snippets' | 'import' | 'vztmpl';
  /** Datastore id, e.g. `local`. */
  readonly datastoreId: string;
  /** Proxmox node. */
  readonly nodeName: string;
  /** Octal file mode such as `0700` (root@pam only). */
  readonly fileMode?: string;
  /** Overwrite an existing file. @default true */
  readonly overwrite?: boolean;
  /** Source file (conflicts with `sourceRaw`). */
  readonly sourceFile?: FileSourceFile;
  /** Raw source (conflicts with `sourceFile`). */
  readonly sourceRaw?: FileSourceRaw;
  /** Upload timeout for ISO/VZTMPL in seconds. @default 1800 */
  readonly timeoutUpload?: number;
  /** SSH upload mode for snippets etc. @default "stream" */
  readonly uploadMode?: 'stream' | 'sftp';
}

/** `proxmox_virtual_environment_file`. */
export class VirtualEnvironmentFile extends ProxmoxResource<VirtualEnvironmentFileConfig> {
  /** Terraform resource type. */
  public static readonly tfResourceType = 'proxmox_virtual_environment_file';

  constructor(scope: Construct, id: string, config: VirtualEnvironmentFileConfig) {
    super(scope, id, VirtualEnvironmentFile.tfResourceType, config);
  }

  /** The file id `<datastore>:<content_type>/<file_name>`, for `initialization.user_data_file_id`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }
}
