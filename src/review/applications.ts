import type { ManifestObject } from './manifests';

/** One git-path source of an ArgoCD Application (a `directory` source; Helm chart sources have no path here). */
export interface PathSource {
  /** Folder in the repository, normalized (`dist/mlflow`). */
  readonly path: string;
  readonly recurse: boolean;
  readonly include?: string;
  readonly exclude?: string;
}

/** An ArgoCD Application found in dist/, with the repository folders it syncs. */
export interface ArgoApplication {
  readonly name: string;
  readonly namespace?: string;
  /** The file that defines it. */
  readonly file: string;
  readonly sources: PathSource[];
}

const normalizePath = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '');

function pathSource(source: unknown): PathSource | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const s = source as { path?: unknown; chart?: unknown; directory?: { recurse?: unknown; include?: unknown; exclude?: unknown } };
  if (typeof s.path !== 'string' || s.chart !== undefined) return undefined;
  const dir = s.directory ?? {};
  return {
    path: normalizePath(s.path),
    recurse: dir.recurse === true,
    ...(typeof dir.include === 'string' && dir.include !== '' ? { include: dir.include } : {}),
    ...(typeof dir.exclude === 'string' && dir.exclude !== '' ? { exclude: dir.exclude } : {}),
  };
}

/** The Applications (argoproj.io/*, kind Application) among the objects, with their path sources (`source` and `sources[]`). */
export function findApplications(objects: Iterable<ManifestObject>): ArgoApplication[] {
  const apps: ArgoApplication[] = [];
  for (const o of objects) {
    if (o.kind !== 'Application' || !o.apiVersion?.startsWith('argoproj.io/') || !o.name) continue;
    const spec = (o.value?.spec ?? {}) as { source?: unknown; sources?: unknown };
    const all = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])];
    const sources = all.map(pathSource).filter((s): s is PathSource => s !== undefined);
    apps.push({ name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), file: o.file, sources });
  }
  return apps.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A glob as Argo CD matches `directory.include`/`exclude`: gobwas/glob compiled without separators
 * (argoproj/argo-cd: util/glob/glob.go @ v3.5.1), so `*` also crosses `/`; `?`, `[…]`, `[!…]`
 * and `{a,b}` as in gobwas.
 */
export function globToRegExp(pattern: string): RegExp {
  const literal = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    switch (c) {
      case '\\':
        re += i + 1 < pattern.length ? literal(pattern[++i]) : literal(c);
        break;
      case '*':
        re += '.*';
        break;
      case '?':
        re += '.';
        break;
      case '[': {
        const close = pattern.indexOf(']', i + 1);
        if (close < 0) {
          re += '\\[';
          break;
        }
        let body = pattern.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
        break;
      }
      case '{':
        braces++;
        re += '(?:';
        break;
      case '}':
        re += braces > 0 ? ')' : literal(c);
        if (braces > 0) braces--;
        break;
      case ',':
        re += braces > 0 ? '|' : c;
        break;
      default:
        re += literal(c);
    }
  }
  return new RegExp(`^${re}${')'.repeat(braces)}$`);
}

/** The manifest file names Argo CD's directory source reads (repository.go `manifestFile` @ v3.5.1). */
const MANIFEST_FILE = /\.(yaml|yml|json|jsonnet)$/;

/**
 * True when a directory source syncs this file, the way Argo CD's repo server walks the path
 * (argoproj/argo-cd: reposerver/repository/repository.go, getPotentiallyValidManifests and
 * getPotentiallyValidManifestFile @ v3.5.1): under the path (only its top level unless `recurse`),
 * a manifest extension, not matching `exclude`, matching `include` — both against the path relative to
 * the source path. Files with the `+argocd:skip-file-rendering` marker are skipped by the caller.
 */
export function sourceSyncs(source: PathSource, file: string): boolean {
  const prefix = source.path === '' || source.path === '.' ? '' : `${source.path}/`;
  if (!file.startsWith(prefix)) return false;
  const rel = file.slice(prefix.length);
  if (!source.recurse && rel.includes('/')) return false;
  if (!MANIFEST_FILE.test(rel)) return false;
  if (source.exclude && globToRegExp(source.exclude).test(rel)) return false;
  if (source.include && !globToRegExp(source.include).test(rel)) return false;
  return true;
}

/** Argo CD skips a file carrying this marker (repository.go `skipFileRenderingMarker` @ v3.5.1). */
export const SKIP_FILE_RENDERING_MARKER = '+argocd:skip-file-rendering';

/** Names of the Applications that sync a file (usually one; none for files only humans or tests read). */
export function owningApplications(apps: readonly ArgoApplication[], file: string, text: string): string[] {
  if (text.includes(SKIP_FILE_RENDERING_MARKER)) return [];
  return apps.filter((a) => a.sources.some((s) => sourceSyncs(s, file))).map((a) => a.name);
}

/** The Helm chart (name and version) of an Application with a single chart source; undefined otherwise. */
export function helmChartOf(o: ManifestObject | undefined): { name: string; version?: string } | undefined {
  if (!o || o.kind !== 'Application' || !o.apiVersion?.startsWith('argoproj.io/')) return undefined;
  const spec = (o.value?.spec ?? {}) as { source?: { chart?: unknown; targetRevision?: unknown } };
  const chart = spec.source?.chart;
  if (typeof chart !== 'string') return undefined;
  const version = spec.source?.targetRevision;
  return { name: chart, ...(typeof version === 'string' ? { version } : {}) };
}
