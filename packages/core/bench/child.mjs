// One benchmark configuration in its own process. The parent (ours.mjs) sets
// PROJ_BACKEND / PROJ_FAST_KERNELS / PROJ_NATIVE before spawning this, so
// initBackend() sees them exactly as an application would.
//
//   node child.mjs <config> '<json options>'   -> one JSON line on stdout
//
// options: { quick, cases?: string[], expectNative: boolean, skipSlow: boolean, profile: boolean }
import { tf, initBackend } from '../dist/index.js';
import { CASES, makeCase } from './cases.mjs';
import { SLOW_MS, TIMING, timeIt } from './timing.mjs';

const [config, optsJson] = process.argv.slice(2);
const opts = JSON.parse(optsJson ?? '{}');

/**
 * Kernel time of one more run under tf.profile, summed per kernel name, top
 * `top` first. '__op' entries wrap kernels that are listed themselves and are
 * dropped so nothing counts twice.
 */
async function kernelProfile(run, top = 8) {
  const prof = await tf.profile(() => run());
  tf.dispose(prof.result);
  const byName = new Map();
  for (const k of prof.kernels) {
    if (k.name.endsWith('__op')) continue;
    const ms = await k.kernelTimeMs;
    const e = byName.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
    e.calls += 1;
    e.ms += typeof ms === 'number' ? ms : 0;
    byName.set(k.name, e);
  }
  const all = [...byName.values()].sort((a, b) => b.ms - a.ms);
  const total = all.reduce((a, e) => a + e.ms, 0);
  return { total_ms: total, top: all.slice(0, top) };
}

function log(msg) {
  process.stderr.write(`[bench ${config}] ${msg}\n`);
}

const info = await initBackend();
const native = info.native;
const backend = tf.getBackend();
const timing = opts.quick ? TIMING.quick : TIMING.full;
const wanted = opts.cases ? CASES.filter((c) => opts.cases.includes(c.name)) : CASES;

const results = [];
for (const c of wanted) {
  const base = { name: c.name };
  if (opts.expectNative && !native.active) {
    results.push({ ...base, status: 'n/a', note: `native unavailable: ${native.reason}` });
    continue;
  }
  const missing = c.kernels.filter((k) => !tf.getKernel(k, backend));
  if (missing.length) {
    results.push({ ...base, status: 'n/a', note: `no ${missing.join(', ')} kernel on ${backend}` });
    continue;
  }
  if (opts.skipSlow && c.slowStock) {
    results.push({ ...base, status: 'skip', note: 'seconds to minutes with stock kernels; skipped by --quick' });
    continue;
  }
  let work;
  try {
    work = makeCase(tf, c.name);
    const r = timeIt(() => tf.dispose(work.run()), timing);
    const profile = opts.profile && c.name.endsWith('_step') && r.median < SLOW_MS ? await kernelProfile(work.run) : undefined;
    results.push({ ...base, status: 'ok', samples: r.samples, median_ms: r.median, min_ms: r.min, warm: r.warm, profile });
    log(`${c.name}: median ${r.median.toFixed(2)} ms, min ${r.min.toFixed(2)} ms over ${r.samples.length}`);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const na = /not registered|not implemented/i.test(msg);
    results.push({ ...base, status: na ? 'n/a' : 'error', note: msg });
    log(`${c.name}: ${na ? 'n/a' : 'error'}: ${msg}`);
  } finally {
    work?.dispose();
  }
}

const wasmThreads = backend === 'wasm' && typeof tf.backend().numThreads === 'number' ? tf.backend().numThreads : undefined;
process.stdout.write(
  `${JSON.stringify({
    config,
    info,
    native,
    backend,
    wasmThreads,
    tensorsLeft: tf.memory().numTensors,
    results,
  })}\n`,
);
