import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Reads the argument names documented in the bpg/proxmox docs (vendored verbatim in
 * `vendor/proxmox-provider/`, bpg/terraform-provider-proxmox `docs/` @ v0.111.1) into a tree: name → nested arguments. Nested blocks are the
 * indented bullet lists under an argument. Enum values documented as bullets under an argument end up as
 * its "children" too; harmless, since a string argument has no children in the JSON we check.
 */
export interface DocTree {
  [name: string]: DocTree;
}

export const proxmoxDocsDir = resolve(__dirname, '../../vendor/proxmox-provider');

/** Which page documents which block type of the synthesized JSON. */
export const docPages: Record<string, { file: string; section: RegExp; stopAt?: RegExp }> = {
  'provider.proxmox': { file: 'index.md', section: /^## Argument Reference/ },
  'resource.proxmox_virtual_environment_vm': { file: 'resources/virtual_environment_vm.md', section: /^## Argument Reference/ },
  'resource.proxmox_virtual_environment_file': { file: 'resources/virtual_environment_file.md', section: /^## Argument Reference/ },
  // tfplugindocs page: Required + Optional lists; Read-Only attributes are not arguments.
  'resource.proxmox_download_file': { file: 'resources/download_file.md', section: /^## Schema/, stopAt: /^### Read-Only/ },
};

/** Parses the bullet list of one documentation section into a tree, by indentation. */
export function parseArgumentTree(markdown: string, section: RegExp, stopAt?: RegExp): DocTree {
  const root: DocTree = {};
  const stack: { indent: number; node: DocTree }[] = [{ indent: -1, node: root }];
  let inSection = false;
  for (const line of markdown.split('\n')) {
    if (!inSection) {
      inSection = section.test(line);
      continue;
    }
    if (/^## /.test(line) || (stopAt && stopAt.test(line))) break;
    const m = /^(\s*)- `([^`]+)`/.exec(line);
    if (!m) continue;
    const indent = m[1].length;
    while (stack.length > 1 && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1].node;
    const child: DocTree = parent[m[2]] ?? {};
    parent[m[2]] = child;
    stack.push({ indent, node: child });
  }
  if (!inSection) throw new Error(`section ${section} not found in the provider docs`);
  return root;
}

/** The documented argument trees, keyed like `resource.<type>` / `provider.proxmox`. */
export function loadDocTrees(): Record<string, DocTree> {
  if (!existsSync(proxmoxDocsDir)) {
    throw new Error(`bpg/proxmox docs not found at ${proxmoxDocsDir} (vendored docs missing; npx projen vendor:refresh restores them)`);
  }
  const trees: Record<string, DocTree> = {};
  for (const [key, page] of Object.entries(docPages)) {
    trees[key] = parseArgumentTree(readFileSync(join(proxmoxDocsDir, page.file), 'utf8'), page.section, page.stopAt);
  }
  // Generic provider meta-arguments the docs refer to Terraform for.
  trees['provider.proxmox'].alias = {};
  return trees;
}

/** Terraform meta-arguments and cdktf metadata: not provider arguments. */
const metaArguments = new Set(['//', 'depends_on', 'count', 'for_each', 'provider', 'lifecycle', 'connection', 'provisioner']);

/** Walks one resource/provider body; returns the dotted paths of keys the docs do not list. */
function undocumentedIn(body: unknown, tree: DocTree, path: string, topLevel: boolean): string[] {
  const out: string[] = [];
  if (Array.isArray(body)) {
    for (const item of body) if (typeof item === 'object' && item !== null) out.push(...undocumentedIn(item, tree, path, topLevel));
    return out;
  }
  if (typeof body !== 'object' || body === null) return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (topLevel && metaArguments.has(key)) continue;
    const child = tree[key];
    if (child === undefined) {
      out.push(`${path}.${key}`);
      continue;
    }
    // Lists of scalars (tags, keys, dns servers) have nothing nested to check.
    if (typeof value === 'object' && value !== null) out.push(...undocumentedIn(value, child, `${path}.${key}`, false));
  }
  return out;
}

/**
 * Every argument path in a synthesized stack that the provider docs do not document, e.g.
 * `resource.proxmox_virtual_environment_vm.server.agent.wait_for_ip.ipv5`. Unknown proxmox resource
 * types are reported too.
 */
export function undocumentedArguments(stack: any, trees: Record<string, DocTree> = loadDocTrees()): string[] {
  const out: string[] = [];
  for (const provider of ([] as unknown[]).concat(stack.provider?.proxmox ?? [])) {
    out.push(...undocumentedIn(provider, trees['provider.proxmox'], 'provider.proxmox', true));
  }
  for (const [type, resources] of Object.entries<Record<string, unknown>>(stack.resource ?? {})) {
    if (!type.startsWith('proxmox_')) continue;
    const tree = trees[`resource.${type}`];
    if (!tree) {
      out.push(`resource.${type} (no documentation page)`);
      continue;
    }
    for (const [name, body] of Object.entries(resources)) out.push(...undocumentedIn(body, tree, `resource.${type}.${name}`, true));
  }
  return out;
}
