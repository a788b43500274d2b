import { ResolvedImage, ResolveError, resolveDigest, ResolveOptions } from './resolve';
import {
  BUILT_IMAGE_NAMES, BuiltImageName, IMAGES_FILE, ImagePins, isPlaceholder, UpstreamImageName,
} from '../config/image-pins';

/** What `pin-images` found for one upstream image. */
export interface PinLookup {
  readonly name: UpstreamImageName;
  readonly repository: string;
  readonly tag: string;
  readonly pinned: string;
  /** The digest the tag resolves to now. */
  readonly resolved: string;
}

/** The one line that tells a human (or CI log) what to do. */
export const PIN_COMMAND = 'npx mlops pin-images';

/** Resolves `resolve` over items with at most `limit` in flight (registries rate-limit bursts). */
async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Looks up every upstream tag. All or nothing: when any lookup fails, the error lists every failed image
 * (and the caller writes nothing).
 */
export async function lookUpUpstream(pins: ImagePins, options: ResolveOptions = {}, concurrency = 4): Promise<PinLookup[]> {
  const names = Object.keys(pins.upstream) as UpstreamImageName[];
  const settled = await mapLimited(names, concurrency, (name) => {
    const p = pins.upstream[name];
    return resolveDigest(p.repository, p.tag, options);
  });
  const failures = settled.flatMap((s, i) => (s.status === 'rejected'
    ? [`${names[i]} (${(s.reason as Error).message})`]
    : []));
  if (failures.length > 0) {
    throw new ResolveError(IMAGES_FILE, `${failures.length} of ${names.length} lookups failed, nothing written: ${failures.join('; ')}`);
  }
  return names.map((name, i) => {
    const r = (settled[i] as PromiseFulfilledResult<ResolvedImage>).value;
    const p = pins.upstream[name];
    return { name, repository: p.repository, tag: p.tag, pinned: p.digest, resolved: r.digest };
  });
}

/** Pins with every upstream digest replaced by what its tag resolves to. */
export function applyLookups(pins: ImagePins, lookups: PinLookup[]): ImagePins {
  const upstream = { ...pins.upstream };
  for (const l of lookups) upstream[l.name] = { ...upstream[l.name], digest: l.resolved };
  return { ...pins, upstream };
}

/** Problems `--check` reports: placeholders, and (with lookups) digests that no longer match their tag. */
export function pinProblems(pins: ImagePins, lookups?: PinLookup[]): string[] {
  const problems: string[] = [];
  for (const [name, p] of Object.entries(pins.upstream)) {
    if (isPlaceholder(p.digest)) problems.push(`${name} (${p.repository}:${p.tag}) has the placeholder digest`);
  }
  for (const l of lookups ?? []) {
    if (!isPlaceholder(l.pinned) && l.pinned !== l.resolved) {
      problems.push(`${l.name} (${l.repository}:${l.tag}) is stale: pinned ${l.pinned}, the tag is now ${l.resolved}`);
    }
  }
  return problems;
}

/** Images built here that have not been built yet (allowed, listed by name in BUILT_IMAGE_NAMES). */
export function unbuiltImages(pins: ImagePins): BuiltImageName[] {
  return BUILT_IMAGE_NAMES.filter((n) => isPlaceholder(pins.built[n].digest));
}

/** Pins with a built image's repository and digest set (the image workflow, after the push). */
export function setBuiltImage(pins: ImagePins, name: string, repository: string, digest: string): ImagePins {
  if (!(BUILT_IMAGE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`"${name}" is not an image this repository builds (${BUILT_IMAGE_NAMES.join(', ')})`);
  }
  const key = name as BuiltImageName;
  return { ...pins, built: { ...pins.built, [key]: { ...pins.built[key], repository, digest } } };
}
