import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../src/rng.js';
import {
  ArrayDataset,
  batches,
  classCounts,
  encodeIdx,
  epochOrder,
  FASHION_MNIST_DEFAULT_DIR,
  labelsOf,
  loadFashionMnist,
  loadMnistDigits,
  loadMnistDigitsSplit,
  numBatches,
  parseIdx,
  readIdxFile,
  splitDataset,
  splitIndices,
  subset,
  toArrayDataset,
  toTensors,
} from '../src/data/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'proj-data-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** n examples of shape [2]; example i is [i, -i] and has label i % numClasses. */
function toy(n: number, numClasses = 3): ArrayDataset {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) x.set([i, -i], 2 * i);
  const y = Int32Array.from({ length: n }, (_, i) => i % numClasses);
  return new ArrayDataset(x, y, [2], numClasses);
}

function sorted(a: ArrayLike<number>): number[] {
  return Array.from(a).sort((p, q) => p - q);
}

/** Byte equality of two typed arrays (toEqual is slow on millions of elements). */
function sameValues(a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean {
  const view = (t: Float32Array | Int32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);
  return view(a).equals(view(b));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('ArrayDataset', () => {
  it('takes copies of the chosen rows in order', () => {
    const ds = toy(5);
    const { x, y } = ds.take([4, 1, 1]);
    expect(Array.from(x)).toEqual([4, -4, 1, -1, 1, -1]);
    expect(Array.from(y)).toEqual([1, 1, 1]);
    x[0] = 99;
    expect(ds.x[8]).toBe(4);
  });

  it('accepts Uint8Array labels and keeps a private Int32Array copy', () => {
    const labels = Uint8Array.from([0, 1, 2]);
    const ds = new ArrayDataset(new Float32Array(3), labels, [1], 3);
    labels[0] = 2;
    expect(ds.y).toBeInstanceOf(Int32Array);
    expect(Array.from(ds.y)).toEqual([0, 1, 2]);
  });

  it('rejects bad construction with errors naming the argument', () => {
    expect(() => new ArrayDataset(new Float32Array(5), [0, 1], [2], 2)).toThrow(/x has 5 values .*\(expected 4\)/);
    expect(() => new ArrayDataset(new Float32Array(4), [0, 2], [2], 2)).toThrow(/y\[1\] = 2 is not a class id in \[0, 2\)/);
    expect(() => new ArrayDataset(new Float32Array(4), [0, -1], [2], 2)).toThrow(/y\[1\] = -1/);
    expect(() => new ArrayDataset(new Float32Array(4), [0, 1], [0, 2], 2)).toThrow(/exampleShape/);
    expect(() => new ArrayDataset(Float32Array.from([0, NaN]), [0], [2], 2)).toThrow(/x\[1\] = NaN/);
    expect(() => new ArrayDataset(new Float32Array(2), [0], [2], 0)).toThrow(/numClasses/);
    expect(() => toy(3).take([3])).toThrow(/indices\[0\] = 3 is not an integer in \[0, 3\)/);
  });

  it('subset is a view whose subsets map to the root dataset', () => {
    const ds = toy(10);
    const a = subset(ds, [9, 7, 5, 3]);
    const b = subset(a, [3, 0]);
    expect(b.size).toBe(2);
    expect(b.exampleShape).toEqual([2]);
    expect(Array.from(b.take([0, 1]).x)).toEqual([3, -3, 9, -9]);
    expect(Array.from(labelsOf(b))).toEqual([0, 0]);
    expect(() => subset(a, [4])).toThrow(/indices\[0\] = 4/);
    const copy = toArrayDataset(a);
    expect(Array.from(copy.x)).toEqual([9, -9, 7, -7, 5, -5, 3, -3]);
  });

  it('counts classes', () => {
    expect(Array.from(classCounts(toy(10)))).toEqual([4, 3, 3]);
  });
});

describe('splitIndices / splitDataset', () => {
  it('rounds fractions to counts that sum to n, and the parts partition the indices', () => {
    const parts = splitIndices(101, { fractions: [0.7, 0.2, 0.1] }, 1);
    expect(parts.map((p) => p.length)).toEqual([71, 20, 10]);
    expect(sorted(parts.flatMap((p) => Array.from(p)))).toEqual(range(101));
  });

  it('takes exact counts and leaves the rest out', () => {
    const parts = splitIndices(100, { counts: [10, 5] }, 1);
    expect(parts.map((p) => p.length)).toEqual([10, 5]);
    expect(new Set([...parts[0], ...parts[1]]).size).toBe(15);
  });

  it('is a pure function of the seed', () => {
    const a = splitIndices(50, { fractions: [0.5, 0.5] }, 7);
    const b = splitIndices(50, { fractions: [0.5, 0.5] }, 7);
    const c = splitIndices(50, { fractions: [0.5, 0.5] }, 8);
    expect(a).toEqual(b);
    expect(Array.from(a[0])).not.toEqual(Array.from(c[0]));
    // Shuffled, not just cut in order.
    expect(Array.from(a[0])).not.toEqual(range(25));
  });

  it('rejects bad sizes', () => {
    expect(() => splitIndices(10, { fractions: [0.5, 0.6] }, 0)).toThrow(/sum to 1/);
    expect(() => splitIndices(10, { counts: [6, 5] }, 0)).toThrow(/counts sum to 11, more than the 10/);
    expect(() => splitIndices(10, { counts: [1.5] }, 0)).toThrow(/counts\[0\] = 1.5/);
    expect(() => splitIndices(10, { fractions: [] }, 0)).toThrow(/must not be empty/);
  });

  it('stratifies: every part keeps each class share within one example', () => {
    // Classes of 60, 30 and 10 examples, interleaved.
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2));
    const ds = new ArrayDataset(new Float32Array(100), labels, [1], 3);
    for (const seed of [0, 1, 2, 3]) {
      const parts = splitDataset(ds, { fractions: [0.5, 0.3, 0.2] }, seed, { stratify: true });
      expect(parts.map((p) => p.size)).toEqual([50, 30, 20]);
      const shares = [
        [30, 15, 5],
        [18, 9, 3],
        [12, 6, 2],
      ];
      parts.forEach((p, k) => {
        const counts = Array.from(classCounts(p));
        counts.forEach((c, cls) => expect(Math.abs(c - shares[k][cls])).toBeLessThanOrEqual(1));
      });
    }
  });

  it('splitDataset returns subsets with the examples of the index parts', () => {
    const ds = toy(20);
    const [a, b] = splitDataset(ds, { counts: [15, 5] }, 3);
    const [ia, ib] = splitIndices(20, { counts: [15, 5] }, 3);
    expect(Array.from(a.take(range(15)).x.filter((_, j) => j % 2 === 0))).toEqual(Array.from(ia));
    expect(b.size).toBe(5);
    expect(Array.from(ib)).toHaveLength(5);
  });
});

describe('batches', () => {
  const ds = toy(10);

  function orderOf(eb: Iterable<{ indices: Int32Array }>): number[] {
    return [...eb].flatMap((b) => Array.from(b.indices));
  }

  it('covers every index exactly once per epoch, with correct rows and shapes', () => {
    const eb = batches(ds, { batchSize: 4, seed: 1 });
    const list = [...eb];
    expect(eb.numBatches).toBe(3);
    expect(list.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(list.map((b) => b.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(sorted(orderOf(list))).toEqual(range(10));
    for (const b of list) {
      b.indices.forEach((k, j) => {
        expect(b.x[2 * j]).toBe(k);
        expect(b.y[j]).toBe(k % 3);
      });
    }
  });

  it('same seed and epoch give the same order; another epoch or seed reshuffles', () => {
    const e0 = orderOf(batches(ds, { batchSize: 3, seed: 5, epoch: 0 }));
    expect(orderOf(batches(ds, { batchSize: 3, seed: 5, epoch: 0 }))).toEqual(e0);
    const e1 = orderOf(batches(ds, { batchSize: 3, seed: 5, epoch: 1 }));
    expect(e1).not.toEqual(e0);
    expect(sorted(e1)).toEqual(range(10));
    expect(orderOf(batches(ds, { batchSize: 3, seed: 6, epoch: 0 }))).not.toEqual(e0);
    expect(Array.from(epochOrder(10, 5, 1))).toEqual(e1);
    // Re-iterating one epoch object replays the same batches.
    const eb = batches(ds, { batchSize: 3, seed: 5, epoch: 2 });
    expect(orderOf(eb)).toEqual(orderOf(eb));
  });

  it('with an rng each call draws the next order, reproducibly from the rng seed', () => {
    const r1 = new Rng(9);
    const r2 = new Rng(9);
    const a0 = orderOf(batches(ds, { batchSize: 4, rng: r1 }));
    const a1 = orderOf(batches(ds, { batchSize: 4, rng: r1 }));
    expect(a1).not.toEqual(a0);
    expect(orderOf(batches(ds, { batchSize: 4, rng: r2 }))).toEqual(a0);
    expect(orderOf(batches(ds, { batchSize: 4, rng: r2 }))).toEqual(a1);
  });

  it('dropLast skips the short batch; shuffle false keeps dataset order', () => {
    const eb = batches(ds, { batchSize: 4, seed: 1, dropLast: true });
    expect(eb.numBatches).toBe(2);
    expect([...eb].map((b) => b.size)).toEqual([4, 4]);
    expect(orderOf(batches(ds, { batchSize: 3, shuffle: false }))).toEqual(range(10));
    expect(numBatches(10, 3)).toBe(4);
    expect(numBatches(10, 3, true)).toBe(3);
  });

  it('rejects bad options', () => {
    expect(() => batches(ds, { batchSize: 0, seed: 1 })).toThrow(/batchSize must be an integer >= 1/);
    expect(() => batches(ds, { batchSize: 2 })).toThrow(/needs a seed or an rng/);
    expect(() => batches(ds, { batchSize: 2, seed: 1, rng: new Rng(1) })).toThrow(/either seed or rng/);
    expect(() => batches(ds, { batchSize: 2, rng: new Rng(1), epoch: 1 })).toThrow(/epoch applies to a numeric seed/);
  });

  it('toTensors builds x and (one-hot) y without leaking', () => {
    const [b] = [...batches(ds, { batchSize: 4, shuffle: false })];
    const before = tf.memory().numTensors;
    const plain = toTensors(b);
    expect(plain.x.shape).toEqual([4, 2]);
    expect(plain.y.dtype).toBe('int32');
    expect(Array.from(plain.y.dataSync())).toEqual([0, 1, 2, 0]);
    const hot = toTensors(b, { oneHot: true });
    expect(hot.y.shape).toEqual([4, 3]);
    expect(hot.y.dtype).toBe('float32');
    expect(Array.from(hot.y.dataSync())).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
    tf.dispose([plain.x, plain.y, hot.x, hot.y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('IDX', () => {
  // Hand-written: magic 00 00 08 02, dims 2 and 3 big-endian, then six bytes.
  const ubyte = Uint8Array.from([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);
  // float32 [2]: 1.5 = 3f c0 00 00, -2 = c0 00 00 00 (big-endian).
  const float = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0]);

  it('parses hand-written ubyte and float files, plain and gzipped', () => {
    for (const [name, bytes] of [
      ['u.idx', ubyte],
      ['u.idx.gz', gzipSync(ubyte)],
    ] as const) {
      writeFileSync(join(tmp, name), bytes);
      const a = readIdxFile(join(tmp, name));
      expect(a.dtype).toBe('uint8');
      expect(a.shape).toEqual([2, 3]);
      expect(a.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 255]);
    }
    for (const bytes of [float, gzipSync(float)]) {
      const f = parseIdx(bytes);
      expect(f.dtype).toBe('float32');
      expect(f.shape).toEqual([2]);
      expect(Array.from(f.data)).toEqual([1.5, -2]);
    }
  });

  it('encodes to the same bytes and round-trips the wider types', () => {
    expect(Array.from(encodeIdx({ dtype: 'float32', shape: [2], data: Float32Array.from([1.5, -2]) }))).toEqual(Array.from(float));
    const cases = [
      { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
      { dtype: 'int16', shape: [1, 3], data: Int16Array.from([-32768, 258, 32767]) },
      { dtype: 'int32', shape: [2], data: Int32Array.from([-2147483648, 16909060]) },
      { dtype: 'float64', shape: [2, 1], data: Float64Array.from([Math.PI, -1e300]) },
    ] as const;
    for (const c of cases) {
      const back = parseIdx(encodeIdx(c));
      expect(back.dtype).toBe(c.dtype);
      expect(back.shape).toEqual(c.shape);
      expect(Array.from(back.data)).toEqual(Array.from(c.data));
    }
    // 258 = 0x0102 is stored big-endian.
    expect(Array.from(encodeIdx(cases[1]).subarray(14, 16))).toEqual([0x01, 0x02]);
  });

  it('rejects truncated, trailing, bad-magic and unknown-type input', () => {
    expect(() => parseIdx(ubyte.subarray(0, ubyte.length - 1))).toThrow(/truncated data: shape \[2, 3\] of uint8 needs 18 bytes, got 17/);
    expect(() => parseIdx(gzipSync(ubyte.subarray(0, 10)))).toThrow(/truncated header/);
    expect(() => parseIdx(Uint8Array.from([...ubyte, 0]))).toThrow(/1 bytes after the data.*dims do not match/);
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]))).toThrow(/bad magic number 01 00 08 01/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]))).toThrow(/unknown dtype code 0xa/);
    expect(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(/looks gzipped but does not decompress/);
    writeFileSync(join(tmp, 'short.idx'), ubyte.subarray(0, 14));
    expect(() => readIdxFile(join(tmp, 'short.idx'))).toThrow(/short\.idx: parseIdx: truncated data/);
    expect(() => readIdxFile(join(tmp, 'missing.idx'))).toThrow(/cannot read .*missing\.idx/);
  });
});

describe('loadFashionMnist', () => {
  const dir = process.env.FASHION_MNIST_DIR || FASHION_MNIST_DEFAULT_DIR;
  const present = existsSync(join(dir, 't10k-images-idx3-ubyte.gz'));

  it('names the install command and the env var when the files are missing', () => {
    expect(() => loadFashionMnist({ dir: join(tmp, 'nowhere'), split: 'test' })).toThrow(
      /apt-get install -y dataset-fashion-mnist.*FASHION_MNIST_DIR/,
    );
  });

  it('loads tiny IDX files written by the test', () => {
    const n = 3;
    const images = Uint8Array.from({ length: n * 784 }, (_, i) => i % 256);
    writeFileSync(join(tmp, 't10k-images-idx3-ubyte.gz'), gzipSync(encodeIdx({ dtype: 'uint8', shape: [n, 28, 28], data: images })));
    writeFileSync(join(tmp, 't10k-labels-idx1-ubyte'), encodeIdx({ dtype: 'uint8', shape: [n], data: Uint8Array.from([9, 0, 4]) }));
    const ds = loadFashionMnist({ dir: tmp, split: 'test' });
    expect(ds.size).toBe(3);
    expect(ds.exampleShape).toEqual([28, 28, 1]);
    expect(Array.from(ds.y)).toEqual([9, 0, 4]);
    expect(ds.x[255]).toBe(1);
    expect(ds.x[1]).toBeCloseTo(1 / 255, 7);
    writeFileSync(join(tmp, 't10k-labels-idx1-ubyte'), encodeIdx({ dtype: 'uint8', shape: [2], data: Uint8Array.from([9, 0]) }));
    expect(() => loadFashionMnist({ dir: tmp, split: 'test' })).toThrow(/has 3 images but .* has 2 labels/);
  });

  it.skipIf(!present)(
    `loads the real data (skipped when ${dir} is absent: apt-get install -y dataset-fashion-mnist)`,
    () => {
      const test = loadFashionMnist({ dir, split: 'test' });
      expect(test.size).toBe(10000);
      expect(Array.from(classCounts(test))).toEqual(new Array(10).fill(1000));
      const train = loadFashionMnist({ dir, split: 'train' });
      expect(train.size).toBe(60000);
      expect(Array.from(classCounts(train))).toEqual(new Array(10).fill(6000));
      let min = Infinity;
      let max = -Infinity;
      for (const v of train.x) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect([min, max]).toEqual([0, 1]);
      expect(loadFashionMnist({ dir, split: 'train', limit: 5 }).size).toBe(5);
    },
    30_000,
  );
});

describe('mnist digits', () => {
  // Per-digit counts of the `mnist` package's 10,000 images.
  const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

  it('loads all 10,000 real digits in [0, 1] with the known label counts', { timeout: 30_000 }, () => {
    const ds = loadMnistDigits();
    expect(ds.size).toBe(10000);
    expect(ds.exampleShape).toEqual([28, 28, 1]);
    expect(ds.numClasses).toBe(10);
    expect(Array.from(classCounts(ds))).toEqual(COUNTS);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of ds.x) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // Real digits are mostly background: mean ink around 0.13 (not noise, not blank).
    expect(sum / ds.x.length).toBeGreaterThan(0.05);
    expect(sum / ds.x.length).toBeLessThan(0.25);
  });

  it('splits deterministically and stratified', () => {
    const a = loadMnistDigitsSplit({ seed: 3 });
    const b = loadMnistDigitsSplit({ seed: 3 });
    expect(a.train.size).toBe(8000);
    expect(a.test.size).toBe(2000);
    expect(sameValues(a.test.x, b.test.x)).toBe(true);
    expect(sameValues(a.train.y, b.train.y)).toBe(true);
    const c = loadMnistDigitsSplit({ seed: 4, testFraction: 0.1 });
    expect(c.test.size).toBe(1000);
    expect(sameValues(c.test.x, a.test.x.subarray(0, c.test.x.length))).toBe(false);
    Array.from(classCounts(a.test)).forEach((n, d) => expect(Math.abs(n - COUNTS[d] * 0.2)).toBeLessThanOrEqual(1));
    expect(() => loadMnistDigitsSplit({ testFraction: 1 })).toThrow(/testFraction must be in \(0, 1\)/);
  }, 30_000);
});
