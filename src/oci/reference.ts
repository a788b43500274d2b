/**
 * Where a repository's manifests live: the registry API base URL and the repository name in it.
 * Docker Hub is the odd one: `docker.io` is served by `registry-1.docker.io`, and official images carry
 * the `library/` prefix (`docker.io/debian` → `library/debian`), as the Docker client does
 * (distribution/reference normalize.go).
 */
export interface RegistryRepository {
  /** The registry as written in the pin (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  /** `https://host[:port]` or, for a loopback registry, `http://…`. */
  readonly baseUrl: string;
  /** Repository name in the registry API (`library/debian`). */
  readonly name: string;
}

/** Registries reached over plain HTTP: loopback only (a test registry), like Docker's default insecure set. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:[0-9]+$/, '');
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

export function registryRepository(repository: string): RegistryRepository {
  const slash = repository.indexOf('/');
  if (slash <= 0) throw new Error(`image "${repository}": expected REGISTRY/PATH (e.g. docker.io/library/debian)`);
  const registry = repository.slice(0, slash);
  let name = repository.slice(slash + 1);
  let host = registry;
  if (registry === 'docker.io' || registry === 'index.docker.io') {
    host = 'registry-1.docker.io';
    if (!name.includes('/')) name = `library/${name}`;
  }
  const scheme = isLoopbackRegistry(registry) ? 'http' : 'https';
  return { registry, baseUrl: `${scheme}://${host}`, name };
}
