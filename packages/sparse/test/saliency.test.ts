import { tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { globalDensity, graspDensities, hessianGradientProduct, prunableLayers, snipDensities } from '../src/index.js';

/** x -> x W1 -> x W1 W2 (no biases, linear), with given weights. */
function linearNet(w1: number[][], w2: number[][]): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 2, useBias: false }),
      tf.layers.dense({ units: 2, useBias: false }),
    ],
  });
  model.setWeights([tf.tensor2d(w1), tf.tensor2d(w2)]);
  return model;
}

describe('SNIP and GraSP ratios', () => {
  it('SNIP keeps the global top-k of |g * w|, computed here by hand', () => {
    const W1 = [
      [1, 2],
      [0.5, -1],
    ];
    const W2 = [
      [0.3, -0.2],
      [1.5, 0.1],
    ];
    const x = [1, 2];
    // h = x W1 = [2, 0]; z = h W2 = [0.6, -0.4]; p = softmax(z); label 0: dz = p - [1, 0].
    const h = [x[0] * W1[0][0] + x[1] * W1[1][0], x[0] * W1[0][1] + x[1] * W1[1][1]];
    const z = [h[0] * W2[0][0] + h[1] * W2[1][0], h[0] * W2[0][1] + h[1] * W2[1][1]];
    const e = z.map(Math.exp);
    const dz = [e[0] / (e[0] + e[1]) - 1, e[1] / (e[0] + e[1])];
    const dh = [dz[0] * W2[0][0] + dz[1] * W2[0][1], dz[0] * W2[1][0] + dz[1] * W2[1][1]];
    const s1 = [0, 1].flatMap((i) => [0, 1].map((j) => Math.abs(x[i] * dh[j] * W1[i][j])));
    const s2 = [0, 1].flatMap((i) => [0, 1].map((j) => Math.abs(h[i] * dz[j] * W2[i][j])));
    // Keep 3 of 8: count how many of the top 3 fall in each layer.
    const top = [...s1.map((s) => [s, 1]), ...s2.map((s) => [s, 2])].sort((a, b) => b[0] - a[0]).slice(0, 3);
    const expected = [top.filter((t) => t[1] === 1).length / 4, top.filter((t) => t[1] === 2).length / 4];
    expect(expected[0]).not.toBe(expected[1]);

    const model = linearNet(W1, W2);
    const batch = { x: tf.tensor2d([x]), y: tf.tensor1d([0], 'int32') };
    const [l1, l2] = prunableLayers(model);
    const d = snipDensities(model, batch, 3 / 8);
    expect([d[l1.name], d[l2.name]]).toEqual(expected);
    tf.dispose([batch.x, batch.y]);
    model.dispose();
  });

  it('H g by central differences is exact on a quadratic: (A g) for L = w^T A w / 2 + b^T w', () => {
    const A = tf.tensor2d([
      [2, 0.5, 0],
      [0.5, 1, -0.3],
      [0, -0.3, 3],
    ]);
    const b = tf.tensor1d([1, -1, 0.5]);
    const w = tf.variable(tf.tensor1d([0.2, -0.4, 0.7]), true, 'hvp_w');
    const loss = () => tf.add(tf.mul(0.5, tf.sum(tf.mul(w, tf.reshape(tf.matMul(A, tf.reshape(w, [3, 1])), [3])))), tf.sum(tf.mul(b, w))) as tf.Scalar;
    const g = tf.variableGrads(loss, [w]).grads;
    const hg = hessianGradientProduct(loss, [w], g);
    const expected = tf.reshape(tf.matMul(A, tf.reshape(g.hvp_w, [3, 1])), [3]);
    const got = hg.hvp_w.dataSync();
    expected.dataSync().forEach((v, i) => expect(got[i]).toBeCloseTo(v, 2));
    // The variable is restored exactly.
    expect(Array.from(w.dataSync())).toEqual(Array.from(Float32Array.from([0.2, -0.4, 0.7])));
    tf.dispose([A, b, w, g.hvp_w, hg.hvp_w, expected]);
  });

  it('GraSP ratios: exact global density, deterministic, and different from SNIP on a CNN', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
      ],
    });
    const batch = {
      x: tf.randomNormal([8, 6, 6, 1], 0, 1, 'float32', 3),
      y: tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'),
    };
    const before = tf.memory().numTensors;
    const layers = prunableLayers(model);
    const g1 = graspDensities(model, batch, 0.2);
    const g2 = graspDensities(model, batch, 0.2);
    const s = snipDensities(model, batch, 0.2);
    expect(tf.memory().numTensors).toBe(before);
    expect(g1).toEqual(g2);
    const total = layers.reduce((a, l) => a + l.shape.reduce((x, y) => x * y, 1), 0);
    expect(globalDensity(layers, g1) * total).toBeCloseTo(Math.round(0.2 * total), 6);
    expect(globalDensity(layers, s) * total).toBeCloseTo(Math.round(0.2 * total), 6);
    expect(g1).not.toEqual(s);
    expect(() => snipDensities(model, { x: batch.x, y: tf.tensor1d([1], 'int32') }, 0.5)).toThrow(/batch.x has 8 examples, batch.y has 1/);
    expect(() => graspDensities(model, batch, -1)).toThrow(/density must be a number in \(0, 1\]/);
    tf.dispose([batch.x, batch.y]);
    model.dispose();
  });
});
