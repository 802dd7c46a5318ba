import * as tf from '../src/tf.js';
import { describe, expect, it } from 'vitest';
import { adam } from '../src/optimizers/adam.js';

describe('adam (fused)', () => {
  it('matches tf.train.adam step for step, and a hand-computed first step', () => {
    const init = [0.5, -1.5, 2, 0.25, -0.1, 3];
    const a = tf.variable(tf.tensor(init, [2, 3]), true, 'fused_a');
    const b = tf.variable(tf.tensor(init, [2, 3]), true, 'stock_b');
    const ours = adam(0.05);
    const stock = tf.train.adam(0.05);
    const target = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const loss = (v: tf.Variable) => () => tf.sum(tf.mul(tf.square(tf.sub(v, target)), tf.reshape(tf.range(1, 7), [2, 3]))) as tf.Scalar;
    for (let step = 0; step < 25; step++) {
      ours.minimize(loss(a));
      stock.minimize(loss(b));
      if (step === 0) {
        // Step 1: m_hat = g, v_hat = g^2, so w -= lr * g / (|g| + eps) = lr * sign(g).
        const w = a.dataSync();
        init.forEach((w0, i) => expect(w[i]).toBeCloseTo(w0 - 0.05 * Math.sign(w0 - (i + 1)), 5));
      }
      if (step === 10) {
        ours.learningRate = 0.02;
        // tfjs's Adam reads the (protected) field on every step too.
        (stock as unknown as { learningRate: number }).learningRate = 0.02;
      }
    }
    const x = a.dataSync();
    // Float64 arithmetic in one loop against float32 kernels: equal to about 1e-5.
    b.dataSync().forEach((v, i) => expect(x[i]).toBeCloseTo(v, 4));
    expect(ours.iterations).toBe(25);
    tf.dispose([a, b, target]);
    ours.dispose();
    stock.dispose();
  });

  it('decoupled weight decay shrinks w by lr * decay on a zero gradient, and state round-trips', async () => {
    const w = tf.variable(tf.tensor1d([2, -4]), true, 'decay_w');
    const opt = adam(0.1, { weightDecay: 0.5 });
    opt.applyGradients({ decay_w: tf.zeros([2]) });
    expect(Array.from(w.dataSync())).toEqual([expect.closeTo(2 * 0.95, 6), expect.closeTo(-4 * 0.95, 6)]);
    opt.applyGradients({ decay_w: tf.tensor1d([1, -1]) });
    const saved = await opt.getWeights();
    expect(saved.map((s) => s.name)).toEqual(['iter', 'decay_w/m', 'decay_w/v']);
    const copy = adam(0.1, { weightDecay: 0.5 });
    await copy.setWeights(saved);
    expect(copy.iterations).toBe(2);
    const before = Array.from(w.dataSync());
    opt.applyGradients({ decay_w: tf.tensor1d([0.3, 0.2]) });
    const afterOurs = Array.from(w.dataSync());
    w.assign(tf.tensor1d(before));
    copy.applyGradients({ decay_w: tf.tensor1d([0.3, 0.2]) });
    expect(Array.from(w.dataSync())).toEqual(afterOurs);
    expect(() => adam(-1)).toThrow(/learningRate must be >= 0/);
    expect(() => adam(0.1, { beta2: 1 })).toThrow(/beta2 must be in \[0, 1\)/);
    tf.dispose(saved.map((s) => s.tensor));
    w.dispose();
  });

  it('adds no tensors across steps', () => {
    const w = tf.variable(tf.ones([50]), true, 'count_w');
    const opt = adam(0.01);
    const f = () => tf.sum(tf.square(w)) as tf.Scalar;
    opt.minimize(f);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) opt.minimize(f);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
