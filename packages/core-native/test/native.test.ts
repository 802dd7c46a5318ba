// Every native kernel against a naive reference (float64 loops written here)
// on randomized shapes, plus argument checking and the loader's fallbacks.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import type { NativeKernels, Pads, Pair, Shape4 } from '../index.js';

const require = createRequire(import.meta.url);
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const loaded = require('../index.js') as { available: boolean; reason: string; native: NativeKernels | null };

if (!loaded.available) {
  console.warn(`[@proj/core-native] native tests skipped: ${loaded.reason}`);
}

const TOL = 1e-4;

// ---------------------------------------------------------------- helpers

/** mulberry32: a small seeded generator so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    array: (n: number) => {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
      return out;
    },
  };
}

/** max |got - want| / max |want|: the error relative to the output's scale. */
function relErr(got: Float32Array, want: Float64Array): number {
  expect(got.length).toBe(want.length);
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    if (!Number.isFinite(got[i])) return Infinity;
    maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return scale === 0 ? maxDiff : maxDiff / scale;
}

interface ConvCase {
  N: number; H: number; W: number; Ci: number; Co: number; kh: number; kw: number;
  sh: number; sw: number; dh: number; dw: number; pads: Pads; Ho: number; Wo: number;
  mult: number; label: string;
}

/** Pads the way tfjs computes them for 'same' (extra pad at bottom/right). */
function samePads(H: number, W: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number) {
  const effH = (kh - 1) * dh + 1;
  const effW = (kw - 1) * dw + 1;
  const Ho = Math.ceil(H / sh);
  const Wo = Math.ceil(W / sw);
  const padH = Math.max(0, (Ho - 1) * sh + effH - H);
  const padW = Math.max(0, (Wo - 1) * sw + effW - W);
  const top = Math.floor(padH / 2);
  const left = Math.floor(padW / 2);
  return { pads: [top, left, padH - top, padW - left] as Pads, Ho, Wo };
}

function outSize(inp: number, k: number, s: number, d: number, p0: number, p1: number) {
  return Math.floor((inp + p0 + p1 - ((k - 1) * d + 1)) / s) + 1;
}

function randomConvCase(r: ReturnType<typeof rng>, depthwise: boolean): ConvCase {
  for (;;) {
    const N = r.int(1, 3);
    const H = r.int(1, 11);
    const W = r.int(1, 11);
    const Ci = r.pick([1, 2, 3, 5, 8, 16, 17, 32]);
    const Co = r.pick([1, 3, 4, 7, 16, 24, 33]);
    const kh = r.int(1, 4);
    const kw = r.int(1, 4);
    const sh = r.int(1, 2);
    const sw = r.int(1, 2);
    const dh = r.int(1, 2);
    const dw = r.int(1, 2);
    const mult = r.int(1, 3);
    const mode = r.pick(['valid', 'same', 'explicit'] as const);
    let pads: Pads;
    let Ho: number;
    let Wo: number;
    if (mode === 'same') {
      ({ pads, Ho, Wo } = samePads(H, W, kh, kw, sh, sw, dh, dw));
    } else {
      pads = mode === 'valid' ? [0, 0, 0, 0] : [r.int(0, 2), r.int(0, 2), r.int(0, 2), r.int(0, 2)];
      Ho = outSize(H, kh, sh, dh, pads[0], pads[2]);
      Wo = outSize(W, kw, sw, dw, pads[1], pads[3]);
    }
    if (Ho < 1 || Wo < 1) continue;
    const label = `x[${N},${H},${W},${Ci}] k${kh}x${kw}${depthwise ? `x${mult}` : `x${Co}`} s${sh},${sw} d${dh},${dw} ${mode}[${pads}]`;
    return { N, H, W, Ci, Co: depthwise ? Ci * mult : Co, kh, kw, sh, sw, dh, dw, pads, Ho, Wo, mult, label };
  }
}

/**
 * Visits every (output position, tap, in-channel, out-channel) product of a
 * convolution: f(xIndex, wIndex, yIndex). Depthwise: out channel = ci*mult+m.
 */
function forEachTap(c: ConvCase, depthwise: boolean, f: (xi: number, wi: number, yi: number) => void) {
  const { N, H, W, Ci, Co, kh, kw, sh, sw, dh, dw, pads, Ho, Wo, mult } = c;
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < Ho; oh++)
      for (let ow = 0; ow < Wo; ow++)
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - pads[0] + i * dh;
          if (ih < 0 || ih >= H) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw - pads[1] + j * dw;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((n * H + ih) * W + iw) * Ci;
            const yBase = ((n * Ho + oh) * Wo + ow) * Co;
            if (depthwise) {
              for (let ci = 0; ci < Ci; ci++)
                for (let m = 0; m < mult; m++)
                  f(xBase + ci, ((i * kw + j) * Ci + ci) * mult + m, yBase + ci * mult + m);
            } else {
              for (let ci = 0; ci < Ci; ci++)
                for (let co = 0; co < Co; co++) f(xBase + ci, ((i * kw + j) * Ci + ci) * Co + co, yBase + co);
            }
          }
        }
}

function convShapes(c: ConvCase, depthwise: boolean) {
  const xShape: Shape4 = [c.N, c.H, c.W, c.Ci];
  const wShape: Shape4 = [c.kh, c.kw, c.Ci, depthwise ? c.mult : c.Co];
  const yShape: Shape4 = [c.N, c.Ho, c.Wo, c.Co];
  return { xShape, wShape, yShape, strides: [c.sh, c.sw] as Pair, dil: [c.dh, c.dw] as Pair };
}

function checkConv(native: NativeKernels, c: ConvCase, depthwise: boolean, seed: number) {
  const r = rng(seed);
  const { xShape, wShape, yShape, strides, dil } = convShapes(c, depthwise);
  const xLen = xShape.reduce((a, b) => a * b);
  const wLen = wShape.reduce((a, b) => a * b);
  const yLen = yShape.reduce((a, b) => a * b);
  const x = r.array(xLen);
  const w = r.array(wLen);
  const dy = r.array(yLen);

  const yRef = new Float64Array(yLen);
  const dxRef = new Float64Array(xLen);
  const dwRef = new Float64Array(wLen);
  forEachTap(c, depthwise, (xi, wi, yi) => {
    yRef[yi] += x[xi] * w[wi];
    dxRef[xi] += dy[yi] * w[wi];
    dwRef[wi] += x[xi] * dy[yi];
  });

  // Outputs start as garbage so that a kernel that skips elements is caught.
  const y = new Float32Array(yLen).fill(NaN);
  const dx = new Float32Array(xLen).fill(NaN);
  const dW = new Float32Array(wLen).fill(NaN);
  if (depthwise) {
    native.depthwiseConv2d(x, xShape, w, wShape, y, yShape, strides, dil, c.pads);
    native.depthwiseConv2dBackpropInput(dy, yShape, w, wShape, dx, xShape, strides, dil, c.pads);
    native.depthwiseConv2dBackpropFilter(x, xShape, dy, yShape, dW, wShape, strides, dil, c.pads);
  } else {
    native.conv2d(x, xShape, w, wShape, y, yShape, strides, dil, c.pads);
    native.conv2dBackpropInput(dy, yShape, w, wShape, dx, xShape, strides, dil, c.pads);
    native.conv2dBackpropFilter(x, xShape, dy, yShape, dW, wShape, strides, dil, c.pads);
  }
  return { forward: relErr(y, yRef), backpropInput: relErr(dx, dxRef), backpropFilter: relErr(dW, dwRef) };
}

function refGemm(ta: boolean, tb: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array,
  alpha: number, beta: number, C0: Float32Array, aOff = 0, bOff = 0, cOff = 0) {
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = A[aOff + (ta ? k * M + m : m * K + k)];
        const b = B[bOff + (tb ? n * K + k : k * N + n)];
        s += a * b;
      }
      out[m * N + n] = alpha * s + (beta === 0 ? 0 : beta * C0[cOff + m * N + n]);
    }
  return out;
}

function checkSgemm(native: NativeKernels, seed: number) {
  const r = rng(seed);
  for (let t = 0; t < 40; t++) {
    const M = r.int(1, 70);
    const N = r.int(1, 70);
    const K = r.int(1, 90);
    const ta = r.next() < 0.5;
    const tb = r.next() < 0.5;
    const alpha = r.pick([1, 0.5, -2]);
    const beta = r.pick([0, 1, 0.25]);
    const A = r.array(M * K);
    const B = r.array(K * N);
    const C = r.array(M * N);
    const want = refGemm(ta, tb, M, N, K, A, B, alpha, beta, C);
    native.sgemm(ta, tb, M, N, K, A, B, C, alpha, beta);
    expect(relErr(C, want), `M${M} N${N} K${K} ta${ta} tb${tb} a${alpha} b${beta}`).toBeLessThanOrEqual(TOL);
  }
}

interface PoolCase { N: number; H: number; W: number; C: number; fh: number; fw: number; sh: number; sw: number; pads: Pads; Ho: number; Wo: number; label: string }

function randomPoolCase(r: ReturnType<typeof rng>): PoolCase {
  for (;;) {
    const N = r.int(1, 3);
    const H = r.int(1, 10);
    const W = r.int(1, 10);
    const C = r.pick([1, 3, 8, 16, 19, 32]);
    const fh = r.int(1, 3);
    const fw = r.int(1, 3);
    const sh = r.int(1, 2);
    const sw = r.int(1, 2);
    const same = r.next() < 0.5;
    let pads: Pads = [0, 0, 0, 0];
    let Ho: number;
    let Wo: number;
    if (same) ({ pads, Ho, Wo } = samePads(H, W, fh, fw, sh, sw, 1, 1));
    else {
      Ho = outSize(H, fh, sh, 1, 0, 0);
      Wo = outSize(W, fw, sw, 1, 0, 0);
    }
    if (Ho < 1 || Wo < 1) continue;
    return { N, H, W, C, fh, fw, sh, sw, pads, Ho, Wo, label: `x[${N},${H},${W},${C}] f${fh}x${fw} s${sh},${sw} ${same ? 'same' : 'valid'}[${pads}]` };
  }
}

/** tfjs semantics: windows skip padding; max backprop goes to the first max (row-major). */
function refPool(p: PoolCase, x: Float32Array, dy: Float32Array) {
  const { N, H, W, C, fh, fw, sh, sw, pads, Ho, Wo } = p;
  const yMax = new Float64Array(N * Ho * Wo * C);
  const yAvg = new Float64Array(N * Ho * Wo * C);
  const dxMax = new Float64Array(N * H * W * C);
  const dxAvg = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < Ho; oh++)
      for (let ow = 0; ow < Wo; ow++)
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let bestAt = -1;
          let sum = 0;
          const at: number[] = [];
          for (let i = 0; i < fh; i++) {
            const ih = oh * sh - pads[0] + i;
            if (ih < 0 || ih >= H) continue;
            for (let j = 0; j < fw; j++) {
              const iw = ow * sw - pads[1] + j;
              if (iw < 0 || iw >= W) continue;
              const xi = ((n * H + ih) * W + iw) * C + c;
              if (x[xi] > best) {
                best = x[xi];
                bestAt = xi;
              }
              sum += x[xi];
              at.push(xi);
            }
          }
          const yi = ((n * Ho + oh) * Wo + ow) * C + c;
          yMax[yi] = best;
          yAvg[yi] = sum / at.length;
          dxMax[bestAt] += dy[yi];
          for (const xi of at) dxAvg[xi] += dy[yi] / at.length;
        }
  return { yMax, yAvg, dxMax, dxAvg };
}

// ------------------------------------------------------------------ tests

describe.skipIf(!loaded.available)('@proj/core-native kernels', () => {
  const native = loaded.native as NativeKernels;

  it('reports the libraries and threads', () => {
    const i = native.info();
    expect(i.onednn).toMatch(/^\d+\.\d+/);
    expect(i.openblas).toContain('OpenBLAS');
    expect(i.threads).toBeGreaterThanOrEqual(1);
    expect(i.openblasThreads).toBe(i.threads);
    expect(i.gemm).toBe('openblas');
    expect(i.mallocTuned).toBe(process.env.PROJ_NATIVE_MALLOC !== '0');
  });

  it.each(['openblas', 'onednn'] as const)('sgemm (%s) matches the reference for every transpose, alpha and beta', (backend) => {
    native.setGemmBackend(backend);
    try {
      checkSgemm(native, backend === 'openblas' ? 11 : 14);
    } finally {
      native.setGemmBackend('openblas');
    }
  });

  it.each(['openblas', 'onednn'] as const)('sgemm (%s) handles the large shapes of the benchmark', (backend) => {
    const r = rng(12);
    native.setGemmBackend(backend);
    try {
      for (const [M, N, K] of [[300, 64, 288], [257, 129, 513]]) {
        const A = r.array(M * K);
        const B = r.array(K * N);
        const C = new Float32Array(M * N);
        native.sgemm(false, true, M, N, K, A, B, C);
        expect(relErr(C, refGemm(false, true, M, N, K, A, B, 1, 0, C)), `${M}x${N}x${K}`).toBeLessThanOrEqual(TOL);
      }
    } finally {
      native.setGemmBackend('openblas');
    }
  });

  it('batchedSgemm matches the reference, with broadcasting, on both paths', () => {
    const r = rng(13);
    const cases: [number, number, number, number][] = [];
    for (let t = 0; t < 24; t++) cases.push([r.int(1, 5), r.int(1, 40), r.int(1, 40), r.int(1, 40)]);
    cases.push([3, 150, 130, 140], [1, 33, 17, 65]); // batch 1 goes to sgemm
    for (const [batch, M, N, K] of cases) {
      const ta = r.next() < 0.5;
      const tb = r.next() < 0.5;
      const bcA = r.next() < 0.3;
      const bcB = !bcA && r.next() < 0.3;
      const A = r.array((bcA ? 1 : batch) * M * K);
      const B = r.array((bcB ? 1 : batch) * K * N);
      const C = new Float32Array(batch * M * N).fill(NaN);
      native.batchedSgemm(batch, ta, tb, M, N, K, A, B, C, bcA, bcB);
      const want = new Float64Array(batch * M * N);
      for (let b = 0; b < batch; b++) {
        want.set(refGemm(ta, tb, M, N, K, A, B, 1, 0, C, bcA ? 0 : b * M * K, bcB ? 0 : b * K * N), b * M * N);
      }
      expect(relErr(C, want), `b${batch} M${M} N${N} K${K} ta${ta} tb${tb} bcA${bcA} bcB${bcB}`).toBeLessThanOrEqual(TOL);
    }
  });

  it('conv2d and both gradients match the reference on random shapes', () => {
    const r = rng(21);
    const cases: ConvCase[] = [];
    for (let t = 0; t < 60; t++) cases.push(randomConvCase(r, false));
    // Shapes where oneDNN takes its blocked/brgemm paths, incl. asymmetric 'same'.
    const fixed: [number, number, number, number, number, number, number, number][] = [
      // N, H, W, Ci, Co, kh, kw, stride
      [2, 8, 8, 32, 64, 3, 3, 1],
      [1, 9, 7, 16, 48, 2, 2, 2],
      [3, 6, 10, 17, 33, 3, 1, 2],
      [2, 12, 12, 64, 32, 5, 5, 1],
      [1, 4, 4, 1, 1, 4, 4, 1],
    ];
    for (const [N, H, W, Ci, Co, kh, kw, s] of fixed) {
      const { pads, Ho, Wo } = samePads(H, W, kh, kw, s, s, 1, 1);
      cases.push({ N, H, W, Ci, Co, kh, kw, sh: s, sw: s, dh: 1, dw: 1, pads, Ho, Wo, mult: 1, label: `fixed x[${N},${H},${W},${Ci}] k${kh}x${kw}x${Co} s${s} same[${pads}]` });
    }
    let worst = 0;
    for (const [i, c] of cases.entries()) {
      const e = checkConv(native, c, false, 100 + i);
      for (const [k, v] of Object.entries(e)) {
        expect(v, `${k} ${c.label}`).toBeLessThanOrEqual(TOL);
        worst = Math.max(worst, v);
      }
    }
    expect(worst).toBeLessThanOrEqual(TOL);
  });

  it('a ceil-rounded output size widens the bottom/right pad', () => {
    // H = 5, k = 2, stride 2, no pads: floor gives 2 rows, ceil gives 3.
    const c: ConvCase = { N: 1, H: 5, W: 5, Ci: 3, Co: 4, kh: 2, kw: 2, sh: 2, sw: 2, dh: 1, dw: 1, pads: [0, 0, 0, 0], Ho: 3, Wo: 3, mult: 1, label: 'ceil' };
    const e = checkConv(native, c, false, 7);
    expect(Math.max(e.forward, e.backpropInput, e.backpropFilter)).toBeLessThanOrEqual(TOL);
  });

  it('depthwiseConv2d and both gradients match the reference on random shapes', () => {
    const r = rng(31);
    for (let t = 0; t < 40; t++) {
      const c = randomConvCase(r, true);
      const e = checkConv(native, c, true, 200 + t);
      for (const [k, v] of Object.entries(e)) expect(v, `${k} ${c.label}`).toBeLessThanOrEqual(TOL);
    }
  });

  it('maxPool / avgPool and their gradients match tfjs semantics, ties included', () => {
    const r = rng(41);
    for (let t = 0; t < 40; t++) {
      const p = randomPoolCase(r);
      const xShape: Shape4 = [p.N, p.H, p.W, p.C];
      const yShape: Shape4 = [p.N, p.Ho, p.Wo, p.C];
      const xLen = p.N * p.H * p.W * p.C;
      const yLen = p.N * p.Ho * p.Wo * p.C;
      // Every other case is quantised so that windows hold equal maxima (ReLU zeros).
      const x = r.array(xLen);
      if (t % 2 === 1) for (let i = 0; i < xLen; i++) x[i] = Math.max(0, Math.round(x[i] * 2));
      const dy = r.array(yLen);
      const ref = refPool(p, x, dy);
      const f: Pair = [p.fh, p.fw];
      const s: Pair = [p.sh, p.sw];
      const y = new Float32Array(yLen).fill(NaN);
      const dx = new Float32Array(xLen).fill(NaN);
      native.maxPool(x, xShape, y, yShape, f, s, p.pads);
      expect(relErr(y, ref.yMax), `maxPool ${p.label}`).toBeLessThanOrEqual(TOL);
      native.maxPoolBackprop(dy, yShape, x, xShape, dx, f, s, p.pads);
      expect(relErr(dx, ref.dxMax), `maxPoolBackprop ${p.label}`).toBeLessThanOrEqual(TOL);
      native.avgPool(x, xShape, y, yShape, f, s, p.pads);
      expect(relErr(y, ref.yAvg), `avgPool ${p.label}`).toBeLessThanOrEqual(TOL);
      native.avgPoolBackprop(dy, yShape, dx, xShape, f, s, p.pads);
      expect(relErr(dx, ref.dxAvg), `avgPoolBackprop ${p.label}`).toBeLessThanOrEqual(TOL);
    }
  });

  it('repeated calls reuse cached primitives and give identical results', () => {
    const r = rng(51);
    const x = r.array(2 * 8 * 8 * 16);
    const w = r.array(3 * 3 * 16 * 32);
    const y1 = new Float32Array(2 * 8 * 8 * 32);
    const y2 = new Float32Array(y1.length);
    const args = [[1, 1], [1, 1], [1, 1, 1, 1]] as const;
    native.conv2d(x, [2, 8, 8, 16], w, [3, 3, 16, 32], y1, [2, 8, 8, 32], [...args[0]], [...args[1]], [...args[2]]);
    const w0 = w[0];
    w[0] += 1; // weights change between steps: the reorder must see the new values
    native.conv2d(x, [2, 8, 8, 16], w, [3, 3, 16, 32], y2, [2, 8, 8, 32], [...args[0]], [...args[1]], [...args[2]]);
    // Output (0,1,1): channel 0 reads w[0] (tap 0,0, ci 0, co 0), channel 31 does not.
    const at = (1 * 8 + 1) * 32;
    expect(y2[at + 31]).toBe(y1[at + 31]);
    expect(y2[at]).not.toBe(y1[at]);
    w[0] = w0;
    native.conv2d(x, [2, 8, 8, 16], w, [3, 3, 16, 32], y2, [2, 8, 8, 32], [...args[0]], [...args[1]], [...args[2]]);
    expect(Array.from(y2)).toEqual(Array.from(y1));
  });

  it('setNumThreads changes the thread count and results stay correct', () => {
    const before = native.getNumThreads();
    try {
      native.setNumThreads(1);
      expect(native.info().threads).toBe(1);
      expect(native.info().openblasThreads).toBe(1);
      const c = randomConvCase(rng(61), false);
      const e = checkConv(native, c, false, 61);
      expect(Math.max(e.forward, e.backpropInput, e.backpropFilter)).toBeLessThanOrEqual(TOL);
    } finally {
      native.setNumThreads(before);
    }
    expect(native.info().threads).toBe(before);
  });

  it('rejects bad arguments with errors that name them', () => {
    const x = new Float32Array(1 * 4 * 4 * 2);
    const w = new Float32Array(3 * 3 * 2 * 3);
    const y = new Float32Array(1 * 4 * 4 * 3);
    const ok: [Pair, Pair, Pads] = [[1, 1], [1, 1], [1, 1, 1, 1]];
    expect(() => native.conv2d(x, [1, 4, 4, 2], w.subarray(1), [3, 3, 2, 3], y, [1, 4, 4, 3], ...ok)).toThrow(RangeError);
    expect(() => native.conv2d(x, [1, 4, 4, 2], w.subarray(1), [3, 3, 2, 3], y, [1, 4, 4, 3], ...ok)).toThrow(/'w'/);
    expect(() => native.conv2d(x, [1, 4, 4, 2], w, [3, 3, 2, 3], y, [1, 5, 4, 3], ...ok)).toThrow(/yShape/);
    expect(() => native.conv2d(x, [1, 4, 4, 2], w, [3, 3, 2, 3], y, [2, 4, 4, 3], ...ok)).toThrow(/yShape/);
    expect(() => native.conv2d(x, [1, 4, 4, 2], w, [3, 3, 5, 3], y, [1, 4, 4, 3], ...ok)).toThrow(/wShape/);
    expect(() =>
      native.conv2d(new Float64Array(32) as unknown as Float32Array, [1, 4, 4, 2], w, [3, 3, 2, 3], y, [1, 4, 4, 3], ...ok),
    ).toThrow(TypeError);
    expect(() => native.conv2d(x, [1, 4, 4, 2], w, [3, 3, 2, 3], y, [1, 4, 4, 3], [0, 1], [1, 1], [1, 1, 1, 1])).toThrow(/strides/);
    expect(() => native.conv2d(x, [1, 4, 4, 2], w, [3, 3, 2, 3], y, [1, 4, 4, 3], [1, 1], [1, 1], [1, 1, 1] as unknown as Pads)).toThrow(/pads/);
    expect(() => native.sgemm(false, false, 2, 2, 2, new Float32Array(4), new Float32Array(3), new Float32Array(4))).toThrow(/'B'/);
    expect(() => native.sgemm(false, false, 2.5, 2, 2, new Float32Array(4), new Float32Array(4), new Float32Array(4))).toThrow(/'M'/);
    expect(() => native.batchedSgemm(2, false, false, 2, 2, 2, new Float32Array(8), new Float32Array(8), new Float32Array(7))).toThrow(/'C'/);
    expect(() => native.maxPool(x, [1, 4, 4, 2], new Float32Array(8), [1, 2, 2, 2], [2, 2], [2, 2], [0, 0, 0, 0])).not.toThrow();
    expect(() => native.maxPool(x, [1, 4, 4, 2], new Float32Array(8), [1, 3, 2, 2], [2, 2], [2, 2], [0, 0, 0, 0])).toThrow(RangeError);
    expect(() => native.setNumThreads(0)).toThrow(/'n'/);
    expect(() => native.setGemmBackend('mkl' as 'onednn')).toThrow(/'backend'/);
  });

  it('binary matches float32 arithmetic bit for bit for every operand layout, small and threaded sizes', () => {
    const r = rng(70);
    const ops: Array<(a: number, b: number) => number> = [(a, b) => a + b, (a, b) => a - b, (a, b) => a * b, (a, b) => a / b];
    // [rows, lanes]: one row (flat), many short rows, rows whose spans split mid-row across threads.
    for (const [rows, lanes] of [[1, 5], [1, 70001], [3, 37], [2111, 37], [1000, 64], [40000, 1]]) {
      const layouts: Array<[number, number]> = [[lanes, 1], [0, 1], [1, 0], [0, 0]];
      for (const [ar, al] of layouts) {
        for (const [br, bl] of layouts) {
          const len = (rs: number, ls: number) => (rows - 1) * rs + (lanes - 1) * ls + 1;
          const a = r.array(len(ar, al));
          const b = r.array(len(br, bl));
          if (b.length > 2) b[1] = 0; // a division by zero
          for (let op = 0; op < 4; op++) {
            const out = new Float32Array(rows * lanes).fill(NaN);
            native.binary(op as 0 | 1 | 2 | 3, rows, lanes, a, ar, al, b, br, bl, out);
            const want = new Float32Array(rows * lanes);
            for (let i = 0, o = 0; i < rows; i++) for (let l = 0; l < lanes; l++, o++) want[o] = ops[op](a[i * ar + l * al], b[i * br + l * bl]);
            expect(Buffer.from(out.buffer).equals(Buffer.from(want.buffer)), `op ${op} [${rows},${lanes}] a (${ar},${al}) b (${br},${bl})`).toBe(true);
          }
        }
      }
    }
  });

  it('relu and step equal tfjs semantics on NaN, infinities and signed zeros, in place too', () => {
    const r = rng(71);
    for (const n of [9, 100003]) {
      const x = r.array(n);
      x.set([NaN, -0, 0, Infinity, -Infinity, -1e-40, 1e-40], 0);
      const y = new Float32Array(n);
      native.relu(x, y);
      expect(Array.from(y.subarray(0, 7))).toEqual([NaN, 0, 0, Infinity, 0, 0, 1e-40].map(Math.fround));
      expect(Object.is(y[1], 0)).toBe(true); // -0 becomes +0, as Math.max(0, -0)
      for (let i = 0; i < n; i++) if (!Object.is(y[i], Math.fround(Math.max(0, x[i])))) throw new Error(`relu at ${i}: ${y[i]}`);
      native.step(x, y, 0.25);
      for (let i = 0; i < n; i++) {
        const want = Number.isNaN(x[i]) ? NaN : x[i] > 0 ? 1 : 0.25;
        if (!Object.is(y[i], want)) throw new Error(`step at ${i}: ${y[i]}`);
      }
      const z = x.slice();
      native.relu(z, z);
      for (let i = 0; i < n; i++) if (!Object.is(z[i], Math.fround(Math.max(0, x[i])))) throw new Error(`in-place relu at ${i}`);
    }
  });

  it('unary sqrt and square equal Math.sqrt and x * x rounded to float32', () => {
    const r = rng(73);
    for (const n of [9, 50001]) {
      const x = r.array(n);
      x.set([NaN, -0, 0, Infinity, -Infinity, -4, 1e-40, 2], 0);
      const y = new Float32Array(n);
      native.unary(0, x, y);
      for (let i = 0; i < n; i++) if (!Object.is(y[i], Math.fround(Math.sqrt(x[i])))) throw new Error(`sqrt at ${i}: ${y[i]}`);
      native.unary(1, x, y);
      for (let i = 0; i < n; i++) if (!Object.is(y[i], Math.fround(x[i] * x[i]))) throw new Error(`square at ${i}: ${y[i]}`);
    }
    expect(() => native.unary(2 as 0, new Float32Array(2), new Float32Array(2))).toThrow(/'op'/);
    expect(() => native.unary(0, new Float32Array(2), new Float32Array(3))).toThrow(/'y'/);
  });

  it('sumMiddle matches float64 sums for single rows split across threads and for many rows', () => {
    const r = rng(72);
    for (const [outer, reduced, inner] of [[1, 7, 3], [1, 65536, 32], [1, 100000, 1], [3, 5000, 17], [64, 1, 700], [500, 200, 3], [2, 0, 4]]) {
      const x = r.array(outer * reduced * inner);
      const out = new Float32Array(outer * inner).fill(NaN);
      native.sumMiddle(x, outer, reduced, inner, out);
      const want = new Float64Array(outer * inner);
      for (let o = 0; o < outer; o++) for (let k = 0; k < reduced; k++) for (let i = 0; i < inner; i++) want[o * inner + i] += x[(o * reduced + k) * inner + i];
      // float64 accumulation: at most the final rounding to float32 apart.
      for (let i = 0; i < want.length; i++) expect(Math.abs(out[i] - want[i]), `[${outer},${reduced},${inner}] at ${i}`).toBeLessThanOrEqual(Math.abs(want[i]) * 2 ** -23 + 1e-30);
    }
  });

  it('element-wise kernels name the argument that does not fit', () => {
    const f = (n: number) => new Float32Array(n);
    expect(() => native.binary(0, 2, 3, f(6), 3, 1, f(2), 0, 1, f(6))).toThrow(/'b' has length 2, expected 3/);
    expect(() => native.binary(0, 2, 3, f(6), 3, 1, f(3), 0, 1, f(5))).toThrow(/'out'/);
    expect(() => native.binary(4 as 0, 2, 3, f(6), 3, 1, f(3), 0, 1, f(6))).toThrow(/'op'/);
    expect(() => native.binary(0, 2, 3, f(6), 3, 2, f(3), 0, 1, f(6))).toThrow(/LaneStride/);
    expect(() => native.relu(f(4), f(3))).toThrow(/'y'/);
    expect(() => native.step(f(4), f(4), 'x' as unknown as number)).toThrow(/'alpha'/);
    expect(() => native.sumMiddle(f(10), 2, 3, 2, f(4))).toThrow(/'x'/);
  });

  it('empty batches and K = 0 are handled without touching the libraries', () => {
    const dw = new Float32Array(3 * 3 * 2 * 3).fill(5);
    native.conv2dBackpropFilter(new Float32Array(0), [0, 4, 4, 2], new Float32Array(0), [0, 4, 4, 3], dw, [3, 3, 2, 3], [1, 1], [1, 1], [1, 1, 1, 1]);
    expect(dw.every((v) => v === 0)).toBe(true);
    const C = new Float32Array(6).fill(2);
    native.sgemm(false, false, 2, 3, 0, new Float32Array(0), new Float32Array(0), C, 1, 0.5);
    expect(Array.from(C)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

describe('@proj/core-native loader', () => {
  it('PROJ_NATIVE=0 gives a clean "not available" state', () => {
    const r = spawnSync(process.execPath, ['-e', "const m=require('./index.js');process.stdout.write(JSON.stringify(m))"], {
      cwd: pkgDir,
      env: { ...process.env, PROJ_NATIVE: '0' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ available: false, reason: 'disabled by PROJ_NATIVE=0', native: null });
  });

  it('a missing binary is reported, not thrown', () => {
    // Load a copy of index.js from a directory without build/.
    const code =
      "const fs=require('fs'),os=require('os'),path=require('path');" +
      "const d=fs.mkdtempSync(path.join(os.tmpdir(),'pcn-'));fs.copyFileSync(process.argv[1],path.join(d,'index.js'));" +
      "const m=require(path.join(d,'index.js'));fs.rmSync(d,{recursive:true});process.stdout.write(JSON.stringify(m))";
    const r = spawnSync(process.execPath, ['-e', code, path.join(pkgDir, 'index.js')], { encoding: 'utf8', env: { ...process.env, PROJ_NATIVE: '' } });
    expect(r.status).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.available).toBe(false);
    expect(m.native).toBeNull();
    expect(m.reason).toMatch(/not built/);
  });
});
