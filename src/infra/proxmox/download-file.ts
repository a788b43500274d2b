import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { ProxmoxResource } from './metadata';

/**
 * Typed `proxmox_download_file` (bpg/proxmox), from
 * `vendor/proxmox-provider/resources/download_file.md`. It is the short-name replacement of the
 * deprecated `proxmox_virtual_environment_download_file` (same schema; the long name is removed in v1.0,
 * see ADR-007), so new code uses this one. The Proxmox node downloads the file itself (no local buffering).
 *
 * Needs `Datastore.AllocateTemplate`, `Sys.Audit` and `Sys.Modify`; `content_type = "import"` needs the
 * `Import` content type enabled on the target storage.
 */
export interface DownloadFileConfig extends TerraformMetaArguments {
  /** `iso` or `import` for VM images, `vztmpl` for LXC templates. */
  readonly contentType: 'iso' | 'import' | 'vztmpl';
  /** Target datastore, e.g. `local`. */
  readonly datastoreId: string;
  /** Proxmox node that downloads the file. */
  readonly nodeName: string;
  /** Source URL (`https?://…`). */
  readonly url: string;
  /** Expected checksum of the file. */
  readonly checksum?: string;
  /** Algorithm of `checksum`. */
  readonly checksumAlgorithm?: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  /** Decompress after download. */
  readonly decompressionAlgorithm?: 'gz' | 'lzo' | 'zst' | 'bz2';
  /** File name in the datastore. @default derived from `url` */
  readonly fileName?: string;
  /** Re-download when sizes differ (upstream update or outside change). @default true */
  readonly overwrite?: boolean;
  /** Replace an unmanaged file with the same name. @default false */
  readonly overwriteUnmanaged?: boolean;
  /** Download timeout in seconds. @default 600 */
  readonly uploadTimeout?: number;
  /** Verify TLS certificates. @default true */
  readonly verify?: boolean;
}

/** `proxmox_download_file`. */
export class DownloadFile extends ProxmoxResource<DownloadFileConfig> {
  /** Terraform resource type. */
  public static readonly tfResourceType = 'proxmox_download_file';

  constructor(scope: Construct, id: string, config: DownloadFileConfig) {
    super(scope, id, DownloadFile.tfResourceType, config);
  }

  /** The file id `<datastore>:<content_type>/<file_name>`, for `disk.import_from`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }
}
