import { parseAllDocuments, stringify } from 'yaml';

/**
 * One reviewable unit of dist/: a Kubernetes object (identified by apiVersion/kind/namespace/name,
 * wherever it sits) or, for files that are not Kubernetes objects (Prometheus rule files, Helm
 * values), the whole file (identified by its path).
 */
export interface ManifestObject {
  /** Identity: `apiVersion|kind|namespace|name` for objects, `file:<path>` for plain files. */
  readonly key: string;
  readonly apiVersion?: string;
  readonly kind?: string;
  /** metadata.namespace as written (absent for cluster-scoped objects and for objects ArgoCD places in the destination namespace). */
  readonly namespace?: string;
  readonly name?: string;
  /** The file it was read from (dist/…). */
  readonly file: string;
  /** The text compared: the object re-serialized (so moving it between files is not a change), or the file's raw text. */
  readonly text: string;
  /** The parsed object (undefined for plain files). */
  readonly value?: Record<string, unknown>;
}

/** Identity key of a Kubernetes object. */
export function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;
}

function identity(value: unknown): { apiVersion: string; kind: string; namespace?: string; name: string } | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof v.apiVersion !== 'string' || typeof v.kind !== 'string' || typeof v.metadata?.name !== 'string') return undefined;
  const namespace = typeof v.metadata.namespace === 'string' && v.metadata.namespace !== '' ? v.metadata.namespace : undefined;
  return { apiVersion: v.apiVersion, kind: v.kind, name: v.metadata.name, ...(namespace ? { namespace } : {}) };
}

/**
 * Splits one file into reviewable units. A file whose every document is a Kubernetes object gives
 * one unit per object; anything else (no apiVersion/kind/name, a parse error, an empty file) is one
 * plain-file unit, so nothing in dist/ escapes the review.
 */
export function parseManifestFile(file: string, text: string): ManifestObject[] {
  const plain: ManifestObject[] = [{ key: `file:${file}`, file, text }];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return plain;
  }
  if (!Array.isArray(docs)) return plain; // an empty stream
  const objects: ManifestObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) return plain;
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue; // an empty document between separators
    const id = identity(value);
    if (!id) return plain;
    const record = value as Record<string, unknown>;
    objects.push({
      key: objectKey(id.apiVersion, id.kind, id.namespace, id.name),
      ...id,
      file,
      text: stringify(record, { lineWidth: 0 }),
      value: record,
    });
  }
  return objects.length > 0 ? objects : plain;
}

/** Every unit of a snapshot, by identity. A second object with the same identity is an error: ArgoCD would reject it too. */
export function indexObjects(files: ReadonlyMap<string, string>): Map<string, ManifestObject> {
  const byKey = new Map<string, ManifestObject>();
  for (const [file, text] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const obj of parseManifestFile(file, text)) {
      const seen = byKey.get(obj.key);
      if (seen) throw new Error(`${obj.kind ?? 'file'} ${obj.namespace ? obj.namespace + '/' : ''}${obj.name ?? obj.file} is defined twice: ${seen.file} and ${obj.file}`);
      byKey.set(obj.key, obj);
    }
  }
  return byKey;
}
