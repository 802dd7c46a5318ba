// Times the native kernels on the shapes of the issue and prints ms and
// GFLOP/s.
//
//   node bench.mjs [--min] [--threads N] [--json]
//   node bench.mjs --compare [--rounds R] [--min]   # also runs bench_torch.py
//
// --min reports the fastest repetition instead of the median (steadier on a
// machine shared with other work). --compare alternates our run and
// PyTorch's R times (default 3), keeps each row's best round and prints a
// markdown table with the ratio ours / PyTorch. OPENBLAS_CORETYPE is left as
// the environment sets it, for both.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const { available, reason, native } = require('./index.js');

if (!available) {
  console.log(`@proj/core-native not available: ${reason}`);
  process.exit(0);
}
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const json = argv.includes('--json');
const useMin = argv.includes('--min');
const compare = argv.includes('--compare');
const threads = Number(opt('--threads', native.getNumThreads()));
native.setNumThreads(threads);

function rand(n, seed = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

/** Median (or fastest, --min) time of fn in ms after warm-up, over >= minReps runs and >= minMs. */
function time(fn, { warmup = 3, minReps = 10, minMs = 1000 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const ts = [];
  const start = performance.now();
  while (ts.length < minReps || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
    if (ts.length >= 1000) break;
  }
  ts.sort((a, b) => a - b);
  return useMin ? ts[0] : ts[Math.floor(ts.length / 2)];
}

const GEMMS = [[16384, 64, 288], [512, 512, 512], [1024, 1024, 1024]];
const gemmName = ([M, N, K]) => `sgemm ${M}x${K} * ${K}x${N}`;

/** One pass over every case: [{ name, flops, ms }]. */
function runOurs() {
  const rows = [];
  const add = (name, flops, ms) => rows.push({ name, flops, ms });
  for (const backend of ['openblas', 'onednn']) {
    native.setGemmBackend(backend);
    for (const s of GEMMS) {
      const [M, N, K] = s;
      const A = rand(M * K, 1), B = rand(K * N, 2), C = new Float32Array(M * N);
      add(`${gemmName(s)}${backend === 'onednn' ? ' [onednn]' : ''}`, 2 * M * N * K, time(() => native.sgemm(false, false, M, N, K, A, B, C)));
    }
  }
  native.setGemmBackend('openblas');
  const [N, H, W, Ci, Co, k] = [64, 16, 16, 32, 64, 3];
  const x = rand(N * H * W * Ci, 3), w = rand(k * k * Ci * Co, 4), y = new Float32Array(N * H * W * Co);
  const dy = rand(N * H * W * Co, 5), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
  const args = [[1, 1], [1, 1], [1, 1, 1, 1]];
  const flops = 2 * N * H * W * Co * Ci * k * k;
  const tag = `[${N},${H},${W},${Ci}] 3x3x${Co} same`;
  add(`conv2d ${tag}`, flops, time(() => native.conv2d(x, [N, H, W, Ci], w, [k, k, Ci, Co], y, [N, H, W, Co], ...args)));
  add(`conv2dBackpropInput ${tag}`, flops, time(() => native.conv2dBackpropInput(dy, [N, H, W, Co], w, [k, k, Ci, Co], dx, [N, H, W, Ci], ...args)));
  add(`conv2dBackpropFilter ${tag}`, flops, time(() => native.conv2dBackpropFilter(x, [N, H, W, Ci], dy, [N, H, W, Co], dw, [k, k, Ci, Co], ...args)));
  return rows;
}

function runTorch() {
  const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!py) return null;
  const r = spawnSync(py, [path.join(here, 'bench_torch.py'), '--json', '--threads', String(threads), ...(useMin ? ['--min'] : [])], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const gf = (flops, ms) => flops / ms / 1e6;
const info = native.info();
const header =
  `oneDNN ${info.onednn} (${info.onednnRuntime}, ${info.onednnIsa}); ${info.openblas}; ` +
  `threads ${threads}; OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}; ${useMin ? 'best' : 'median'} of repetitions`;

if (!compare) {
  const rows = runOurs();
  if (json) {
    console.log(JSON.stringify({ info, OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null, stat: useMin ? 'min' : 'median', rows }));
  } else {
    console.log(header);
    for (const r of rows) console.log(`${r.name.padEnd(48)} ${r.ms.toFixed(3).padStart(9)} ms ${gf(r.flops, r.ms).toFixed(1).padStart(8)} GFLOP/s`);
  }
} else {
  const rounds = Number(opt('--rounds', 3));
  const best = new Map();
  const keep = (key, ms, flops) => {
    const prev = best.get(key);
    if (!prev || ms < prev.ms) best.set(key, { ms, flops });
  };
  let torchVersion = null;
  for (let i = 0; i < rounds; i++) {
    for (const r of runOurs()) keep(`ours:${r.name}`, r.ms, r.flops);
    const t = runTorch();
    if (t) {
      torchVersion = t.torch;
      for (const r of t.rows) keep(`torch:${r.name}`, r.ms, r.gflops * r.ms * 1e6);
    }
  }
  console.log(header);
  console.log(torchVersion ? `PyTorch ${torchVersion}, torch.set_num_threads(${threads}); each cell: best of ${rounds} alternating rounds` : 'PyTorch not found (apt-get install -y python3-torch)');
  console.log('');
  console.log('| case | ours ms | ours GFLOP/s | PyTorch ms | PyTorch GFLOP/s | ours / PyTorch time |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [key, o] of best) {
    if (!key.startsWith('ours:')) continue;
    const name = key.slice(5);
    const t = best.get(`torch:${name.replace(' [onednn]', '')}`);
    const cells = t ? [t.ms.toFixed(2), gf(t.flops, t.ms).toFixed(0), (o.ms / t.ms).toFixed(2)] : ['-', '-', '-'];
    console.log(`| ${name} | ${o.ms.toFixed(2)} | ${gf(o.flops, o.ms).toFixed(0)} | ${cells.join(' | ')} |`);
  }
}
