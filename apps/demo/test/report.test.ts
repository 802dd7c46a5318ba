import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, formatNumber } from '../src/html.js';
import { renderLineChartSvg } from '../src/chart.js';
import { writeReport } from '../src/report.js';
import type { RunReport } from '../src/run.js';

function sampleReport(): RunReport {
  return {
    experiment: 'fake-a',
    backend: 'cpu',
    seed: 1,
    quick: true,
    seconds: 1.25,
    metrics: { test_accuracy: 0.96875, steps: 250 },
    package: '@proj/fake',
    description: 'a <fake> experiment',
    backendReason: 'test',
    kernels: ['Conv2D'],
    startedAt: '2025-01-01T00:00:00.000Z',
    options: { model: 'j1j2', marshall: true },
    curves: {
      test_accuracy: [
        { x: 1, y: 0.9 },
        { x: 2, y: 0.97 },
      ],
      'loss <by> client': [
        { x: 1, y: 2, series: 'a' },
        { x: 2, y: 1, series: 'a' },
        { x: 1, y: 3, series: 'b' },
        { x: 2, y: 2, series: 'b' },
      ],
      empty: [],
    },
    axes: { test_accuracy: { x: 'epoch', y: 'accuracy' } },
    notes: ['<script>alert("x")</script> & more'],
    images: { samples: { width: 2, height: 1, channels: 1, data: Uint8Array.of(0, 255), caption: 'two <pixels>' } },
  };
}

describe('writeReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'proj-demo-report-'));

  it('writes result.json with the summary keys plus curves and notes', async () => {
    const r = sampleReport();
    const paths = await writeReport(join(dir, 'nested', 'out'), r);
    const json = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(json).toMatchObject({ experiment: 'fake-a', backend: 'cpu', seed: 1, quick: true, seconds: 1.25 });
    expect(json.metrics).toEqual(r.metrics);
    expect(json.curves.test_accuracy).toEqual(r.curves.test_accuracy);
    expect(json.notes).toEqual(r.notes);
    // Images are files beside result.json, listed by name and size.
    expect(json.images).toEqual({ samples: { file: 'samples.png', width: 2, height: 1, caption: 'two <pixels>' } });
    expect(paths.images).toEqual([join(dir, 'nested', 'out', 'samples.png')]);
    expect([...readFileSync(paths.images[0]!).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });

  it('writes an animation as <name>.gif beside its still and plays it inline in the page', async () => {
    const frame = (v: number) => ({ width: 2, height: 1, channels: 1 as const, data: Uint8Array.of(v, 255 - v) });
    const r = { ...sampleReport(), images: { video: { ...frame(0), caption: 'clip', animation: { frames: [frame(0), frame(255)], delayMs: 100 } } } };
    const out = join(dir, 'anim');
    const paths = await writeReport(out, r);
    expect(paths.images).toEqual([join(out, 'video.png'), join(out, 'video.gif')]);
    expect(readFileSync(join(out, 'video.gif')).subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const json = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(json.images.video).toEqual({ file: 'video.png', width: 2, height: 1, caption: 'clip', gif: 'video.gif' });
    expect(readFileSync(paths.html, 'utf8')).toMatch(/<img src="data:image\/gif;base64,[A-Za-z0-9+/=]+" alt="clip" width="8" height="4">/);
  });

  it('writes a self-contained HTML page with inline SVG charts and escaped text', async () => {
    const paths = await writeReport(dir, sampleReport());
    const html = readFileSync(paths.html, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // One chart per non-empty curve.
    expect(html.match(/<svg[\s>]/g)).toHaveLength(2);
    // Nothing to fetch: no scripts, no stylesheets, no URLs at all.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/https?:/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('a &lt;fake&gt; experiment');
    expect(html).not.toContain('<fake>');
    expect(html).toContain('0.9688');
    expect(html).toContain('cpu (test)');
    // The image is inline, enlarged by a whole factor, with its caption escaped.
    expect(html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="two &lt;pixels&gt;" width="8" height="4">/);
  });
});

describe('renderLineChartSvg', () => {
  it('draws axis titles and escapes a title with markup', async () => {
    const svg = await renderLineChartSvg([{ x: 0, y: 1 }, { x: 1, y: 0 }], { title: 'a<b', xTitle: 'epoch', yTitle: 'loss' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('epoch');
    expect(svg).toContain('a&lt;b');
    expect(svg).not.toContain('a<b');
  });
});

describe('html helpers', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('formats metrics compactly', () => {
    expect(formatNumber(250)).toBe('250');
    expect(formatNumber(0.968751)).toBe('0.9688');
    expect(formatNumber(1.5e-5)).toBe('1.500e-5');
  });
});
