import { ArgoApplication, findApplications, helmChartOf, owningApplications } from './applications';
import type { TreeSnapshot } from './git-tree';
import { unifiedDiff } from './line-diff';
import { indexObjects, ManifestObject } from './manifests';
import { ApplicationChange, Change, MAX_DIFF_CHARS, MAX_DIFF_LINES, ObjectChange } from './schema';

/** Caps one object's diff at MAX_DIFF_LINES lines / MAX_DIFF_CHARS characters; says how many lines were left out. */
export function capDiff(diff: string): { diff: string; omittedLines: number } {
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const kept: string[] = [];
  let chars = 0;
  for (const line of lines) {
    if (kept.length >= MAX_DIFF_LINES || chars + line.length + 1 > MAX_DIFF_CHARS) break;
    kept.push(line);
    chars += line.length + 1;
  }
  return { diff: kept.length ? kept.join('\n') + '\n' : '', omittedLines: lines.length - kept.length };
}

interface Side {
  readonly objects: Map<string, ManifestObject>;
  readonly apps: ArgoApplication[];
  readonly files: ReadonlyMap<string, string>;
}

function side(snapshot: TreeSnapshot): Side {
  const objects = indexObjects(snapshot.files);
  return { objects, apps: findApplications(objects.values()), files: snapshot.files };
}

const owners = (s: Side, o: ManifestObject) => owningApplications(s.apps, o.file, s.files.get(o.file) ?? '');

/**
 * The change between two snapshots of dist/, object by object, grouped by the Application that
 * syncs each object (read from the Applications in the snapshots themselves: head's for added and
 * changed objects, base's for removed ones). A Helm chart Application's values change is a change
 * of that Application object, under the Application that syncs dist/apps. An object that only moved
 * between files is no change; one that moved to another Application is.
 */
export function diffSnapshots(base: TreeSnapshot, head: TreeSnapshot): ApplicationChange[] {
  const b = side(base);
  const h = side(head);
  const groups = new Map<string | null, ObjectChange[]>();
  const add = (apps: string[], change: ObjectChange) => {
    for (const app of apps.length ? apps : [null]) {
      const list = groups.get(app) ?? [];
      list.push(change);
      groups.set(app, list);
    }
  };
  const record = (change: Change, o: ManifestObject, before: string, after: string, extra: Partial<ObjectChange> = {}) => {
    const capped = capDiff(unifiedDiff(before, after));
    return {
      change,
      ...(o.apiVersion ? { apiVersion: o.apiVersion, kind: o.kind, name: o.name } : {}),
      ...(o.namespace ? { namespace: o.namespace } : {}),
      file: o.file,
      ...extra,
      ...capped,
    } as ObjectChange;
  };

  // A Helm chart Application whose chart version moved: name both versions for the reader.
  const chartChange = (before?: ManifestObject, after?: ManifestObject): Partial<ObjectChange> => {
    const x = helmChartOf(before);
    const y = helmChartOf(after);
    if (!x && !y) return {};
    if (x && y && x.name === y.name && x.version === y.version) return {};
    const name = (y ?? x)!.name;
    return { chart: { name, ...(x?.version && x.name === name ? { from: x.version } : {}), ...(y?.version ? { to: y.version } : {}) } };
  };

  const keys = [...new Set([...b.objects.keys(), ...h.objects.keys()])].sort();
  for (const key of keys) {
    const before = b.objects.get(key);
    const after = h.objects.get(key);
    if (before && after) {
      const ownersBefore = owners(b, before);
      const ownersAfter = owners(h, after);
      const moved = ownersBefore.join(',') !== ownersAfter.join(',');
      if (before.text === after.text && !moved) continue;
      add(
        ownersAfter,
        record('changed', after, before.text, after.text, {
          ...chartChange(before, after),
          ...(before.file !== after.file ? { previousFile: before.file } : {}),
          ...(moved && ownersBefore.length === 1 ? { previousApplication: ownersBefore[0] } : {}),
        }),
      );
    } else if (after) {
      add(owners(h, after), record('added', after, '', after.text, chartChange(undefined, after)));
    } else if (before) {
      add(owners(b, before), record('removed', before, before.text, '', chartChange(before, undefined)));
    }
  }

  const pathsOf = (name: string | null): string[] => {
    if (name === null) return [];
    const app = h.apps.find((a) => a.name === name) ?? b.apps.find((a) => a.name === name);
    return (app?.sources ?? []).map((s) => s.path).filter((p) => p === 'dist' || p.startsWith('dist/'));
  };
  // Applications by name; files no Application syncs last.
  return [...groups.entries()]
    .sort(([x], [y]) => (x === null ? 1 : y === null ? -1 : x.localeCompare(y)))
    .map(([application, objects]) => ({ application, paths: pathsOf(application), objects }));
}
