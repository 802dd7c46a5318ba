import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The kernel tests, run once with the JS kernels and once with the native provider. */
// The project's tf namespace: tfjs-core with its gradients registered (via tfjs-layers) and the cpu backend.
import * as tf from '../src/tf.js';
import { registerFastKernels, sgemm, unregisterFastKernels, useNative } from '../src/kernels/index.js';
import { binaryLayout } from '../src/kernels/arithmetic.js';
import { contiguousAxes } from '../src/kernels/sum.js';
import { Rng } from '../src/rng.js';

const OURS = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'BatchMatMul',
  '_FusedMatMul',
  'Sum',
  'Mean',
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Relu',
  'Step',
  'Transpose',
  'Tile',
  'Softmax',
  'Exp',
  'Sqrt',
  'Square',
  'GatherV2',
  'UnsortedSegmentSum',
];
/** Served only when the native provider is on. */
const NATIVE_ONLY = ['MaxPool', 'MaxPoolGrad', 'AvgPool', 'AvgPoolGrad'];
const TOLERANCE = 1e-4;

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** max |a - b| / max |b|: the error measure of the brief, robust to the output's scale. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** `f`'s outputs, each read by `read`, with our kernels and with the stock ones. */
function oursAndStock<T>(f: () => tf.Tensor | tf.Tensor[], read: (t: tf.Tensor) => T): { ours: T[]; stock: T[] } {
  const run = (): T[] => {
    let out: T[] = [];
    tf.tidy(() => {
      const o = f();
      out = (Array.isArray(o) ? o : [o]).map(read);
    });
    return out;
  };
  registerFastKernels();
  const ours = run();
  unregisterFastKernels();
  const stock = run();
  registerFastKernels();
  return { ours, stock };
}

const values = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

function expectSame(f: () => tf.Tensor | tf.Tensor[], label: string): void {
  const { ours, stock } = oursAndStock(f, values);
  expect(ours.length).toBe(stock.length);
  ours.forEach((o, i) => {
    expect(relativeError(o, stock[i]), `${label} output ${i}`).toBeLessThanOrEqual(TOLERANCE);
  });
}

/** Runs `f` with our kernels and with stock's and expects the same shapes, dtypes and bits (NaN equal to NaN, +0 unequal to -0). */
export function expectIdentical(f: () => tf.Tensor | tf.Tensor[], label: string): void {
  const { ours, stock } = oursAndStock(f, (t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
  expect(ours, label).toEqual(stock);
}

/** expectIdentical for large outputs: the same shape and float32 bits (any NaN equal to any NaN), first difference reported. */
function expectSameBits(f: () => tf.Tensor, label: string): void {
  const { ours, stock } = oursAndStock(f, (t) => ({ shape: t.shape, values: t.dataSync().slice() as Float32Array }));
  expect(ours[0].shape, label).toEqual(stock[0].shape);
  const [a, b] = [ours[0].values, stock[0].values];
  const [ai, bi] = [new Int32Array(a.buffer), new Int32Array(b.buffer)];
  for (let i = 0; i < a.length; i++) {
    if (ai[i] !== bi[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) expect(a[i], `${label} at ${i}`).toBe(b[i]);
  }
}

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

/** A random tensor whose first values are the IEEE special cases, a NaN with its sign bit set (x86's default NaN) among them. */
function tensorWithSpecials(rng: Rng, shape: number[]): tf.Tensor {
  const values = rng.normalArray(shape.reduce((a, b) => a * b, 1));
  values.set([NaN, Infinity, -Infinity, 0, -0, 1e-40, -3].slice(0, values.length));
  if (values.length > 7) new Int32Array(values.buffer)[7] = 0xffc00000 | 0;
  return tf.tensor(values, shape);
}

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
  rounding: Rounding;
}

/** Random small NHWC conv problems; strides and dilations are never both > 1, as tf.conv2d requires. */
function convCases(seed: number, count: number): ConvCase[] {
  const rng = new Rng(seed);
  const pads: Pad[] = ['same', 'valid', 1, [[0, 0], [1, 0], [0, 2], [0, 0]]];
  const cases: ConvCase[] = [];
  for (let i = 0; i < count; i++) {
    const strided = rng.uniform() < 0.5;
    const strides: [number, number] = strided ? [1 + rng.int(2), 1 + rng.int(3)] : [1, 1];
    const dilations: [number, number] = strided ? [1, 1] : [1 + rng.int(2), 1 + rng.int(2)];
    const pad = pads[rng.int(pads.length)];
    cases.push({
      batch: 1 + rng.int(3),
      height: 5 + rng.int(5),
      width: 5 + rng.int(5),
      inChannels: 1 + rng.int(5),
      outChannels: 1 + rng.int(6),
      filterHeight: 1 + rng.int(3),
      filterWidth: 1 + rng.int(3),
      strides,
      dilations,
      pad,
      rounding: typeof pad === 'number' ? (['floor', 'round', 'ceil'] as const)[rng.int(3)] : undefined,
    });
  }
  return cases;
}

function describeCase(c: ConvCase): string {
  return JSON.stringify(c);
}

export function kernelSuite(provider: 'js' | 'native'): void {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    useNative(provider === 'native');
  });

  afterAll(() => {
    unregisterFastKernels();
    useNative(false);
  });

  describe('registerFastKernels', () => {
    it('serves its kernels, is idempotent, and unregister restores the stock ones', () => {
      unregisterFastKernels();
      const stock = tf.getKernel('Conv2DBackpropFilter', 'cpu');
      const expected = [...OURS, ...(provider === 'native' ? NATIVE_ONLY : [])].sort();
      expect(registerFastKernels().sort()).toEqual(expected);
      expect(registerFastKernels().sort()).toEqual(expected);
      expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).not.toBe(stock);
      unregisterFastKernels();
      unregisterFastKernels();
      expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBe(stock);
      expect(registerFastKernels('no-such-backend')).toEqual([]);
      unregisterFastKernels('no-such-backend');
    });
  });

  describe('sgemm', () => {
    /** op(A)·op(B) in float64, from `stride`-spaced rows starting at `offset`. */
    function reference(m: number, n: number, k: number, a: Float32Array, ta: boolean, b: Float32Array, tb: boolean): Float64Array {
      const c = new Float64Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
          c[i * n + j] = s;
        }
      }
      return c;
    }

    it('matches a float64 product for all transposes and edge sizes, and accumulates into C', () => {
      const rng = new Rng(1);
      // Sizes straddle the 4x4 tile, the 256-deep K slab, the 128-row and 1024-column blocks.
      const sizes = [[1, 1, 1], [5, 7, 3], [4, 4, 300], [130, 9, 17], [3, 1030, 5], [17, 33, 513]];
      for (const [m, n, k] of sizes) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const a = rng.normalArray(m * k);
            const b = rng.normalArray(k * n);
            const c = rng.normalArray(m * n);
            const expected = reference(m, n, k, a, ta, b, tb).map((v, i) => v + c[i]);
            sgemm(m, n, k, { data: a, offset: 0, stride: ta ? m : k, transposed: ta }, { data: b, offset: 0, stride: tb ? k : n, transposed: tb }, { data: c, offset: 0, stride: n, transposed: false });
            expect(relativeError(c, expected), `${m}x${n}x${k} ${ta} ${tb}`).toBeLessThanOrEqual(1e-5);
          }
        }
      }
    });

    it('reads and writes sub-matrices through offset and stride', () => {
      const rng = new Rng(2);
      // A is the 6x5 block at (1, 2) of a 9x11 array; C the 6x7 block at (2, 1) of a 10x12 array.
      const big = rng.normalArray(9 * 11);
      const b = rng.normalArray(5 * 7);
      const out = new Float32Array(10 * 12);
      sgemm(6, 7, 5, { data: big, offset: 1 * 11 + 2, stride: 11, transposed: false }, { data: b, offset: 0, stride: 7, transposed: false }, { data: out, offset: 2 * 12 + 1, stride: 12, transposed: false });
      const a = new Float32Array(6 * 5).map((_, i) => big[(1 + Math.floor(i / 5)) * 11 + 2 + (i % 5)]);
      const expected = reference(6, 7, 5, a, false, b, false);
      for (let r = 0; r < 10; r++) {
        for (let c = 0; c < 12; c++) {
          const inside = r >= 2 && r < 8 && c >= 1 && c < 8;
          const want = inside ? expected[(r - 2) * 7 + (c - 1)] : 0;
          expect(Math.abs(out[r * 12 + c] - want)).toBeLessThanOrEqual(1e-5);
        }
      }
    });
    it('names the operand that does not fit its array', () => {
      const data = new Float32Array(6);
      const ok = { data, offset: 0, stride: 3, transposed: false };
      const short = { data: new Float32Array(5), offset: 0, stride: 2, transposed: false };
      expect(() => sgemm(2, 2, 3, ok, short, { data, offset: 0, stride: 2, transposed: false })).toThrow(/sgemm: b must hold a 3x2 matrix/);
      const square = { data: new Float32Array(9), offset: 0, stride: 3, transposed: false };
      expect(() => sgemm(2, 3, 3, ok, square, { data, offset: 1, stride: 3, transposed: false })).toThrow(/sgemm: c must hold a 2x3 matrix at offset 1/);
      expect(() => sgemm(2, 2, 2, ok, ok, { ...ok, transposed: true })).toThrow(/c cannot be transposed/);
    });
  });

  describe('Conv2D', () => {
    it('equals the stock kernel on random shapes, strides, dilations and paddings', () => {
      const rng = new Rng(10);
      for (const c of convCases(11, 24)) {
        const x = randomTensor(rng, [c.batch, c.height, c.width, c.inChannels]);
        const w = randomTensor(rng, [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels]);
        expectSame(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations, c.rounding), describeCase(c));
        tf.dispose([x, w]);
      }
    });

    it('handles pointwise (1x1) filters and deep patches spanning several blocks', () => {
      const rng = new Rng(12);
      const x = randomTensor(rng, [2, 6, 5, 7]);
      const w1 = randomTensor(rng, [1, 1, 7, 9]);
      expectSame(() => tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'valid'), 'pointwise');
      // K = 3*3*130 = 1170 > one 256-deep slab; 2*12*12 = 288 rows > one 224-row patch block.
      const xDeep = randomTensor(rng, [2, 12, 12, 130]);
      const wDeep = randomTensor(rng, [3, 3, 130, 5]);
      expectSame(() => tf.conv2d(xDeep as tf.Tensor4D, wDeep as tf.Tensor4D, 1, 'same'), 'deep');
      tf.dispose([x, w1, xDeep, wDeep]);
    });

    it('leaves NCHW to the stock kernel', () => {
      const rng = new Rng(13);
      const x = randomTensor(rng, [1, 3, 6, 6]);
      const w = randomTensor(rng, [3, 3, 3, 4]);
      // The cpu backend computes NCHW itself; the op's NCHW path only exists there.
      expectSame(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NCHW'), 'NCHW');
      tf.dispose([x, w]);
    });
  });

  describe('Conv2DBackpropFilter and Conv2DBackpropInput', () => {
    it('equal the stock kernels on random shapes, strides and paddings (runKernel)', () => {
      const rng = new Rng(20);
      for (const c of convCases(21, 16)) {
        const strides = c.strides;
        const x = randomTensor(rng, [c.batch, c.height, c.width, c.inChannels]);
        const w = randomTensor(rng, [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels]);
        const yShape = tf.tidy(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, c.pad, 'NHWC', 1, c.rounding).shape);
        const dy = randomTensor(rng, yShape);
        const attrs = { strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.rounding };
        const label = describeCase({ ...c, dilations: [1, 1] });
        expectSame(
          () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
          `filter ${label}`,
        );
        expectSame(
          () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
          `input ${label}`,
        );
        tf.dispose([x, w, dy]);
      }
    });

    it('give the same conv2d gradients as stock through tf.grads, pointwise and deep cases included', () => {
      const rng = new Rng(22);
      const shapes: Array<[number[], number[], number, 'same' | 'valid']> = [
        [[2, 7, 6, 3], [3, 3, 3, 4], 1, 'same'],
        [[2, 9, 8, 2], [3, 2, 2, 3], 2, 'valid'],
        [[2, 5, 5, 6], [1, 1, 6, 4], 1, 'valid'],
        [[2, 12, 12, 130], [3, 3, 130, 4], 1, 'same'],
      ];
      for (const [xShape, wShape, stride, pad] of shapes) {
        const x = randomTensor(rng, xShape);
        const w = randomTensor(rng, wShape);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))));
        expectSame(() => g([x, w]), `grads ${xShape} ${wShape} ${stride} ${pad}`);
        tf.dispose([x, w]);
      }
    });
  });

  describe('FusedConv2D', () => {
    it('equals stock with bias and each activation, and falls back for prelu', () => {
      const rng = new Rng(30);
      const x = randomTensor(rng, [2, 7, 7, 3]);
      const w = randomTensor(rng, [3, 3, 3, 5]);
      const bias = randomTensor(rng, [5]);
      const alpha = randomTensor(rng, [5]);
      for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
        expectSame(
          () =>
            tf.fused.conv2d({
              x: x as tf.Tensor4D,
              filter: w as tf.Tensor4D,
              strides: 1,
              pad: 'same',
              dilations: [2, 2],
              bias,
              activation,
              preluActivationWeights: activation === 'prelu' ? alpha : undefined,
              leakyreluAlpha: 0.1,
            }),
          activation,
        );
      }
      const scalarBias = tf.scalar(0.5);
      expectSame(() => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 2, pad: 'valid', bias: scalarBias, activation: 'relu' }), 'scalar bias');
      expectSame(() => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'valid' }), 'no bias');
      tf.dispose([x, w, bias, alpha, scalarBias]);
    });

    it('gives stock gradients through tf.grads', () => {
      const rng = new Rng(31);
      const x = randomTensor(rng, [2, 6, 6, 3]);
      const w = randomTensor(rng, [3, 3, 3, 4]);
      const bias = randomTensor(rng, [4]);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 1, pad: 'same', bias: c, activation: 'relu' }))),
      );
      expectSame(() => g([x, w, bias]), 'fused grads');
      tf.dispose([x, w, bias]);
    });
  });

  describe('BatchMatMul and _FusedMatMul', () => {
    it('equal stock for every transpose combination and batch layout', () => {
      const rng = new Rng(40);
      const cases: Array<[number[], number[]]> = [
        [[1, 1], [1, 1]],
        [[2, 0], [0, 3]],
        [[5, 3], [3, 7]],
        [[33, 65], [65, 17]],
        [[3, 6, 4], [3, 4, 5]],
        [[1, 6, 4], [3, 4, 5]],
        [[6, 4], [2, 4, 5]],
        [[2, 3, 4, 9], [2, 3, 9, 2]],
      ];
      for (const [aShape, bShape] of cases) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const sa = [...aShape];
            const sb = [...bShape];
            if (ta) [sa[sa.length - 2], sa[sa.length - 1]] = [sa[sa.length - 1], sa[sa.length - 2]];
            if (tb) [sb[sb.length - 2], sb[sb.length - 1]] = [sb[sb.length - 1], sb[sb.length - 2]];
            const a = randomTensor(rng, sa);
            const b = randomTensor(rng, sb);
            expectSame(() => tf.matMul(a, b, ta, tb), `${sa} x ${sb} ${ta} ${tb}`);
            tf.dispose([a, b]);
          }
        }
      }
    });

    it('equal stock for fused bias + activation and their gradients', () => {
      const rng = new Rng(41);
      const a = randomTensor(rng, [9, 6]);
      const b = randomTensor(rng, [7, 6]);
      const bias = randomTensor(rng, [7]);
      for (const activation of ['linear', 'relu', 'sigmoid', 'prelu'] as const) {
        const alpha = activation === 'prelu' ? tf.fill([7], 0.3) : undefined;
        expectSame(() => tf.fused.matMul({ a, b, transposeB: true, bias, activation, preluActivationWeights: alpha }), `fused ${activation}`);
        alpha?.dispose();
      }
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, transposeB: true, bias: z, activation: 'relu' }))),
      );
      expectSame(() => g([a, b, bias]), 'fused matMul grads');
      tf.dispose([a, b, bias]);
    });

    it('leaves int32 products to the stock kernel', () => {
      registerFastKernels();
      const a = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
      const c = tf.matMul(a, a);
      expect(c.dtype).toBe('int32');
      expect(Array.from(c.dataSync())).toEqual([7, 10, 15, 22]);
      tf.dispose([a, c]);
    });
  });

  describe('MaxPool, AvgPool and their gradients', () => {
    const cases: Array<[number[], [number, number], [number, number], 'same' | 'valid']> = [
      [[2, 8, 8, 3], [2, 2], [2, 2], 'valid'],
      [[1, 7, 9, 4], [3, 3], [2, 2], 'same'],
      [[3, 6, 5, 2], [3, 2], [1, 2], 'valid'],
      [[2, 5, 5, 6], [2, 3], [2, 1], 'same'],
    ];

    it('equal stock on random windows, strides and paddings', () => {
      const rng = new Rng(60);
      for (const [shape, window, strides, pad] of cases) {
        const x = randomTensor(rng, shape);
        const label = `${shape} ${window} ${strides} ${pad}`;
        expectSame(() => tf.maxPool(x as tf.Tensor4D, window, strides, pad), `maxPool ${label}`);
        expectSame(() => tf.avgPool(x as tf.Tensor4D, window, strides, pad), `avgPool ${label}`);
        expectSame(() => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, window, strides, pad))))(x), `maxPool grad ${label}`);
        // Stock AvgPoolGrad divides by the full window even where the forward pass averaged fewer
        // (padded) elements; the two agree only without padding.
        if (pad === 'valid') {
          expectSame(() => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.avgPool(a as tf.Tensor4D, window, strides, pad))))(x), `avgPool grad ${label}`);
        }
        tf.dispose(x);
      }
    });

    it.runIf(provider === 'native')('give the true AvgPool gradient at padded borders', () => {
      // d sum(avgPool(x)) / dx = sum over the windows that contain x of 1 / (real elements in the window).
      const [shape, window, strides] = cases[1];
      const x = tf.ones(shape);
      const got = tf.grad((a: tf.Tensor) => tf.sum(tf.avgPool(a as tf.Tensor4D, window, strides, 'same')))(x).dataSync();
      const [, h, w] = shape;
      const outH = Math.ceil(h / strides[0]);
      const outW = Math.ceil(w / strides[1]);
      const top = Math.floor(Math.max(0, (outH - 1) * strides[0] + window[0] - h) / 2);
      const left = Math.floor(Math.max(0, (outW - 1) * strides[1] + window[1] - w) / 2);
      const want = new Float64Array(h * w);
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const rows: number[] = [];
          const cols: number[] = [];
          for (let i = 0; i < window[0]; i++) if (oy * strides[0] - top + i >= 0 && oy * strides[0] - top + i < h) rows.push(oy * strides[0] - top + i);
          for (let j = 0; j < window[1]; j++) if (ox * strides[1] - left + j >= 0 && ox * strides[1] - left + j < w) cols.push(ox * strides[1] - left + j);
          for (const r of rows) for (const c of cols) want[r * w + c] += 1 / (rows.length * cols.length);
        }
      }
      const channels = shape[3];
      for (let p = 0; p < h * w; p++) expect(got[p * channels]).toBeCloseTo(want[p], 5);
      x.dispose();
    });
  });

  describe('Mean', () => {
    it('matches stock (up to rounding) over contiguous axis runs, with and without keepDims; other cases go to stock', () => {
      const rng = new Rng(71);
      const x = randomTensor(rng, [4, 5, 6, 3]);
      expectSame(() => tf.mean(x, [0, 1, 2]), 'NHWC over N, H, W (batch-norm moments)');
      expectSame(() => tf.mean(x, [1, 2], true), 'axes [1, 2] keepDims');
      expectSame(() => tf.mean(x, -1), 'axis -1');
      expectSame(() => tf.mean(x), 'all axes');
      expectIdentical(() => tf.mean(x, [0, 2]), 'non-contiguous (stock)');
      expectSame(() => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.moments(a, [0, 1, 2]).variance)))(x), 'moments gradient');
      x.dispose();
    });
  });

  describe('Sum', () => {
    const shapes = [[7], [3, 5], [4, 3, 5], [2, 3, 4, 5], [2, 3, 2, 4, 3]];

    it('serves exactly the contiguous axis runs', () => {
      expect(contiguousAxes([0, 1, 2], [2, 3, 4, 5])).toEqual([0, 3]);
      expect(contiguousAxes([-1, 2], [2, 3, 4, 5])).toEqual([2, 4]);
      expect(contiguousAxes(null, [2, 3])).toEqual([0, 2]);
      expect(contiguousAxes([0, 2], [2, 3, 4])).toBeNull();
      expect(contiguousAxes([1, 1], [2, 3, 4])).toBeNull();
      expect(contiguousAxes([], [2, 3])).toBeNull();
    });

    it('equals stock bit for bit over every contiguous run of axes of ranks 1 to 5, with and without keepDims', () => {
      const rng = new Rng(70);
      for (const shape of shapes) {
        const x = randomTensor(rng, shape);
        for (let first = 0; first < shape.length; first++) {
          for (let end = first + 1; end <= shape.length; end++) {
            const axes = Array.from({ length: end - first }, (_, i) => first + i);
            for (const keepDims of [false, true]) expectIdentical(() => tf.sum(x, axes, keepDims), `${shape} axes ${axes} keepDims ${keepDims}`);
          }
        }
        expectIdentical(() => tf.sum(x), `${shape} all axes`);
        tf.dispose(x);
      }
    });

    it('equals stock for the bias-gradient shape, negative and unordered axes, non-contiguous axes and empty tensors', () => {
      const rng = new Rng(71);
      const x = randomTensor(rng, [8, 6, 5, 16]);
      expectIdentical(() => tf.sum(x, [0, 1, 2]), 'NHWC over N, H, W');
      expectIdentical(() => tf.sum(x, -1, true), 'axis -1');
      // Stock sums unordered axes in their transposed order; ours in memory order: equal up to rounding.
      expectSame(() => tf.sum(x, [2, 1]), 'axes [2, 1]');
      expectIdentical(() => tf.sum(x, [0, 2]), 'non-contiguous (stock)');
      const empty = tf.zeros([0, 3]);
      expectIdentical(() => tf.sum(empty, 0), 'empty reduced axis');
      expectIdentical(() => tf.sum(empty, 1, true), 'empty kept axis');
      const special = tensorWithSpecials(rng, [4, 5]);
      expectIdentical(() => tf.sum(special, 0), 'NaN and infinities');
      tf.dispose([x, empty, special]);
    });

    it('leaves int32 and bool sums to the stock kernel', () => {
      registerFastKernels();
      const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
      const s = tf.sum(a, 0);
      expect(s.dtype).toBe('int32');
      expect(Array.from(s.dataSync())).toEqual([5, 7, 9]);
      const b = tf.tensor1d([true, false, true], 'bool');
      const c = tf.sum(b);
      expect(c.dtype).toBe('int32');
      expect(c.dataSync()[0]).toBe(2);
      expectIdentical(() => tf.sum(a, 1, true), 'int32 keepDims');
      tf.dispose([a, s, b, c]);
    });
  });

  describe('Add, Sub, Multiply and RealDiv', () => {
    const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
      ['add', tf.add],
      ['sub', tf.sub],
      ['mul', tf.mul],
      ['div', tf.div],
    ];

    it('serve same shapes and one-block broadcasts, and leave other broadcasts to stock', () => {
      const full = { rowStride: 0, laneStride: 1 };
      expect(binaryLayout([2, 3], [1, 2, 3])).toEqual({ outShape: [1, 2, 3], rows: 1, lanes: 6, a: full, b: full });
      const vector = binaryLayout([4, 5, 3], [3]);
      expect(vector).toMatchObject({ rows: 20, lanes: 3, a: { rowStride: 3, laneStride: 1 }, b: { rowStride: 0, laneStride: 1 } });
      expect(binaryLayout([], [4, 5])).toMatchObject({ rows: 1, lanes: 20, a: { rowStride: 1, laneStride: 0 } });
      expect(binaryLayout([6, 1], [6, 4])).toMatchObject({ rows: 6, lanes: 4, a: { rowStride: 1, laneStride: 0 } });
      expect(binaryLayout([2, 1, 4], [3, 1])).toBeNull();
      expect(binaryLayout([2, 3, 4], [2, 1, 4])).toBeNull();
    });

    it('equal stock bit for bit on same shapes, vectors, scalars and columns in both orders, special values included', () => {
      const rng = new Rng(80);
      const pairs: Array<[number[], number[]]> = [
        [[2, 3, 4, 5], [2, 3, 4, 5]],
        [[7], [7]],
        [[3, 4], [1, 3, 4]],
        [[2, 3, 4, 5], [5]],
        [[2, 3, 4, 5], [1, 1, 1, 5]],
        [[2, 3, 4, 5], [4, 5]],
        [[2, 3, 4, 5], []],
        [[2, 3, 4, 5], [1]],
        [[6, 4], [6, 1]],
        [[2, 3, 4], [2, 3, 1]],
        [[1, 5, 1, 3], [1, 3]],
        // Stock's path: both operands repeat, or one repeats in two blocks.
        [[2, 1, 4], [3, 1]],
        [[2, 3, 4], [2, 1, 4]],
        [[0, 3], [3]],
      ];
      for (const [aShape, bShape] of pairs) {
        const a = tensorWithSpecials(rng, aShape);
        const b = tensorWithSpecials(rng, bShape);
        for (const [name, op] of ops) {
          expectIdentical(() => op(a, b), `${name} ${aShape} ${bShape}`);
          expectIdentical(() => op(b, a), `${name} ${bShape} ${aShape}`);
        }
        tf.dispose([a, b]);
      }
    });

    it('give stock gradients through tf.grads, bias broadcast included', () => {
      const rng = new Rng(81);
      const x = randomTensor(rng, [2, 4, 4, 3]);
      const bias = randomTensor(rng, [3]);
      const scale = randomTensor(rng, [4, 4, 3]);
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.square(tf.div(tf.sub(tf.mul(tf.add(p, q), r), q), tf.add(r, 3)))));
      expectSame(() => g([x, bias, scale]), 'grads');
      tf.dispose([x, bias, scale]);
    });

    it('leave int32 to the stock kernel and reject incompatible shapes as stock does', () => {
      registerFastKernels();
      const a = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
      const b = tf.tensor1d([10, 20], 'int32');
      for (const [name, op] of ops.slice(0, 3)) {
        const c = op(a, b);
        expect(c.dtype, name).toBe('int32');
        expectIdentical(() => op(a, b), `int32 ${name}`);
        c.dispose();
      }
      expect(Array.from(tf.tidy(() => tf.add(a, b).dataSync()))).toEqual([11, 22, 13, 24]);
      const x = tf.zeros([2, 3]);
      const y = tf.zeros([4]);
      expect(() => tf.add(x, y)).toThrow(/could not be broadcast/);
      tf.dispose([a, b, x, y]);
    });
  });

  describe('Relu and Step', () => {
    it('equal stock bit for bit, NaN, infinities and signed zeros included', () => {
      const rng = new Rng(90);
      for (const shape of [[1], [7], [3, 5], [2, 4, 4, 3]]) {
        const x = tensorWithSpecials(rng, shape);
        expectIdentical(() => tf.relu(x), `relu ${shape}`);
        expectIdentical(() => tf.step(x), `step ${shape}`);
        expectIdentical(() => tf.step(x, 0.25), `step alpha ${shape}`);
        tf.dispose(x);
      }
    });

    it('give the stock ReLU gradient (dy * step(x)) and leave int32 to stock', () => {
      const rng = new Rng(91);
      const x = randomTensor(rng, [2, 5, 5, 3]);
      expectIdentical(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), a)))(x), 'relu grad');
      const i = tf.tensor1d([-2, 0, 3], 'int32');
      expectIdentical(() => tf.relu(i), 'int32 relu');
      expectIdentical(() => tf.step(i), 'int32 step');
      tf.dispose([x, i]);
    });
  });

  describe('Tile', () => {
    it('equals stock bit for bit on ranks 0 to 5 with random reps, the batch-norm broadcast [1,1,1,C] -> [N,H,W,C], reps of 1 and empty axes', () => {
      const rng = new Rng(93);
      const cases: Array<[number[], number[]]> = [
        [[], []],
        [[5], [3]],
        [[1, 1, 1, 8], [16, 7, 7, 1]],
        [[2, 3], [1, 1]],
        [[2, 0, 3], [2, 2, 2]],
      ];
      for (let i = 0; i < 12; i++) {
        const rank = 1 + rng.int(5);
        cases.push([Array.from({ length: rank }, () => 1 + rng.int(4)), Array.from({ length: rank }, () => 1 + rng.int(3))]);
      }
      for (const [shape, reps] of cases) {
        const x = tensorWithSpecials(rng, shape);
        expectIdentical(() => tf.tile(x, reps), `tile ${JSON.stringify(shape)} x ${JSON.stringify(reps)}`);
        tf.dispose(x);
      }
    });

    it('gives stock batch-norm gradients and leaves int32 to stock', () => {
      const rng = new Rng(94);
      const [x, scale, offset] = [randomTensor(rng, [4, 5, 5, 3]), randomTensor(rng, [3]), randomTensor(rng, [3])];
      const loss = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.sum(tf.square(tf.batchNorm(a, mean, variance, o, s, 1e-5)));
      };
      expectSame(() => tf.grads(loss)([x, scale, offset]), 'batch norm grads');
      const i = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
      expectIdentical(() => tf.tile(i, [2, 3]), 'int32 tile');
      tf.dispose([x, scale, offset, i]);
    });
  });

  describe('Sqrt and Square', () => {
    it('equal stock bit for bit, negative, NaN, infinities and signed zeros included, small and large', () => {
      const rng = new Rng(92);
      for (const shape of [[1], [7], [3, 5], [40, 1000]]) {
        const x = tensorWithSpecials(rng, shape);
        expectSameBits(() => tf.sqrt(x), `sqrt ${shape}`);
        expectSameBits(() => tf.square(x), `square ${shape}`);
        expectSameBits(() => tf.sqrt(tf.abs(x)), `sqrt |x| ${shape}`);
        tf.dispose(x);
      }
      const i = tf.tensor1d([4, 9], 'int32');
      expectIdentical(() => tf.square(i), 'int32 square');
      i.dispose();
    });
  });

  describe('large arrays (the native loops and unfilled outputs)', () => {
    // Above NATIVE_ELEMENTWISE_MIN (8192) the native provider takes element-wise
    // ops and sums, above 32768 it splits them across threads; outputs of at
    // least 1024 floats are allocated without a zero fill.
    it('Add, Sub, Multiply, RealDiv, Relu and Step equal stock bit for bit', () => {
      const rng = new Rng(95);
      const pairs: Array<[number[], number[]]> = [
        [[8, 32, 33, 4], [8, 32, 33, 4]],
        [[4, 16, 16, 37], [37]],
        [[4099, 3], []],
        [[9000, 5], [9000, 1]],
      ];
      const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
        ['add', tf.add],
        ['sub', tf.sub],
        ['mul', tf.mul],
        ['div', tf.div],
      ];
      for (const [aShape, bShape] of pairs) {
        const a = tensorWithSpecials(rng, aShape);
        const b = tensorWithSpecials(rng, bShape);
        for (const [name, op] of ops) {
          expectSameBits(() => op(a, b), `${name} ${aShape} ${bShape}`);
          expectSameBits(() => op(b, a), `${name} ${bShape} ${aShape}`);
        }
        expectSameBits(() => tf.relu(a), `relu ${aShape}`);
        expectSameBits(() => tf.step(a, 0.5), `step ${aShape}`);
        tf.dispose([a, b]);
      }
    });

    it('Sum equals stock: bit for bit over many rows, up to rounding for one row split across threads', () => {
      const rng = new Rng(96);
      const x = randomTensor(rng, [32, 16, 16, 24]);
      expectSame(() => tf.sum(x, [0, 1, 2]), 'bias gradient (one row)');
      expectSame(() => tf.sum(x), 'all axes');
      expectSameBits(() => tf.sum(x, [1, 2]), 'per-image channel sums');
      expectSameBits(() => tf.sum(x, -1), 'last axis');
      expectSameBits(() => tf.sum(x, [2, 3], true), 'keepDims');
      tf.dispose(x);
    });

    it('conv, matmul and pooling outputs of thousands of floats equal stock, gradients included', () => {
      const rng = new Rng(97);
      const x = randomTensor(rng, [4, 16, 16, 8]);
      const w = randomTensor(rng, [3, 3, 8, 16]);
      const a = randomTensor(rng, [96, 80]);
      const b = randomTensor(rng, [80, 72]);
      expectSame(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), 'conv2d');
      expectSame(() => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'same'))))([x, w]), 'conv2d grads');
      expectSame(() => tf.matMul(a, b), 'matmul');
      expectSame(() => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q))))([a, b]), 'matmul grads');
      expectSameBits(() => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), 'maxPool');
      // Overlapping windows add several gradients into one input, in another order than stock's.
      expectSame(() => tf.grad((p: tf.Tensor) => tf.sum(tf.square(tf.maxPool(p as tf.Tensor4D, 3, 1, 'same'))))(x), 'maxPool grad');
      expectSame(() => tf.grad((p: tf.Tensor) => tf.sum(tf.square(tf.avgPool(p as tf.Tensor4D, 2, 2, 'valid'))))(x), 'avgPool grad');
      tf.dispose([x, w, a, b]);
    });
  });

  describe('memory', () => {
    it('keeps tensor and buffer counts constant over repeated conv and matmul training steps', () => {
      registerFastKernels();
      const rng = new Rng(50);
      const x = randomTensor(rng, [2, 8, 8, 3]);
      const w = randomTensor(rng, [3, 3, 3, 4]);
      const bias = randomTensor(rng, [4]);
      const dense = randomTensor(rng, [8 * 8 * 4, 5]);
      const step = tf.grads((fw: tf.Tensor, fb: tf.Tensor, d: tf.Tensor) => {
        const h = tf.fused.conv2d({ x: x as tf.Tensor4D, filter: fw as tf.Tensor4D, strides: 1, pad: 'same', bias: fb, activation: 'relu' });
        return tf.sum(tf.fused.matMul({ a: tf.reshape(h, [2, -1]), b: d as tf.Tensor2D, activation: 'relu' }));
      });
      const counts: Array<[number, number]> = [];
      for (let i = 0; i < 5; i++) {
        tf.tidy(() => {
          step([w, bias, dense]);
        });
        counts.push([tf.memory().numTensors, tf.memory().numDataBuffers]);
      }
      expect(new Set(counts.map((c) => c.join())).size).toBe(1);
      tf.dispose([x, w, bias, dense]);
    });

    it('keeps tensor and buffer counts constant over steps built from element-wise ops and sums', () => {
      registerFastKernels();
      const rng = new Rng(51);
      const x = randomTensor(rng, [4, 5, 5, 3]);
      const bias = randomTensor(rng, [3]);
      const scale = randomTensor(rng, [5, 5, 3]);
      const step = tf.grads((b: tf.Tensor, s: tf.Tensor) => tf.sum(tf.div(tf.relu(tf.mul(tf.add(x, b), s)), tf.sub(tf.sum(s, [0, 1], true), 100))));
      const counts: Array<[number, number]> = [];
      for (let i = 0; i < 5; i++) {
        tf.tidy(() => {
          step([bias, scale]);
        });
        counts.push([tf.memory().numTensors, tf.memory().numDataBuffers]);
      }
      expect(new Set(counts.map((c) => c.join())).size).toBe(1);
      tf.dispose([x, bias, scale]);
    });
  });
}
