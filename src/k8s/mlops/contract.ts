import { declaredLabelNames, declaredSeriesNames } from '../../config/metrics';

/**
 * Checks that the rules, dashboards and scrape configs of the mlops charts use only metric and
 * label names declared in the metrics contract (`src/config/metrics.ts`). The PromQL scan is
 * lexical (no full parser): string values, range/duration brackets, numbers and Grafana variables
 * are removed, grouping clauses and label matchers give label names, and every remaining bare
 * identifier that is not a function call or keyword is a metric name.
 */

const KEYWORDS = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan', 'atan2',
]);

export interface PromqlNames {
  readonly metrics: string[];
  readonly labels: string[];
}

/** Metric and label names an expression refers to (Grafana `$var`/`${var}` placeholders allowed). */
export function promqlNames(expr: string): PromqlNames {
  const metrics = new Set<string>();
  const labels = new Set<string>();
  let s = expr;
  // Grafana's label_values(metric, label) template query.
  s = s.replace(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)/g, (_m, metric: string, label: string) => {
    metrics.add(metric);
    labels.add(label);
    return ' ';
  });
  // Label matchers: {name op "value", …}; `__name__="x"` names a metric.
  s = s.replace(/\{([^{}]*)\}/g, (_m, body: string) => {
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(body))) {
      if (m[1] === '__name__' && m[2] === '=') metrics.add(m[3].slice(1, -1));
      else labels.add(m[1]);
    }
    return ' ';
  });
  s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, _kw: string, list: string) => {
    list.split(',').map((l) => l.trim()).filter(Boolean).forEach((l) => labels.add(l));
    return ' ';
  });
  s = s.replace(/\boffset\s+-?[0-9a-z$_{}]+/g, ' ');
  s = s.replace(/\$\{[^}]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*/g, ' ');
  s = s.replace(/(^|[^a-zA-Z0-9_:])[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?/gi, '$1 ');
  const ident = /([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g;
  let m: RegExpExecArray | null;
  while ((m = ident.exec(s))) {
    if (m[2]) continue; // a function call
    if (KEYWORDS.has(m[1].toLowerCase())) continue;
    metrics.add(m[1]);
  }
  return { metrics: [...metrics].sort(), labels: [...labels].sort() };
}

/** Label names in Go/Grafana templates: `{{ $labels.x }}` (annotations) and `{{x}}` (legends). */
export function templateLabels(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) out.add(m[1]);
  for (const m of text.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)) out.add(m[1]);
  return [...out].sort();
}

/** One use of a name somewhere in the synthesized output. */
export interface NameUse {
  readonly where: string;
  readonly kind: 'metric' | 'label';
  readonly name: string;
}

function walk(value: unknown, visit: (key: string, v: unknown, path: string) => void, path = ''): void {
  if (Array.isArray(value)) {value.forEach((v, i) => walk(v, visit, `${path}[${i}]`));} else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      visit(k, v, `${path}.${k}`);
      walk(v, visit, `${path}.${k}`);
    }
  }
}

/**
 * Every metric and label name used by synthesized objects: PrometheusRule expressions, record
 * names and annotation templates; Grafana dashboard JSON in ConfigMaps (targets, legends, template
 * queries); Pod/ServiceMonitor relabelings (source/target labels, and the metric names of a `keep`
 * or `drop` on `__name__`).
 */
export function namesUsed(objects: { kind: string; metadata: { name: string }; [k: string]: any }[]): NameUse[] {
  const uses: NameUse[] = [];
  const add = (where: string, names: PromqlNames) => {
    names.metrics.forEach((name) => uses.push({ where, kind: 'metric', name }));
    names.labels.forEach((name) => uses.push({ where, kind: 'label', name }));
  };
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'PrometheusRule') {
      for (const g of o.spec.groups ?? []) {
        for (const r of g.rules ?? []) {
          const where = `${id} ${r.record ?? r.alert}`;
          add(where, promqlNames(String(r.expr)));
          if (r.record) uses.push({ where, kind: 'metric', name: r.record });
          for (const text of Object.values((r.annotations ?? {}) as Record<string, string>)) {
            templateLabels(text).forEach((name) => uses.push({ where, kind: 'label', name }));
          }
        }
      }
    }
    if (o.kind === 'ConfigMap') {
      for (const [file, text] of Object.entries((o.data ?? {}) as Record<string, string>)) {
        if (!file.endsWith('.json')) continue;
        walk(JSON.parse(text), (key, v, path) => {
          const where = `${id} ${file}${path}`;
          if ((key === 'expr' || key === 'definition') && typeof v === 'string') add(where, promqlNames(v));
          if (key === 'query' && typeof v === 'string' && v.includes('(')) add(where, promqlNames(v));
          if (key === 'legendFormat' && typeof v === 'string') templateLabels(v).forEach((name) => uses.push({ where, kind: 'label', name }));
        });
      }
    }
    if (o.kind === 'PodMonitor' || o.kind === 'ServiceMonitor') {
      walk(o.spec, (key, v, path) => {
        if ((key !== 'metricRelabelings' && key !== 'relabelings') || !Array.isArray(v)) return;
        v.forEach((r: any, i: number) => {
          const where = `${id} spec${path}[${i}]`;
          const sources: string[] = r.sourceLabels ?? [];
          // Target labels (`__meta_*`, `__address__`) are Prometheus' own during relabeling.
          sources.filter((l) => !l.startsWith('__')).forEach((name) => uses.push({ where, kind: 'label', name }));
          if (r.targetLabel && !String(r.targetLabel).startsWith('__')) uses.push({ where, kind: 'label', name: r.targetLabel });
          if (sources.length === 1 && sources[0] === '__name__' && (r.action === 'keep' || r.action === 'drop') && r.regex) {
            const alternatives = String(r.regex).replace(/^\(|\)$/g, '').split('|');
            alternatives.forEach((name) => uses.push({ where, kind: 'metric', name }));
          }
        });
      });
    }
  }
  return uses;
}

/** The uses of names the contract does not declare (empty when the output keeps to the contract). */
export function contractViolations(objects: Parameters<typeof namesUsed>[0]): NameUse[] {
  const series = declaredSeriesNames();
  const labels = declaredLabelNames();
  return namesUsed(objects).filter((u) => (u.kind === 'metric' ? !series.has(u.name) : !labels.has(u.name)));
}
