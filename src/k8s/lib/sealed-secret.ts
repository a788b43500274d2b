import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { SealedSecret } from '../../../imports/sealedsecret-bitnami.com';
import { credentials, CredentialId, credentialKeyRef, sealedFilePath } from '../../config/credentials';
import { PlatformConfig } from '../../config/platform';

/** Where committed SealedSecret files are read from (the repo root; never an absolute path in output). */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface SealedSecretReferenceProps {
  readonly config: PlatformConfig;
  /** The credential (a row of `src/config/credentials.ts`). */
  readonly credential: CredentialId;
  /**
   * Directory the `secrets/sealed/…` path is resolved against.
   * @default - the repository root
   */
  readonly root?: string;
}

/**
 * A workload's reference to a credential of the credentials table.
 *
 * When an operator has sealed it (`secrets/sealed/<namespace>/<name>.yaml`, produced by `kubeseal`
 * and committed: the ciphertext is safe in git), that file's `encryptedData` is emitted as a
 * SealedSecret next to the workload; the sealed-secrets controller turns it into the Secret.
 * Until then nothing is emitted and the Secret appears in the list of secrets to seal
 * (`docs/bootstrap.md`); the workload waits for it (a missing secret blocks the pod, it never
 * runs without). A sealed file whose name, namespace or keys do not match the table fails synth.
 *
 * Use `secret` for env/volumes and `keyRef(key)` for a checked `{ name, key }`.
 */
export class SealedSecretReference extends Construct {
  /** The Secret's name. */
  public readonly secretName: string;
  public readonly namespace: string;
  /** The Secret, for cdk8s-plus env values and volumes. */
  public readonly secret: kplus.ISecret;
  private readonly credentialId: CredentialId;

  constructor(scope: Construct, id: string, props: SealedSecretReferenceProps) {
    super(scope, id);
    const c = credentials[props.credential];
    this.credentialId = props.credential;
    this.secretName = c.name;
    this.namespace = props.config.namespaces[c.namespace];
    this.secret = kplus.Secret.fromSecretName(this, 'secret', c.name);

    const file = sealedFilePath(this.namespace, c.name);
    const abs = path.join(props.root ?? REPO_ROOT, file);
    if (!fs.existsSync(abs)) return;
    const sealed = parse(fs.readFileSync(abs, 'utf8')) as {
      kind?: string; metadata?: { name?: string; namespace?: string }; spec?: { encryptedData?: Record<string, string> };
    };
    const where = `${file}`;
    if (sealed?.kind !== 'SealedSecret') throw new Error(`${where}: kind must be SealedSecret`);
    if (sealed.metadata?.name !== c.name || sealed.metadata?.namespace !== this.namespace) {
      throw new Error(`${where}: metadata must be ${this.namespace}/${c.name} (the credentials table), got ${sealed.metadata?.namespace}/${sealed.metadata?.name}`);
    }
    const keys = Object.keys(sealed.spec?.encryptedData ?? {}).sort();
    const expected = [...c.keys].sort();
    if (keys.join(',') !== expected.join(',')) {
      throw new Error(`${where}: encryptedData keys [${keys.join(', ')}] differ from the credentials table [${expected.join(', ')}]`);
    }
    new SealedSecret(this, 'sealed', {
      metadata: { name: c.name, namespace: this.namespace },
      spec: {
        encryptedData: Object.fromEntries(expected.map((k) => [k, sealed.spec!.encryptedData![k]])),
        template: { metadata: { name: c.name, namespace: this.namespace }, type: 'Opaque' },
      },
    });
  }

  /** `{ name, key }` of one key, checked against the credentials table. */
  public keyRef(key: string): { name: string; key: string } {
    return credentialKeyRef(this.credentialId, key);
  }
}
