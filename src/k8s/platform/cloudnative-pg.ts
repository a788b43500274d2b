import { Construct } from 'constructs';
import { credentials } from '../../config/credentials';
import { PlatformConfig } from '../../config/platform';
import { helmCharts, imageRef, images } from '../../config/versions';
import { KEEP_ON_REMOVAL, PlatformApplication } from '../bootstrap/application';
import { resourcesJson, restrictedContainerSecurityJson } from '../lib';
import { OBJECT_STORE_S3_URL } from './object-store';

/** The MLflow database Cluster's name; CloudNativePG creates the Secret `<name>-app` (keys username, password, uri, …). */
export const MLFLOW_DB = 'mlflow-db';
/** The bucket base backups and WAL go to. */
export const DB_BACKUP_BUCKET = 'mlflow-db-backups';

/** @see https://github.com/cloudnative-pg/charts/blob/main/charts/cloudnative-pg/values.yaml */
export interface CloudnativePgValues {
  readonly crds: { readonly create: boolean };
  readonly resources: object;
  readonly containerSecurityContext: object;
}

/** @see https://github.com/cloudnative-pg/charts/blob/main/charts/cluster/values.yaml */
export interface CnpgClusterValues {
  readonly fullnameOverride: string;
  readonly type: 'postgresql';
  /** The PostgreSQL major; must match the image (`cluster.imageName`). */
  readonly version: { readonly postgresql: string };
  readonly mode: 'standalone';
  readonly cluster: {
    /** Annotations of the Cluster object (`cluster.annotations`, values.yaml @ cluster-v0.3.1 line 367; templates/cluster.yaml). */
    readonly annotations: Record<string, string>;
    readonly instances: number;
    readonly imageName: string;
    readonly storage: { readonly size: string; readonly storageClass: string };
    readonly resources: object;
    readonly monitoring: { readonly enabled: boolean; readonly podMonitor: { readonly enabled: boolean } };
    readonly initdb: { readonly database: string; readonly owner: string };
  };
  readonly backups: {
    readonly enabled: true;
    readonly provider: 's3';
    readonly endpointURL: string;
    readonly destinationPath: string;
    /** Credentials come from the sealed `mlflow-db-backup-s3` Secret, never from values. */
    readonly secret: { readonly create: false; readonly name: string };
    readonly s3: { readonly region: string; readonly bucket: string; readonly path: string };
    readonly wal: { readonly compression: string; readonly encryption: string };
    readonly data: { readonly compression: string; readonly encryption: string };
    readonly scheduledBackups: { readonly name: string; readonly schedule: string; readonly backupOwnerReference: string; readonly method: string }[];
    readonly retentionPolicy: string;
  };
}

export function cloudnativePgValues(): CloudnativePgValues {
  return {
    crds: { create: true },
    resources: resourcesJson({ cpu: '50m', memory: '128Mi', cpuLimit: '500m' }),
    containerSecurityContext: restrictedContainerSecurityJson(),
  };
}

export function cnpgClusterValues(config: PlatformConfig): CnpgClusterValues {
  return {
    fullnameOverride: MLFLOW_DB,
    type: 'postgresql',
    version: { postgresql: images.postgres.tag.split('.')[0] },
    mode: 'standalone',
    cluster: {
      // The database is never pruned nor deleted by ArgoCD, whatever happens to its line in git.
      annotations: { ...KEEP_ON_REMOVAL },
      instances: config.sizes.postgresInstances,
      imageName: imageRef(images.postgres),
      storage: { size: config.sizes.postgresStorage, storageClass: config.storageClass },
      resources: resourcesJson({ cpu: '100m', memory: '512Mi', cpuLimit: '1' }),
      monitoring: { enabled: true, podMonitor: { enabled: true } },
      initdb: { database: 'mlflow', owner: 'mlflow' },
    },
    backups: {
      enabled: true,
      provider: 's3',
      endpointURL: OBJECT_STORE_S3_URL(config),
      destinationPath: `s3://${DB_BACKUP_BUCKET}/`,
      secret: { create: false, name: credentials.mlflowDbBackupS3.name },
      s3: { region: 'us-east-1', bucket: DB_BACKUP_BUCKET, path: '/' },
      // SeaweedFS does not implement SSE; compression still applies.
      wal: { compression: 'gzip', encryption: '' },
      data: { compression: 'gzip', encryption: '' },
      scheduledBackups: [{ name: 'daily', schedule: config.backups.postgresSchedule, backupOwnerReference: 'self', method: 'barmanObjectStore' }],
      retentionPolicy: config.backups.retention,
    },
  };
}

/** CloudNativePG: the operator (`cloudnative-pg`) and MLflow's database Cluster (`mlflow-db`), separate units. */
export class CloudnativePg extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'operator', {
      config,
      name: 'cloudnative-pg',
      namespace: config.namespaces.mlflow,
      source: { chart: helmCharts.cloudnativePg, releaseName: 'cnpg', values: cloudnativePgValues() },
      installsCrds: true,
      cascadeDelete: false,
    });
    new PlatformApplication(this, 'cluster', {
      config,
      name: 'mlflow-db',
      namespace: config.namespaces.mlflow,
      source: { chart: helmCharts.cnpgCluster, releaseName: MLFLOW_DB, values: cnpgClusterValues(config) },
      installsCrds: false,
      // The database outlives its Application: deleting the Application must not delete the data.
      cascadeDelete: false,
    });
  }
}
