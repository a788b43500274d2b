import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { credentials } from '../../config/credentials';
import { PlatformConfig } from '../../config/platform';
import { imageRef, images } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import { NON_ROOT_UID, PlatformChart, resourcesK8s, restrictedContainerSecurityJson, restrictedPodSecurityJson } from '../lib';

export const OBJECT_STORE = 'seaweedfs';
export const S3_PORT = 8333;
const MASTER_PORT = 9333;
/**
 * The master's gRPC port. Clients such as `weed shell -master=host:9333` never take it from the flag: a
 * ServerAddress without an explicit `.grpcPort` suffix dials HTTP port + 10000 (seaweedfs/seaweedfs
 * weed/pb/server_address.go `ToGrpcAddress` → weed/pb/grpc_client_server.go `ServerToGrpcAddress` @ 3.97),
 * so the Service must publish 19333 or the bucket Job cannot reach the master.
 */
export const MASTER_GRPC_PORT = MASTER_PORT + 10000;
const DATA = '/data';
const S3_CONFIG_DIR = '/etc/seaweedfs';

/** The in-cluster S3 endpoint. */
export function OBJECT_STORE_S3_URL(config: PlatformConfig): string {
  return `http://${OBJECT_STORE}.${config.namespaces.mlflow}.svc:${S3_PORT}`;
}

/** The buckets created after every sync (idempotent). */
export const BUCKETS = ['mlflow-artifacts', 'mlflow-db-backups'] as const;

/** Pod labels of the store (selector and NetworkPolicies). */
export const objectStorePodLabels = { 'app.kubernetes.io/name': OBJECT_STORE, 'app.kubernetes.io/component': 'object-store' };

/**
 * `dist/object-store/`: SeaweedFS (Apache-2.0, actively maintained; not MinIO CE, not Bitnami) as
 * one `weed server` (master + volume + filer + S3 gateway) on a PersistentVolume: the artifact
 * store of MLflow and the backup target of the database. S3 identities come from the sealed
 * `seaweedfs-s3-config` Secret. A PostSync hook Job creates the buckets.
 */
export class ObjectStoreChart extends PlatformChart {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    const ns = config.namespaces.mlflow;
    super(scope, id, { config, component: 'object-store', name: OBJECT_STORE, namespace: ns });
    const s3Secret = credentials.objectStoreAdmin;

    new k8s.KubeServiceAccount(this, 'sa', { metadata: { name: OBJECT_STORE }, automountServiceAccountToken: false });
    new k8s.KubeService(this, 'svc', {
      metadata: { name: OBJECT_STORE },
      spec: {
        selector: objectStorePodLabels,
        ports: [
          { name: 's3', port: S3_PORT, targetPort: k8s.IntOrString.fromNumber(S3_PORT) },
          { name: 'master', port: MASTER_PORT, targetPort: k8s.IntOrString.fromNumber(MASTER_PORT) },
          { name: 'master-grpc', port: MASTER_GRPC_PORT, targetPort: k8s.IntOrString.fromNumber(MASTER_GRPC_PORT) },
        ],
      },
    });
    new k8s.KubeStatefulSet(this, 'sts', {
      metadata: { name: OBJECT_STORE },
      spec: {
        serviceName: OBJECT_STORE,
        replicas: 1,
        selector: { matchLabels: objectStorePodLabels },
        template: {
          metadata: { labels: objectStorePodLabels },
          spec: {
            serviceAccountName: OBJECT_STORE,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityJson(NON_ROOT_UID),
            containers: [{
              name: 'seaweedfs',
              image: imageRef(images.seaweedfs),
              command: ['weed'],
              args: [
                'server', `-dir=${DATA}`, '-ip.bind=0.0.0.0', '-ip=$(POD_IP)', '-master.volumeSizeLimitMB=1024', '-volume.max=0',
                '-s3', `-s3.port=${S3_PORT}`, `-s3.config=${S3_CONFIG_DIR}/${s3Secret.keys[0]}`,
              ],
              env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
              ports: [
                { name: 's3', containerPort: S3_PORT },
                { name: 'master', containerPort: MASTER_PORT },
                { name: 'master-grpc', containerPort: MASTER_GRPC_PORT },
              ],
              readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(S3_PORT) }, periodSeconds: 10 },
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(MASTER_PORT) }, periodSeconds: 20, failureThreshold: 6 },
              resources: resourcesK8s({ cpu: '100m', memory: '512Mi', cpuLimit: '1' }),
              securityContext: restrictedContainerSecurityJson(NON_ROOT_UID),
              volumeMounts: [
                { name: 'data', mountPath: DATA },
                { name: 's3-config', mountPath: S3_CONFIG_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volumes: [
              { name: 's3-config', secret: { secretName: s3Secret.name } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: {
            storageClassName: config.storageClass,
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: k8s.Quantity.fromString(config.sizes.objectStoreStorage) } },
          },
        }],
      },
    });
    const script = bucketJobScript(`${OBJECT_STORE}:${MASTER_PORT}`);
    new k8s.KubeJob(this, 'buckets', {
      metadata: {
        name: 'seaweedfs-buckets',
        annotations: { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
      },
      spec: {
        backoffLimit: 6,
        ttlSecondsAfterFinished: 3600,
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'seaweedfs-buckets', 'app.kubernetes.io/component': 'object-store' } },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            serviceAccountName: OBJECT_STORE,
            securityContext: restrictedPodSecurityJson(NON_ROOT_UID),
            containers: [{
              name: 'create-buckets',
              image: imageRef(images.seaweedfs),
              command: ['/bin/sh', '-ec', script],
              resources: resourcesK8s({ cpu: '50m', memory: '64Mi', cpuLimit: '200m' }),
              securityContext: restrictedContainerSecurityJson(NON_ROOT_UID),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    });
  }
}

/**
 * The bucket Job's shell script. `weed shell` exits 0 even when a command fails (it prints `error: …` on
 * stderr and reads the next line: weed/shell/shell_liner.go `processEachCmd` @ 3.97), so success is read from
 * its output: `s3.bucket.create` prints `created bucket <name>` after the filer's CreateEntry, which for an
 * existing bucket updates the entry and succeeds (weed/shell/command_s3_bucket_create.go, weed/filer/filer.go
 * `CreateEntry` without O_EXCL @ 3.97); an "already exists" answer is accepted too. Anything else (master or
 * filer unreachable, a refused name) fails the Job with weed's output, and `timeout` bounds a dial that hangs.
 */
export function bucketJobScript(master: string): string {
  const lines = [
    'set -eu',
    `for bucket in ${BUCKETS.join(' ')}; do`,
    `  if ! out=$(echo "s3.bucket.create -name $bucket" | timeout 120 weed shell -master=${master} 2>&1); then`,
    '    echo "$out" >&2; echo "bucket $bucket: weed shell failed or timed out" >&2; exit 1',
    '  fi',
    '  echo "$out"',
    '  case "$out" in',
    '    *"created bucket $bucket"*|*"already exists"*) echo "bucket $bucket: ok" ;;',
    '    *) echo "bucket $bucket: not created (see weed shell output above)" >&2; exit 1 ;;',
    '  esac',
    'done',
  ];
  return lines.join('\n');
}

export class ObjectStore extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'app', {
      config,
      name: 'object-store',
      namespace: config.namespaces.mlflow,
      source: { distChart: 'object-store' },
      installsCrds: false,
      // The PersistentVolume holds the artifacts and backups: never cascade-deleted.
      cascadeDelete: false,
    });
  }
}
