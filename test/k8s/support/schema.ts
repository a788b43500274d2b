import * as fs from 'fs';
import * as path from 'path';
import * as k8sClient from '@kubernetes/client-node';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { REPO_ROOT } from './dist';

/**
 * Offline schema validation of manifests.
 *
 * - Core kinds: against the API models of `@kubernetes/client-node` 0.22, which is generated from
 *   the OpenAPI spec of Kubernetes 1.30 (the pinned minor, `kubernetesMinor`): every field name and
 *   type of every model, and the required fields (non-optional properties of the generated types).
 * - Custom kinds: against the `openAPIV3Schema` of their CRD, read in place from
 *   `vendor/crds/` (verbatim upstream files; vendor/README.md), with Kubernetes' structural-schema semantics:
 *   unknown fields are errors unless the schema says `x-kubernetes-preserve-unknown-fields`.
 *
 * Every error names the JSON path (`spec.template.spec.containers[0].imagee: unknown field`).
 */

export const CRD_DIR = path.join(REPO_ROOT, 'vendor', 'crds');

export interface SchemaError { readonly path: string; readonly message: string }

const fmt = (p: string[]) => p.reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');

// ---------------------------------------------------------------- core kinds (client-node models)

interface Attr { name: string; baseName: string; type: string }
const models = k8sClient as unknown as Record<string, { getAttributeTypeMap?: () => Attr[] }>;
const modelDir = path.join(path.dirname(require.resolve('@kubernetes/client-node/package.json')), 'dist', 'gen', 'model');
const requiredCache = new Map<string, Set<string>>();

/** Required properties of a model: the non-optional ones of its generated TypeScript declaration. */
function requiredOf(model: string): Set<string> {
  let req = requiredCache.get(model);
  if (!req) {
    const file = path.join(modelDir, model[0].toLowerCase() + model.slice(1) + '.d.ts');
    const text = fs.readFileSync(file, 'utf8');
    req = new Set([...text.matchAll(/^\s+'([A-Za-z0-9_$]+)':/gm)].map((m) => m[1]));
    requiredCache.set(model, req);
  }
  return req;
}

function attrsOf(model: string): Attr[] {
  const m = models[model];
  if (!m?.getAttributeTypeMap) throw new Error(`no Kubernetes 1.30 model ${model}`);
  return m.getAttributeTypeMap();
}

/** The client-node model class of a core apiVersion/kind, e.g. apps/v1 Deployment → V1Deployment. */
export function coreModelName(apiVersion: string, kind: string): string | undefined {
  const version = apiVersion.split('/').pop()!;
  const name = version[0].toUpperCase() + version.slice(1) + kind;
  return models[name]?.getAttributeTypeMap ? name : undefined;
}

function checkType(value: unknown, type: string, p: string[], errors: SchemaError[]): void {
  const err = (message: string): void => { errors.push({ path: fmt(p), message }); };
  let m: RegExpMatchArray | null;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (!Array.isArray(value)) return err(`must be an array (${type})`);
    value.forEach((v, i) => checkType(v, m![1], [...p, String(i)], errors));
  } else if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return err(`must be a map (${type})`);
    for (const [k, v] of Object.entries(value)) checkType(v, m[1], [...p, k], errors);
  } else if (type === 'string' || type === 'Date') {
    if (typeof value !== 'string') err('must be a string');
  } else if (type === 'number') {
    if (typeof value !== 'number') err('must be a number');
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') err('must be a boolean');
  } else if (type === 'IntOrString') {
    if (typeof value !== 'string' && !Number.isInteger(value)) err('must be an integer or a string');
  } else if (type === 'object') {
    // free-form (e.g. RawExtension)
  } else {
    checkModel(value, type, p, errors);
  }
}

function checkModel(value: unknown, model: string, p: string[], errors: SchemaError[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ path: fmt(p), message: `must be an object (${model})` });
    return;
  }
  const attrs = attrsOf(model);
  const byName = new Map(attrs.map((a) => [a.baseName, a]));
  for (const [k, v] of Object.entries(value)) {
    const a = byName.get(k);
    if (!a) errors.push({ path: fmt([...p, k]), message: `unknown field in ${model}` });
    else checkType(v, a.type, [...p, k], errors);
  }
  const required = requiredOf(model);
  for (const a of attrs) {
    if (required.has(a.name) && (value as Record<string, unknown>)[a.baseName] === undefined) {
      errors.push({ path: fmt([...p, a.baseName]), message: `required field missing in ${model}` });
    }
  }
}

/** Paths of present keys in objects that reject unknown fields, and of present required fields. */
function walkCore(value: unknown, type: string, p: string[], out: { strict: string[][]; required: string[][] }): void {
  let m: RegExpMatchArray | null;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (Array.isArray(value)) value.forEach((v, i) => walkCore(v, m![1], [...p, String(i)], out));
    return;
  }
  if (/^\{ \[key: string\]/.test(type) || ['string', 'number', 'boolean', 'Date', 'IntOrString', 'object'].includes(type)) return;
  if (typeof value !== 'object' || value === null) return;
  const attrs = new Map(attrsOf(type).map((a) => [a.baseName, a]));
  const required = requiredOf(type);
  for (const [k, v] of Object.entries(value)) {
    const a = attrs.get(k);
    if (!a) continue;
    out.strict.push([...p, k]);
    if (required.has(a.name)) out.required.push([...p, k]);
    walkCore(v, a.type, [...p, k], out);
  }
}

// ---------------------------------------------------------------- custom kinds (CRD openAPIV3Schema)

interface CrdEntry { file: string; schema: any }
let crdIndex: Map<string, CrdEntry> | undefined;

/** `group/version Kind` → the CRD file (relative to CRD_DIR) and that version's openAPIV3Schema. */
export function crdIndexByKind(): Map<string, CrdEntry> {
  if (crdIndex) return crdIndex;
  crdIndex = new Map();
  const files: string[] = [];
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.yaml') && files.push(path.join(d, e.name))));
  walk(CRD_DIR);
  for (const file of files.sort()) {
    const crd = parse(fs.readFileSync(file, 'utf8'));
    for (const v of crd.spec.versions) {
      crdIndex.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, { file: path.relative(CRD_DIR, file), schema: v.schema.openAPIV3Schema });
    }
  }
  return crdIndex;
}

/**
 * A Kubernetes structural schema as JSON Schema: objects with `properties` (or none) reject unknown
 * fields unless `x-kubernetes-preserve-unknown-fields`; `x-kubernetes-int-or-string` accepts both;
 * `nullable` admits null. The root `metadata` is checked as core ObjectMeta instead.
 */
export function toJsonSchema(s: any, root = true): any {
  if (typeof s !== 'object' || s === null) return s;
  const out: any = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'nullable' || k === 'format' || k === 'description' || k === 'example') continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, root && pk === 'metadata' ? {} : toJsonSchema(pv, false)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = typeof v === 'object' ? toJsonSchema(v, false) : v;
    } else if (k === 'pattern') {
      // Kubernetes patterns are Go RE2; the few that JavaScript cannot compile (e.g. `(?i)`) are not checked.
      try { new RegExp(v as string, 'u'); out.pattern = v; } catch { /* RE2-only syntax */ }
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      out[k] = (v as any[]).map((x) => toJsonSchema(x, false));
    } else {
      out[k] = v;
    }
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    if (!out.anyOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.type === 'object' && !s['x-kubernetes-preserve-unknown-fields'] && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (s.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const compiled = new Map<string, { validate: ValidateFunction; jsonSchema: any; file: string }>();

function crdValidator(apiVersion: string, kind: string) {
  const key = `${apiVersion} ${kind}`;
  let c = compiled.get(key);
  if (!c) {
    const entry = crdIndexByKind().get(key);
    if (!entry) return undefined;
    const jsonSchema = toJsonSchema(entry.schema);
    c = { validate: ajv.compile(jsonSchema), jsonSchema, file: entry.file };
    compiled.set(key, c);
  }
  return c;
}

function ajvErrors(errors: ErrorObject[] | null | undefined): SchemaError[] {
  return (errors ?? []).filter((e) => !['anyOf', 'oneOf', 'if'].includes(e.keyword)).map((e) => {
    const p = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.keyword === 'additionalProperties') return { path: fmt([...p, (e.params as any).additionalProperty]), message: 'unknown field' };
    if (e.keyword === 'required') return { path: fmt([...p, (e.params as any).missingProperty]), message: 'required field missing' };
    return { path: fmt(p), message: e.message ?? e.keyword };
  });
}

function walkCrd(value: unknown, schema: any, p: string[], out: { strict: string[][]; required: string[][] }): void {
  if (typeof value !== 'object' || value === null || !schema) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => walkCrd(v, schema.items, [...p, String(i)], out));
    return;
  }
  if (!schema.properties) return;
  const required = new Set<string>(schema.required ?? []);
  for (const [k, v] of Object.entries(value)) {
    const sub = schema.properties[k];
    if (!sub || (p.length === 0 && k === 'metadata')) continue;
    if (schema.additionalProperties === false) out.strict.push([...p, k]);
    if (required.has(k)) out.required.push([...p, k]);
    walkCrd(v, sub, [...p, k], out);
  }
}

// ---------------------------------------------------------------- entry points

export interface Validation {
  /** `core (Kubernetes 1.30)` or the CRD file it was checked against. */
  readonly against: string;
  readonly errors: SchemaError[];
}

/** Validates one manifest. Unknown apiVersion/kind is an error (nothing goes unchecked). */
export function validateManifest(obj: any): Validation {
  const errors: SchemaError[] = [];
  if (typeof obj?.apiVersion !== 'string') errors.push({ path: 'apiVersion', message: 'required field missing' });
  if (typeof obj?.kind !== 'string') errors.push({ path: 'kind', message: 'required field missing' });
  if (typeof obj?.metadata?.name !== 'string') errors.push({ path: 'metadata.name', message: 'required field missing' });
  if (errors.length) return { against: 'manifest', errors };
  const core = coreModelName(obj.apiVersion, obj.kind);
  if (core) {
    checkModel(obj, core, [], errors);
    return { against: `core ${core} (Kubernetes 1.30)`, errors };
  }
  const crd = crdValidator(obj.apiVersion, obj.kind);
  if (!crd) return { against: 'none', errors: [{ path: 'kind', message: `no schema for ${obj.apiVersion} ${obj.kind}` }] };
  crd.validate(obj);
  errors.push(...ajvErrors(crd.validate.errors));
  if (obj.metadata !== undefined) checkModel(obj.metadata, 'V1ObjectMeta', ['metadata'], errors);
  return { against: `CRD ${crd.file}`, errors };
}

/** Present paths of a manifest where a misspelling is an error, and present required fields. */
export function mutationTargets(obj: any): { strict: string[][]; required: string[][] } {
  const out = { strict: [] as string[][], required: [] as string[][] };
  const core = coreModelName(obj.apiVersion, obj.kind);
  if (core) {walkCore(obj, core, [], out);} else {
    const crd = crdValidator(obj.apiVersion, obj.kind);
    if (crd) walkCrd(obj, crd.jsonSchema, [], out);
    walkCore(obj.metadata, 'V1ObjectMeta', ['metadata'], out);
  }
  out.required.push(['metadata', 'name']);
  return out;
}

export const formatPath = fmt;

/** Errors of a value against a Kubernetes 1.30 core model (e.g. V1ResourceRequirements), paths relative to the value. */
export function validateCoreModel(value: unknown, model: string): SchemaError[] {
  const errors: SchemaError[] = [];
  checkModel(value, model, [], errors);
  return errors;
}
