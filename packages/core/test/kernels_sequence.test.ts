import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The kernels a Transformer leans on (Transpose, Softmax, Exp, general
 * broadcasts, GatherV2, UnsortedSegmentSum), each against the stock kernel on
 * random and edge shapes. They copy values or compute them in the same order
 * with the same roundings as stock, so the comparison is bit for bit.
 */
import * as tf from '../src/tf.js';
import { registerFastKernels, unregisterFastKernels } from '../src/kernels/index.js';
import { broadcastWalk } from '../src/kernels/broadcast.js';
import { simplifyPermutation } from '../src/kernels/transpose.js';
import { Rng } from '../src/rng.js';
import { expectIdentical } from './kernel_suite.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  unregisterFastKernels();
});

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tensor(rng.normalArray(size(shape)), shape);
}

/** A random tensor whose first values are NaN, infinities, signed zeros, a denormal and large magnitudes. */
function tensorWithSpecials(rng: Rng, shape: number[]): tf.Tensor {
  const values = rng.normalArray(size(shape));
  values.set([NaN, Infinity, -Infinity, 0, -0, 1e-40, 80, -90].slice(0, values.length));
  return tf.tensor(values, shape);
}

function randomShape(rng: Rng, rank: number, maxDim: number): number[] {
  return Array.from({ length: rank }, () => 1 + rng.int(maxDim));
}

describe('Transpose', () => {
  it('simplifies a permutation by dropping size-1 axes and merging axes that stay neighbours', () => {
    expect(simplifyPermutation([32, 20, 4, 32], [0, 2, 1, 3])).toEqual({ shape: [32, 20, 4, 32], perm: [0, 2, 1, 3] });
    expect(simplifyPermutation([2, 1, 3], [2, 1, 0])).toEqual({ shape: [2, 3], perm: [1, 0] });
    expect(simplifyPermutation([4, 5, 6], [0, 1, 2])).toEqual({ shape: [120], perm: [0] });
    // Axes 0, 1 move together behind axis 2: a matrix transpose of [20, 6].
    expect(simplifyPermutation([4, 5, 6], [2, 0, 1])).toEqual({ shape: [20, 6], perm: [1, 0] });
    expect(simplifyPermutation([3, 4, 1, 5], [0, 3, 2, 1])).toEqual({ shape: [3, 4, 5], perm: [0, 2, 1] });
    expect(simplifyPermutation([1, 1], [1, 0])).toEqual({ shape: [], perm: [] });
  });

  it('equals stock bit for bit on random shapes and permutations of rank 1 to 6', () => {
    const rng = new Rng(1);
    for (let c = 0; c < 60; c++) {
      const rank = 1 + rng.int(6);
      const shape = randomShape(rng, rank, rank > 4 ? 4 : 7);
      const perm = Array.from(rng.permutation(rank));
      const x = tensorWithSpecials(rng, shape);
      expectIdentical(() => tf.transpose(x, perm), `${shape} ${perm}`);
      x.dispose();
    }
  });

  it('equals stock on attention head permutations, tiled matrix transposes and edge shapes', () => {
    const rng = new Rng(2);
    const cases: Array<[number[], number[]]> = [
      [[3, 5, 4, 8], [0, 2, 1, 3]],
      [[3, 4, 5, 8], [0, 2, 1, 3]],
      [[3, 4, 5, 8], [0, 1, 3, 2]],
      // Straddling the 32 x 32 tiles.
      [[70, 45], [1, 0]],
      [[33, 1], [1, 0]],
      [[3, 33, 65], [0, 2, 1]],
      [[2, 3, 31, 33], [0, 1, 3, 2]],
      [[1, 1, 1], [2, 0, 1]],
      [[5], [0]],
      [[0, 3], [1, 0]],
      [[2, 0, 3], [2, 1, 0]],
      [[], []],
    ];
    for (const [shape, perm] of cases) {
      const x = tensorWithSpecials(rng, shape);
      expectIdentical(() => tf.transpose(x, perm), `${shape} ${perm}`);
      x.dispose();
    }
  });

  it('gives the stock gradient and leaves int32 and bool to stock', () => {
    const rng = new Rng(3);
    const x = randomTensor(rng, [2, 3, 4, 5]);
    const w = randomTensor(rng, [2, 4, 3, 5]);
    expectIdentical(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.transpose(a, [0, 2, 1, 3]), w)))(x), 'grad');
    const i = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const b = tf.tensor2d([1, 0, 1, 1, 0, 0], [3, 2], 'bool');
    expectIdentical(() => tf.transpose(i), 'int32');
    expectIdentical(() => tf.transpose(b), 'bool');
    tf.dispose([x, w, i, b]);
  });
});

describe('Softmax', () => {
  it('equals stock bit for bit over the last axis, special values and single-entry rows included', () => {
    const rng = new Rng(10);
    const shapes = [[1], [7], [5, 1], [3, 11], [2, 4, 9, 9], [2, 3, 5, 40], [0, 4]];
    for (const shape of shapes) {
      const x = tensorWithSpecials(rng, shape);
      const scaled = tf.mul(randomTensor(rng, shape), 30);
      expectIdentical(() => tf.softmax(x), `specials ${shape}`);
      expectIdentical(() => tf.softmax(scaled, shape.length - 1), `scaled ${shape}`);
      tf.dispose([x, scaled]);
    }
  });

  it('masks -1e9 logits to zero, as attention does, and gives the stock gradient', () => {
    const rng = new Rng(11);
    const logits = tf.add(randomTensor(rng, [2, 3, 4, 6]), tf.tensor4d([0, 0, 0, 0, -1e9, -1e9], [1, 1, 1, 6]));
    const p = tf.tidy(() => {
      registerFastKernels();
      return tf.softmax(logits).dataSync();
    });
    for (let r = 0; r < 24; r++) expect([p[r * 6 + 4], p[r * 6 + 5]]).toEqual([0, 0]);
    const w = randomTensor(rng, [2, 3, 4, 6]);
    expectIdentical(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.softmax(a), w)))(logits), 'grad');
    tf.dispose([logits, w]);
  });
});

describe('Exp', () => {
  it('equals stock bit for bit, special values included, and leaves int32 to stock', () => {
    const rng = new Rng(20);
    for (const shape of [[1], [9], [4, 33], [0]]) {
      const x = tensorWithSpecials(rng, shape);
      expectIdentical(() => tf.exp(x), `${shape}`);
      x.dispose();
    }
    const i = tf.tensor1d([0, 1, -2], 'int32');
    expectIdentical(() => tf.exp(i), 'int32');
    i.dispose();
  });
});

describe('broadcast Add, Sub, Multiply and RealDiv', () => {
  const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
  ];

  it('walks a broadcast on as few axes as possible', () => {
    // Key-padding bias [B,1,1,S] over logits [B,h,T,S]: h and T merge into one repeated axis.
    expect(broadcastWalk([2, 4, 5, 6], [2, 1, 1, 6])).toEqual({ outShape: [2, 4, 5, 6], dims: [2, 20, 6], aStrides: [120, 6, 1], bStrides: [6, 0, 1] });
    // Causal mask [T,T] plus padding mask [B,1,1,T].
    expect(broadcastWalk([5, 5], [3, 1, 1, 5])).toEqual({ outShape: [3, 1, 5, 5], dims: [3, 5, 5], aStrides: [0, 5, 1], bStrides: [5, 0, 1] });
    expect(broadcastWalk([2, 3], [2, 3])).toEqual({ outShape: [2, 3], dims: [6], aStrides: [1], bStrides: [1] });
    expect(broadcastWalk([1, 1], [])).toEqual({ outShape: [1, 1], dims: [], aStrides: [], bStrides: [] });
    expect(() => broadcastWalk([2, 3], [4])).toThrow(/could not be broadcast/);
  });

  it('equals stock bit for bit on random broadcasts of rank 0 to 5 in both orders, special values included', () => {
    const rng = new Rng(30);
    for (let c = 0; c < 40; c++) {
      const rank = rng.int(6);
      const out = randomShape(rng, rank, 5);
      // Each operand keeps or drops (to 1) every axis, and may omit leading axes.
      const operand = () => out.slice(rng.int(rank + 1)).map((d) => (rng.uniform() < 0.5 ? 1 : d));
      const aShape = operand();
      const bShape = operand();
      const a = tensorWithSpecials(rng, aShape);
      const b = tensorWithSpecials(rng, bShape);
      for (const [name, op] of ops) expectIdentical(() => op(a, b), `${name} [${aShape}] [${bShape}]`);
      tf.dispose([a, b]);
    }
  });

  it('equals stock on attention masks and empty outputs, gives stock gradients, and leaves int32 to stock', () => {
    const rng = new Rng(31);
    const pairs: Array<[number[], number[]]> = [
      [[3, 4, 5, 6], [3, 1, 1, 6]],
      [[5, 5], [3, 1, 1, 5]],
      [[3, 4, 5, 5], [3, 1, 5, 5]],
      [[2, 1, 3], [1, 4, 1]],
      [[0, 3, 1], [1, 3, 4]],
    ];
    for (const [aShape, bShape] of pairs) {
      const a = tensorWithSpecials(rng, aShape);
      const b = tensorWithSpecials(rng, bShape);
      for (const [name, op] of ops) {
        expectIdentical(() => op(a, b), `${name} [${aShape}] [${bShape}]`);
        expectIdentical(() => op(b, a), `${name} [${bShape}] [${aShape}]`);
      }
      tf.dispose([a, b]);
    }
    const x = randomTensor(rng, [2, 3, 4, 5]);
    const bias = randomTensor(rng, [2, 1, 1, 5]);
    const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.div(tf.mul(tf.sub(tf.add(p, q), q), q), tf.add(tf.abs(q), 1)))));
    expectIdentical(() => g([x, bias]), 'grads');
    const i = tf.tensor3d([1, 2, 3, 4], [2, 1, 2], 'int32');
    const j = tf.tensor3d([10, 20, 30], [1, 3, 1], 'int32');
    expectIdentical(() => tf.add(i, j), 'int32');
    tf.dispose([x, bias, i, j]);
  });
});

describe('GatherV2 and UnsortedSegmentSum', () => {
  it('gather equals stock on random axes and index shapes, and throws stock error out of range', () => {
    const rng = new Rng(40);
    for (let c = 0; c < 20; c++) {
      const rank = 1 + rng.int(4);
      const shape = randomShape(rng, rank, 5);
      const axis = rng.int(rank);
      const indexShape = randomShape(rng, rng.int(3), 4);
      const indices = tf.tensor(Array.from({ length: size(indexShape) }, () => rng.int(shape[axis])), indexShape, 'int32');
      const x = tensorWithSpecials(rng, shape);
      expectIdentical(() => tf.gather(x, indices, axis), `${shape} axis ${axis} indices [${indexShape}]`);
      tf.dispose([x, indices]);
    }
    registerFastKernels();
    const table = tf.zeros([4, 3]);
    expect(() => tf.gather(table, tf.tensor1d([1, 4], 'int32'))).toThrow(/GatherV2: the index value 4 is not in \[0, 3\]/);
    expectIdentical(() => tf.gather(table, tf.tensor1d([], 'int32')), 'no indices');
    table.dispose();
  });

  it('segment sums equal stock, ids out of range dropped, and give the stock gradient of an embedding lookup', () => {
    const rng = new Rng(41);
    for (const [rows, inner, segments] of [[1, [3], 2], [9, [4], 5], [40, [2, 3], 7], [6, [], 3], [0, [3], 2]] as Array<[number, number[], number]>) {
      const x = randomTensor(rng, [rows, ...inner]);
      const ids = tf.tensor1d(Array.from({ length: rows }, () => rng.int(segments + 2) - 1), 'int32');
      expectIdentical(() => tf.unsortedSegmentSum(x, ids, segments), `${rows} [${inner}] ${segments}`);
      tf.dispose([x, ids]);
    }
    const embed = randomTensor(rng, [50, 8]);
    const tokens = tf.tensor2d(Array.from({ length: 6 * 7 }, () => rng.int(50)), [6, 7], 'int32');
    const w = randomTensor(rng, [42, 8]);
    expectIdentical(() => tf.grad((e: tf.Tensor) => tf.sum(tf.mul(tf.gather(e, tf.reshape(tokens, [-1])), w)))(embed), 'embedding grad');
    tf.dispose([embed, tokens, w]);
  });
});

describe('memory', () => {
  it('keeps tensor and buffer counts constant over attention-like training steps', () => {
    registerFastKernels();
    const rng = new Rng(50);
    const embed = randomTensor(rng, [20, 8]);
    const tokens = tf.tensor1d(Array.from({ length: 12 }, () => rng.int(20)), 'int32');
    const bias = tf.tensor4d([0, 0, -1e9], [1, 1, 1, 3]);
    const step = tf.grads((e: tf.Tensor) => {
      const h = tf.transpose(tf.reshape(tf.gather(e, tokens), [2, 3, 2, 8]), [0, 2, 1, 3]);
      const att = tf.softmax(tf.add(tf.matMul(h, h, false, true), bias));
      return tf.sum(tf.exp(tf.mul(tf.matMul(att, h), 0.1)));
    });
    const counts: Array<[number, number]> = [];
    for (let i = 0; i < 4; i++) {
      tf.tidy(() => {
        step([embed]);
      });
      counts.push([tf.memory().numTensors, tf.memory().numDataBuffers]);
    }
    expect(new Set(counts.map((c) => c.join())).size).toBe(1);
    tf.dispose([embed, tokens, bias]);
  });
});
