import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeGif, encodePng } from '@proj/core';
import { renderLineChartSvg } from './chart.js';
import { escapeHtml, formatNumber, htmlPage } from './html.js';
import type { RunReport } from './run.js';

function metricsTable(metrics: Record<string, number>): string {
  const rows = Object.entries(metrics).map(
    ([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${escapeHtml(formatNumber(v))}</td></tr>`,
  );
  return `<table>\n<tr><th>metric</th><th>value</th></tr>\n${rows.join('\n')}\n</table>`;
}

/** The self-contained HTML report of one run: metadata, metrics table, one inline SVG chart per curve. */
export async function renderReportHtml(r: RunReport): Promise<string> {
  const charts: string[] = [];
  for (const [name, points] of Object.entries(r.curves)) {
    if (points.length === 0) continue;
    const axes = r.axes[name] ?? {};
    const svg = await renderLineChartSvg(points, { title: name, xTitle: axes.x, yTitle: axes.y ?? name });
    charts.push(`<div class="chart">${svg}</div>`);
  }
  const figures = Object.entries(r.images).map(([name, image]) => {
    const anim = image.animation;
    const src = anim
      ? `data:image/gif;base64,${Buffer.from(encodeGif(anim.frames, { delayMs: anim.delayMs })).toString('base64')}`
      : `data:image/png;base64,${Buffer.from(encodePng(image)).toString('base64')}`;
    const [w, h] = anim ? [anim.frames[0]!.width, anim.frames[0]!.height] : [image.width, image.height];
    const caption = image.caption ?? name;
    // Small pictures (28x28 tiles) are enlarged by a whole factor so that pixels stay sharp.
    const zoom = Math.max(1, Math.min(4, Math.floor(480 / Math.max(w, h))));
    return `<figure><img src="${src}" alt="${escapeHtml(caption)}" width="${w * zoom}" height="${h * zoom}"><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  });
  const kernels = r.kernels.length > 0 ? r.kernels.join(', ') : 'none (stock backend kernels)';
  const meta = [
    ['package', r.package],
    ['backend', `${r.backend} (${r.backendReason})`],
    ['@proj/core kernels', kernels],
    ['seed', String(r.seed)],
    ['mode', r.quick ? 'quick' : 'full'],
    ...(Object.keys(r.options).length > 0
      ? [['options', Object.entries(r.options).map(([k, v]) => (v === true ? `--${k}` : v === false ? '' : `--${k} ${v}`)).filter(Boolean).join(' ')]]
      : []),
    ['started', r.startedAt],
    ['wall time', `${formatNumber(r.seconds)} s`],
  ];
  const body = [
    `<h1>${escapeHtml(r.experiment)}</h1>`,
    `<p class="meta">${escapeHtml(r.description)}</p>`,
    '<table>',
    ...meta.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    '<h2>Metrics</h2>',
    metricsTable(r.metrics),
    ...(charts.length > 0 ? ['<h2>Curves</h2>', ...charts] : []),
    ...(figures.length > 0 ? ['<h2>Images</h2>', ...figures] : []),
    ...(r.notes.length > 0 ? ['<h2>Notes</h2>', '<ul>', ...r.notes.map((n) => `<li>${escapeHtml(n)}</li>`), '</ul>'] : []),
  ].join('\n');
  return htmlPage(`${r.experiment} - proj-demo report`, body);
}

/**
 * Writes `result.json`, `report.html` and one `<name>.png` per image into
 * `dir` (created if missing); returns their paths. In result.json an image is
 * its file name and size, not its pixels.
 */
export async function writeReport(dir: string, r: RunReport): Promise<{ json: string; html: string; images: string[] }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'result.json');
  const html = join(dir, 'report.html');
  const images: string[] = [];
  const imageIndex: Record<string, { file: string; width: number; height: number; caption?: string; gif?: string }> = {};
  for (const [name, image] of Object.entries(r.images)) {
    const file = `${name}.png`;
    images.push(join(dir, file));
    await writeFile(join(dir, file), encodePng(image));
    const { animation, ...meta } = image;
    if (animation) {
      images.push(join(dir, `${name}.gif`));
      await writeFile(join(dir, `${name}.gif`), encodeGif(animation.frames, { delayMs: animation.delayMs }));
    }
    imageIndex[name] = { file, width: meta.width, height: meta.height, ...(meta.caption ? { caption: meta.caption } : {}), ...(animation ? { gif: `${name}.gif` } : {}) };
  }
  await writeFile(json, JSON.stringify({ ...r, images: imageIndex }, null, 2) + '\n');
  await writeFile(html, await renderReportHtml(r));
  return { json, html, images };
}

/** One row of the `all` index: a finished report, or the error that stopped the experiment. */
export interface IndexEntry {
  name: string;
  package: string;
  /** Folder of the report, relative to the index. */
  dir: string;
  report?: RunReport;
  error?: string;
}

/** How many metrics of each experiment the index shows (experiments list their headline first). */
const KEY_METRICS = 4;

export function renderIndexHtml(entries: readonly IndexEntry[], meta: { seed: number; quick: boolean; backend: string }): string {
  const rows = entries.map((e) => {
    const link = `<a href="${escapeHtml(encodeURI(e.dir))}/report.html">${escapeHtml(e.name)}</a>`;
    const cell = e.report
      ? Object.entries(e.report.metrics)
          .slice(0, KEY_METRICS)
          .map(([k, v]) => `${escapeHtml(k)} = ${escapeHtml(formatNumber(v))}`)
          .join('<br>')
      : `<span class="error">failed: ${escapeHtml(e.error ?? 'unknown error')}</span>`;
    const seconds = e.report ? escapeHtml(formatNumber(e.report.seconds)) : '';
    return `<tr><td>${e.report ? link : escapeHtml(e.name)}</td><td>${escapeHtml(e.package)}</td><td>${cell}</td><td class="num">${seconds}</td></tr>`;
  });
  const body = [
    '<h1>proj-demo reports</h1>',
    `<p class="meta">${escapeHtml(`backend ${meta.backend}, seed ${meta.seed}, ${meta.quick ? 'quick' : 'full'} mode`)}</p>`,
    '<table>',
    '<tr><th>experiment</th><th>package</th><th>key metrics</th><th>seconds</th></tr>',
    ...rows,
    '</table>',
  ].join('\n');
  return htmlPage('proj-demo reports', body);
}

export async function writeIndex(
  dir: string,
  entries: readonly IndexEntry[],
  meta: { seed: number; quick: boolean; backend: string },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'index.html');
  await writeFile(path, renderIndexHtml(entries, meta));
  return path;
}
