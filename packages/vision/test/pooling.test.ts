import { Rng, initBackend, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attentionMilPooling,
  auc,
  gatedAttentionMilPooling,
  maxPooling,
  meanPooling,
  predictBags,
  trainMilOnBags,
  wholeImageModel,
  type Bags,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

/** MNIST-bags in miniature: k noise embeddings per bag; a positive bag has one tile shifted along e0 at a random place. */
function toyBags(n: number, k: number, dim: number, rng: Rng): Bags & { planted: Int32Array } {
  const x = rng.normalArray(n * k * dim);
  const labels = new Int32Array(n);
  const planted = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) continue;
    labels[i] = 1;
    planted[i] = rng.int(k);
    x[(i * k + planted[i]) * dim] += 5;
  }
  return { x, labels, tiles: k, dim, planted };
}

describe('MIL pooling', () => {
  it('max and mean pool element-wise', () => {
    const bags = tf.tensor3d([[[1, 5], [3, -1]]]);
    expect(maxPooling().pool(bags).z.arraySync()).toEqual([[3, 5]]);
    expect(meanPooling().pool(bags).z.arraySync()).toEqual([[2, 2]]);
  });

  it('attention weights are positive, sum to 1 per image, and pool to the weighted sum', () => {
    const rng = new Rng(1);
    const bags = tf.tensor3d(rng.normalArray(3 * 5 * 4), [3, 5, 4]);
    for (const pooling of [attentionMilPooling(4, rng, 6), gatedAttentionMilPooling(4, rng, 6)]) {
      const { z, attention } = pooling.pool(bags);
      const a = attention!.arraySync();
      for (const row of a) {
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        for (const v of row) expect(v).toBeGreaterThan(0);
      }
      const b = bags.arraySync();
      const expected = b.map((bag, i) => [0, 1, 2, 3].map((j) => bag.reduce((s, h, t) => s + a[i][t] * h[j], 0)));
      const got = z.arraySync();
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(got[i][j]).toBeCloseTo(expected[i][j], 5);
    }
  });

  it('gated attention is softmax(w^T (tanh(V h) * sigm(U h))): hand-computed on two tiles', () => {
    const pooling = gatedAttentionMilPooling(1, new Rng(0), 1);
    // Variables in order [V, V bias, w, U, U bias]: set V = 1, w = 2, U = 1, biases 0.
    const [v, vb, w, u, ub] = pooling.variables;
    v.assign(tf.tensor2d([[1]]));
    vb.assign(tf.tensor1d([0]));
    w.assign(tf.tensor2d([[2]]));
    u.assign(tf.tensor2d([[1]]));
    ub.assign(tf.tensor1d([0]));
    const score = (h: number) => 2 * Math.tanh(h) * (1 / (1 + Math.exp(-h)));
    const e0 = Math.exp(score(0.5));
    const e1 = Math.exp(score(-1));
    const a = pooling.pool(tf.tensor3d([[[0.5], [-1]]])).attention!.dataSync();
    expect(a[0]).toBeCloseTo(e0 / (e0 + e1), 5);
    expect(a[1]).toBeCloseTo(e1 / (e0 + e1), 5);
  });

  it('after training on toy bags, the planted positive tile gets the largest weight and attention beats mean pooling', { timeout: 60_000 }, () => {
    const rng = new Rng(7);
    const train = toyBags(400, 16, 4, rng);
    const test = toyBags(100, 16, 4, rng);
    const before = tf.memory().numTensors;
    const aucs: Record<string, number> = {};
    for (const name of ['mean', 'attention', 'gated'] as const) {
      const model = wholeImageModel(name, 4, new Rng(3));
      trainMilOnBags(model, train, { epochs: 30, batchSize: 10, learningRate: 2e-3 }, 4);
      const { scores, attention } = predictBags(model, test);
      aucs[name] = auc(scores, test.labels);
      if (attention) {
        let hits = 0;
        let positives = 0;
        for (let i = 0; i < test.labels.length; i++) {
          if (test.labels[i] !== 1) continue;
          positives++;
          const row = attention.subarray(i * 16, (i + 1) * 16);
          if (row.indexOf(Math.max(...row)) === test.planted[i]) hits++;
        }
        expect(hits / positives, name).toBeGreaterThan(0.9);
      }
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(aucs.attention).toBeGreaterThan(0.95);
    expect(aucs.gated).toBeGreaterThan(0.95);
    expect(aucs.attention).toBeGreaterThan(aucs.mean);
  });

  it('rejects bags of the wrong rank or width', () => {
    expect(() => attentionMilPooling(4, new Rng(0)).pool(tf.zeros([2, 3, 5]) as tf.Tensor3D)).toThrow(/bags must be \[n, tiles, 4\]/);
    expect(() => meanPooling().pool(tf.zeros([2, 3]) as unknown as tf.Tensor3D)).toThrow(/bags must be/);
  });
});
