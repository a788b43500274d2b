import * as fs from 'node:fs';

/**
 * One self-contained HTML page of a demo run: no scripts, no external URLs (no network request when
 * opened). Per scenario: the timeline, the alerts, small inline SVG charts of the metrics around the
 * alert (each chart carries its points in `data-points` so a test can check them), and the analysis.
 */
export interface HtmlSeries { readonly name: string; readonly points: [number, number][] }
export interface HtmlSummary {
  readonly startedAt: string;
  readonly seconds: number;
  readonly provider: string;
  readonly results: readonly {
    scenario: string;
    ok: boolean;
    alerts: string[];
    error?: string;
    series: HtmlSeries[];
    reports: { name: string; json: Record<string, unknown>; markdown: string }[];
  }[];
  readonly timeline: readonly { t: number; scenario: string; message: string }[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** A small line chart as inline SVG (no fonts or images fetched). */
export function svgChart(series: HtmlSeries, width = 360, height = 120): string {
  const pts = series.points;
  const pad = 28;
  const data = escapeHtml(JSON.stringify(pts));
  if (pts.length === 0) {
    return `<figure class="chart" data-series="${escapeHtml(series.name)}" data-points="[]"><figcaption>${escapeHtml(series.name)}: no data</figcaption></figure>`;
  }
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys) || 1];
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (width - 2 * pad);
  const sy = (y: number) => height - pad + -((y - y0) / (y1 - y0 || 1)) * (height - 2 * pad);
  const line = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  return `<figure class="chart" data-series="${escapeHtml(series.name)}" data-points="${data}">`
    + `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(series.name)}">`
    + `<rect x="0" y="0" width="${width}" height="${height}" fill="#fafafa" stroke="#ddd"/>`
    + `<polyline fill="none" stroke="#c0392b" stroke-width="2" points="${line}"/>`
    + `<text x="4" y="12" font-size="10">${y1.toPrecision(3)}</text><text x="4" y="${height - 4}" font-size="10">${y0.toPrecision(3)}</text>`
    + `</svg><figcaption>${escapeHtml(series.name)} (${pts.length} points, max ${Math.max(...ys).toPrecision(3)})</figcaption></figure>`;
}

export function renderHtml(summary: HtmlSummary): string {
  const sections = summary.results.map((r) => {
    const events = summary.timeline.filter((e) => e.scenario === r.scenario)
      .map((e) => `<li><time>${e.t.toFixed(1)} s</time> ${escapeHtml(e.message)}</li>`).join('');
    const alerts = r.alerts.map((a) => `<span class="alert">${escapeHtml(a)}</span>`).join(' ');
    const reports = r.reports.map((rep) => `<article class="report" data-report="${escapeHtml(rep.name)}"><h3>${escapeHtml(rep.name)}</h3>`
      + `<pre>${escapeHtml(rep.markdown)}</pre><details><summary>report.json</summary><pre>${escapeHtml(JSON.stringify(rep.json, null, 2))}</pre></details></article>`).join('');
    return `<section id="scenario-${escapeHtml(r.scenario)}" data-scenario="${escapeHtml(r.scenario)}" data-ok="${r.ok}">`
      + `<h2>${escapeHtml(r.scenario)} ${r.ok ? '✓' : '✗'}</h2>`
      + (r.error ? `<p class="error">${escapeHtml(r.error)}</p>` : '')
      + (alerts ? `<p>Alerts: ${alerts}</p>` : '')
      + `<h3>Timeline</h3><ol class="timeline">${events}</ol>`
      + (r.series.length ? `<h3>Metrics around the alert</h3><div class="charts">${r.series.map((s) => svgChart(s)).join('')}</div>` : '')
      + `<h3>Analysis</h3>${reports}</section>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>self-healing-mlops demo run ${escapeHtml(summary.startedAt)}</title>
<style>body{font-family:sans-serif;max-width:980px;margin:1em auto;padding:0 1em}pre{white-space:pre-wrap;background:#f4f4f4;padding:.5em;font-size:12px}
.alert{background:#c0392b;color:#fff;padding:2px 6px;border-radius:3px}.charts{display:flex;flex-wrap:wrap;gap:1em}.error{color:#c0392b}
section{border-top:2px solid #333;margin-top:1.5em}time{color:#666;font-family:monospace}</style></head>
<body><h1>self-healing-mlops: demo run</h1>
<p>Started ${escapeHtml(summary.startedAt)}, ${summary.seconds.toFixed(1)} s, explanations by the <b>${escapeHtml(summary.provider)}</b> provider.
Code decides causes, categories and urgency; the LLM (when used) only explains.</p>
${sections}
</body></html>
`;
}

export function writeHtmlReport(file: string, summary: HtmlSummary): void {
  fs.writeFileSync(file, renderHtml(summary));
}
