// Pooling of repeated runs, GFLOP/s and share of peak, and plain-text tables.
import { CASES } from './cases.mjs';
import { median } from './timing.mjs';

/**
 * Merges several runs of one configuration (or of PyTorch) into one: for
 * every case, the samples of all runs that measured it, their median and min.
 * Each run is { results: [{ name, status, note?, samples? }], ... }.
 */
export function poolRuns(runs) {
  const first = runs.find((r) => !r.error) ?? runs[0];
  const cases = {};
  for (const c of CASES) {
    const entries = runs.flatMap((r) => (r.results ?? []).filter((x) => x.name === c.name));
    const ok = entries.filter((e) => e.status === 'ok');
    if (ok.length) {
      const samples = ok.flatMap((e) => e.samples);
      const profile = ok.find((e) => e.profile)?.profile;
      cases[c.name] = { status: 'ok', samples, median_ms: median(samples), min_ms: Math.min(...samples), runs: ok.length, profile };
    } else if (entries.length) {
      cases[c.name] = { status: entries[0].status, note: entries[0].note };
    } else {
      cases[c.name] = { status: first?.error ? 'error' : 'not run', note: first?.error };
    }
  }
  const { results: _drop, ...meta } = first ?? {};
  return { ...meta, errors: runs.filter((r) => r.error).map((r) => r.error), cases };
}

export function gflops(flops, ms) {
  return flops / ms / 1e6;
}

export function fmtMs(ms) {
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function fmtG(g) {
  return g >= 100 ? g.toFixed(0) : g >= 10 ? g.toFixed(1) : g >= 1 ? g.toFixed(2) : g.toFixed(3);
}

export function fmtPct(frac) {
  const p = frac * 100;
  return p >= 10 ? `${p.toFixed(0)}%` : p >= 1 ? `${p.toFixed(1)}%` : `${p.toFixed(2)}%`;
}

/** "median (min)" or the status word for a pooled case. */
export function timeCell(r) {
  if (!r) return '-';
  if (r.status !== 'ok') return r.status;
  const n = r.samples.length;
  return `${fmtMs(r.median_ms)} (${fmtMs(r.min_ms)})${n === 1 ? ' x1' : ''}`;
}

export function gflopsCell(r, flops, peak) {
  if (!r || r.status !== 'ok') return r ? r.status : '-';
  const g = gflops(flops, r.median_ms);
  return `${fmtG(g)} (${fmtPct(g / peak)})`;
}

/** A plain-text table: first column left-aligned, the rest right-aligned. */
export function formatTable(headers, rows) {
  const all = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/** Numbers only (no sample arrays) for the --json line. */
export function caseSummary(r, flops, peak) {
  if (!r || r.status !== 'ok') return { status: r?.status ?? 'not run', note: r?.note };
  const g = gflops(flops, r.median_ms);
  return {
    status: 'ok',
    median_ms: round(r.median_ms),
    min_ms: round(r.min_ms),
    reps: r.samples.length,
    gflops: round(g),
    gflops_at_min: round(gflops(flops, r.min_ms)),
    peak_fraction: round(g / peak, 5),
  };
}

export function round(x, digits = 3) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Notes collected from n/a / skip / error cells, de-duplicated, for a footer. */
export function statusNotes(pooledByColumn) {
  const notes = new Set();
  for (const [col, pooled] of pooledByColumn) {
    for (const err of pooled.errors ?? []) notes.add(`${col}: ${err}`);
    for (const [name, r] of Object.entries(pooled.cases)) {
      if (r.status !== 'ok' && r.note) notes.add(`${col} ${r.status === 'n/a' && /native unavailable/.test(r.note) ? '(all cases)' : name}: ${r.status} - ${r.note}`);
    }
  }
  return [...notes];
}

/** One line on what a configuration's process actually ran on. */
export function describeConfig(p) {
  if (p.info === undefined) return p.errors?.[0] ?? 'did not run';
  const kernels = p.info.kernels?.length ? p.info.kernels.join(',') : 'stock';
  return `backend ${p.backend}${p.wasmThreads ? ` (${p.wasmThreads} threads)` : ''}; kernels: ${kernels}; native: ${p.native.active ? 'active' : 'off'} (${p.native.reason})`;
}
