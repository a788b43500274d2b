import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { listFiles, REPO_ROOT } from './dist';
import { validateCoreModel } from './schema';

/**
 * The values lint: every key path a `helm.valuesObject` sets must exist in the chart's vendored
 * default `values.yaml` (or its subchart's, under the subchart's key), in its `values.schema.json`, or be
 * read by its templates as `.Values.<path>` (many charts document optional keys only as comments, e.g.
 * gha-runner-scale-set's `minRunners`), and where the chart ships a schema the merged values (defaults + ours, as Helm merges them) must
 * validate against it. Below a key whose default is empty (`{}`, `null`, `[]`) the defaults say
 * nothing, so such a key must be declared here: in PASS_THROUGH (the chart copies it verbatim into a
 * Kubernetes field, and we check it against that Kubernetes 1.30 model) or in FREE_FORM (keys the
 * user defines). Upstream contracts: vendor/charts/README.md.
 */

export const VENDOR_CHARTS = path.join(REPO_ROOT, 'vendor', 'charts');

/** A vendored chart: its defaults, schema and subcharts (by the key their values live under). */
export interface VendoredChart {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly defaults: Record<string, unknown>;
  readonly schema?: object;
  /** Every `.Values.a.b.c` path its templates read (keys documented only as comments in values.yaml are real when read). */
  readonly templateRefs: readonly string[][];
  readonly subcharts: Record<string, VendoredChart>;
}

/** A map whose keys the user defines: nothing below it is checked. The deepest such map, never a top-level key. */
export interface FreeFormMap {
  readonly chart: string;
  /** Dotted key path; `*` matches one segment. */
  readonly path: string;
  readonly reason: string;
}

/** A value the chart copies verbatim into a Kubernetes field: checked against that model instead. */
export interface PassThrough {
  readonly chart: string;
  readonly path: string;
  /** `@kubernetes/client-node` model name (Kubernetes 1.30), e.g. V1ResourceRequirements, or `Array<Model>`. */
  readonly model: string;
  /** Where the chart puts it (template file at the vendored tag). */
  readonly source: string;
}

/** Every free-form map we set keys below, with why its keys are ours to define. */
export const FREE_FORM: readonly FreeFormMap[] = [
  { chart: 'argo-cd', path: 'configs.cm', reason: 'argocd-cm entries: ArgoCD settings keyed by setting name (templates/argocd-configs/argocd-cm.yaml ranges over it)' },
  { chart: 'argo-cd', path: 'configs.params', reason: 'argocd-cmd-params-cm entries keyed by parameter name (templates/argocd-configs/argocd-cmd-params-cm.yaml)' },
  { chart: 'argo-cd', path: 'configs.repositories', reason: 'one repository Secret per entry, keyed by our name (templates/argocd-configs/repository-secret.yaml)' },
  { chart: 'kube-prometheus-stack', path: 'alertmanager.config.*', reason: 'Alertmanager\'s own configuration file (route, receivers, inhibit_rules): its schema is Alertmanager\'s, checked by amtool in test/k8s/mlops' },
  { chart: 'cluster', path: 'cluster.annotations', reason: 'annotations of the Cluster object, keyed by annotation name (templates/cluster.yaml `with .Values.cluster.annotations`)' },
  { chart: 'cluster', path: 'cluster.initdb', reason: 'copied into the Cluster CRD\'s spec.bootstrap.initdb (BootstrapInitDB; templates/_bootstrap.tpl `omit . "postInitApplicationSQL" "owner" "import" | toYaml`): its keys are the CRD\'s' },
  { chart: 'kube-prometheus-stack', path: 'prometheus.prometheusSpec.storageSpec', reason: 'copied to the Prometheus CRD\'s spec.storage (StorageSpec: emptyDir, ephemeral or volumeClaimTemplate): its keys are the CRD\'s, not the chart\'s (values.yaml documents it by example only)' },
  { chart: 'kube-prometheus-stack', path: 'alertmanager.alertmanagerSpec.storage', reason: 'copied to the Alertmanager CRD\'s spec.storage (StorageSpec), as above' },
];

/** Values the charts copy verbatim into Kubernetes fields (checked against the Kubernetes 1.30 model). */
export const PASS_THROUGH: readonly PassThrough[] = [
  ...['argo-cd:controller', 'argo-cd:repoServer', 'argo-cd:server', 'argo-cd:redis', 'cert-manager:', 'cert-manager:webhook', 'cert-manager:cainjector',
    'sealed-secrets:', 'kserve-resources:kserve.controller', 'cloudnative-pg:', 'cluster:cluster', 'gha-runner-scale-set-controller:',
    'kube-prometheus-stack:prometheus.prometheusSpec', 'kube-prometheus-stack:alertmanager.alertmanagerSpec', 'kube-prometheus-stack:grafana']
    .map((s) => { const [chart, at] = s.split(':'); return { chart, path: at ? `${at}.resources` : 'resources', model: 'V1ResourceRequirements', source: 'a container\'s resources' }; }),
  { chart: 'gha-runner-scale-set-controller', path: 'securityContext', model: 'V1SecurityContext', source: 'templates/deployment.yaml: the manager container\'s securityContext' },
  { chart: 'cloudnative-pg', path: 'containerSecurityContext', model: 'V1SecurityContext', source: 'templates/deployment.yaml: the manager container\'s securityContext' },
  { chart: 'gha-runner-scale-set', path: 'template.spec', model: 'V1PodSpec', source: 'templates/autoscalingrunnerset.yaml: spec.template.spec' },
  // NetworkPolicy rules copied verbatim (`toYaml`) into the chart's NetworkPolicy.
  { chart: 'kube-prometheus-stack', path: 'prometheus.networkPolicy.ingress', model: 'Array<V1NetworkPolicyIngressRule>', source: 'templates/prometheus/networkpolicy.yaml: spec.ingress' },
  { chart: 'kube-prometheus-stack', path: 'prometheus.networkPolicy.egress', model: 'Array<V1NetworkPolicyEgressRule>', source: 'templates/prometheus/networkpolicy.yaml: spec.egress' },
  {
    chart: 'kube-prometheus-stack',
    path: 'alertmanager.networkPolicy.additionalIngress',
    model: 'Array<V1NetworkPolicyIngressRule>',
    source: 'templates/alertmanager/networkpolicy.yaml: appended to spec.ingress',
  },
  {
    chart: 'kube-prometheus-stack',
    path: 'kube-state-metrics.networkPolicy.egress',
    model: 'Array<V1NetworkPolicyEgressRule>',
    source: 'kube-state-metrics 6.1.0 templates/networkpolicy.yaml: spec.egress',
  },
];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === null || v === undefined || (isMap(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);

/** Loads a chart from `vendor/charts/<name>/<version>/` (or `dir`), with the subcharts its Chart.yaml locks that are vendored. */
export function loadVendoredChart(name: string, version: string, dir = path.join(VENDOR_CHARTS, name, version)): VendoredChart {
  if (!fs.existsSync(path.join(dir, 'values.yaml'))) throw new Error(`chart ${name} ${version} is not vendored: no ${path.relative(REPO_ROOT, dir)}/values.yaml (see vendor/charts/README.md)`);
  const defaults = (parse(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8')) ?? {}) as Record<string, unknown>;
  const schemaFile = path.join(dir, 'values.schema.json');
  const schema = fs.existsSync(schemaFile) ? JSON.parse(fs.readFileSync(schemaFile, 'utf8')) : undefined;
  const chartYaml = parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'));
  const subcharts: Record<string, VendoredChart> = {};
  for (const dep of (chartYaml.dependencies ?? []) as { name: string; version: string; alias?: string }[]) {
    const subDir = path.join(VENDOR_CHARTS, dep.name, dep.version);
    if (fs.existsSync(path.join(subDir, 'values.yaml'))) subcharts[dep.alias ?? dep.name] = loadVendoredChart(dep.name, dep.version, subDir);
  }
  return { name, version, dir, defaults, schema, templateRefs: templateValueRefs(path.join(dir, 'templates')), subcharts };
}

/** The `.Values.<path>` references of every file under a templates/ folder. */
function templateValueRefs(dir: string): string[][] {
  if (!fs.existsSync(dir)) return [];
  const refs = new Set<string>();
  for (const file of listFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) refs.add(m[1].slice(1));
  }
  return [...refs].sort().map((r) => r.split('.'));
}

/** Helm's coalescing of user values over defaults: maps merge, everything else replaces, `null` deletes. */
export function mergeValues(defaults: unknown, values: unknown): unknown {
  if (!isMap(defaults) || !isMap(values)) return values === undefined ? defaults : values;
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete out[k];
    else out[k] = mergeValues(defaults[k], v);
  }
  return out;
}

const matches = (pattern: string, p: string[]) => {
  const seg = pattern.split('.');
  return seg.length === p.length && seg.every((s, i) => s === '*' || s === p[i]);
};

/** The schema node for a key path, following properties, $ref (local) and additionalProperties schemas. */
function schemaAt(root: any, p: string[]): any {
  const deref = (s: any): any => {
    let cur = s;
    for (let i = 0; cur && cur.$ref && i < 20; i++) {
      const parts = String(cur.$ref).replace(/^#\//, '').split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
      cur = parts.reduce((acc: any, k) => acc?.[k], root);
    }
    return cur;
  };
  let node = deref(root);
  for (const k of p) {
    if (!node) return undefined;
    const next = node.properties?.[k] ?? (isMap(node.additionalProperties) ? node.additionalProperties : undefined);
    node = next ? deref(next) : undefined;
  }
  return node;
}

/** validateCoreModel, for a model or an `Array<Model>`. */
function validatePassThrough(value: unknown, model: string): { path: string; message: string }[] {
  const m = /^Array<(.+)>$/.exec(model);
  if (!m) return validateCoreModel(value, model);
  if (!Array.isArray(value)) return [{ path: '', message: `must be an array (${model})` }];
  return value.flatMap((x, i) => validateCoreModel(x, m[1]).map((e) => ({ path: join(`[${i}]`, e.path), message: e.message })));
}

/** Appends a formatted sub-path (`a.b`, `[0].c`) to a path. */
function join(at: string, sub: string): string {
  if (!sub) return at;
  return sub.startsWith('[') || !at ? `${at}${sub}` : `${at}.${sub}`;
}

export interface LintProblem { readonly path: string; readonly message: string }

/** Lints one Application's valuesObject against its vendored chart. */
export function lintValues(chart: VendoredChart, values: Record<string, unknown>, freeForm = FREE_FORM, passThrough = PASS_THROUGH): LintProblem[] {
  const problems: LintProblem[] = [];
  const free = freeForm.filter((e) => e.chart === chart.name);
  const through = passThrough.filter((e) => e.chart === chart.name);

  const walk = (value: unknown, defaults: unknown, p: string[], sub?: VendoredChart, subAt = 0): void => {
    if (!isMap(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const kp = [...p, k];
      const where = kp.join('.');
      const pt = through.find((e) => matches(e.path, kp));
      if (pt) {
        for (const e of validatePassThrough(v, pt.model)) problems.push({ path: join(where, e.path), message: `${e.message} (passed to ${pt.source})` });
        continue;
      }
      if (free.some((e) => matches(e.path, kp))) continue;
      // A subchart's values live under its key; its own defaults and the parent's overrides both count.
      let nextSub = sub; let nextAt = subAt;
      let d: unknown = isMap(defaults) ? defaults[k] : undefined;
      let known = isMap(defaults) && k in defaults;
      if (!sub && p.length === 0 && chart.subcharts[k]) {
        nextSub = chart.subcharts[k]; nextAt = 1;
        d = mergeValues(nextSub.defaults, d);
        known = true;
      }
      const schemaNode = chart.schema && !nextSub ? schemaAt(chart.schema, kp) : undefined;
      const inSchema = schemaNode !== undefined;
      const owner = nextSub ?? chart;
      const rel = kp.slice(nextAt);
      const refsBelow = (n: number) => rel.length > 0
        && owner.templateRefs.some((r) => r.length >= rel.length + n && rel.every((s, i) => r[i] === s));
      if (!known && !inSchema && !refsBelow(0)) {
        problems.push({ path: where, message: `not a key of ${sub ? `subchart ${sub.name} ${sub.version} (under ${p.slice(0, subAt).join('.')})` : `${chart.name} ${chart.version}`}: not in its values.yaml${chart.schema ? ', values.schema.json' : ''} or read by its templates` });
        continue;
      }
      if (isMap(v) && Object.keys(v).length > 0) {
        if (isEmpty(d) && !schemaNode?.properties && !refsBelow(1)) {
          problems.push({ path: where, message: `the default of ${where} is empty, so its keys cannot be checked: declare ${where} (or the map below it) in PASS_THROUGH or FREE_FORM with a reason` });
          continue;
        }
        walk(v, d, kp, nextSub, nextAt);
      } else if (Array.isArray(v) && Array.isArray(d) && d.some(isMap)) {
        // A list whose default shows its items (e.g. cluster's backups.scheduledBackups): each item's keys must
        // be keys the default items use.
        const itemDefaults = Object.assign({}, ...d.filter(isMap));
        v.forEach((item, i) => {
          if (!isMap(item)) return;
          for (const ik of Object.keys(item)) {
            if (!(ik in itemDefaults)) problems.push({ path: `${where}[${i}].${ik}`, message: `not a key of the items of ${where} in the chart's values.yaml (${Object.keys(itemDefaults).join(', ')})` });
          }
        });
      }
    }
  };
  walk(values, chart.defaults, []);

  if (chart.schema) {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(chart.schema);
    if (!validate(mergeValues(chart.defaults, values))) {
      for (const e of validate.errors ?? []) problems.push({ path: e.instancePath.replace(/^\//, '').split('/').join('.'), message: `values.schema.json: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}` });
    }
  }
  return problems;
}

/** The Helm-sourced Applications of a list of synthesized objects: chart, version and valuesObject. */
export function helmApplications(objs: any[]): { name: string; chart: string; version: string; values: Record<string, unknown> }[] {
  return objs
    .filter((o) => o.kind === 'Application' && o.spec?.source?.chart)
    .map((o) => ({
      name: o.metadata.name, chart: o.spec.source.chart, version: o.spec.source.targetRevision, values: o.spec.source.helm?.valuesObject ?? {},
    }));
}
