import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { clipByGlobalNorm, train } from '../src/training.js';
import { applyMask, weightMask } from '../src/masks.js';
import { modelVariables } from '../src/params.js';
import { Rng } from '../src/rng.js';

/** Batches of y = x·[2, -3] + 1 from a seeded rng, made lazily as training asks. */
function regressionBatches(seed: number, steps: number) {
  return function* () {
    const rng = new Rng(seed);
    for (let s = 0; s < steps; s++) {
      const x = rng.normalArray(16 * 2);
      const y = new Float32Array(16);
      for (let i = 0; i < 16; i++) y[i] = 2 * x[2 * i] - 3 * x[2 * i + 1] + 1;
      yield { x: tf.tensor2d(x, [16, 2]), y: tf.tensor2d(y, [16, 1]) };
    }
  };
}

describe('train', () => {
  it('fits plain variables, keeps the tensor count constant over 20 steps', async () => {
    const w = tf.variable(tf.zeros([2, 1]));
    const b = tf.variable(tf.zeros([1]));
    const optimizer = tf.train.sgd(0.1);
    const counts: number[] = [];
    const history = await train({
      variables: [w, b],
      optimizer,
      loss: ({ x, y }) => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar,
      batches: regressionBatches(1, 20),
      disposeBatch: (batch) => tf.dispose(batch),
      epochs: 1,
      afterStep: [() => counts.push(tf.memory().numTensors)],
    });
    expect(history.loss).toHaveLength(20);
    expect(new Set(counts).size).toBe(1);
    expect(history.loss[19]).toBeLessThan(history.loss[0] / 100);
    expect(Array.from(w.dataSync())[0]).toBeCloseTo(2, 1);
    expect(Array.from(b.dataSync())[0]).toBeCloseTo(1, 1);
    tf.dispose([w, b]);
    optimizer.dispose();
  });

  it('shows each step its gradients by variable name before the update', async () => {
    const w = tf.variable(tf.zeros([1]), true, 'w_grad_hook');
    const optimizer = tf.train.sgd(0.1);
    const seen: Array<[number, string[], number]> = [];
    await train({
      variables: [w],
      optimizer,
      // (w - 3)^2: gradient 2 (w - 3), so -6 at w = 0 and -4.8 at w = 0.6 after one step of 0.1.
      loss: () => tf.square(tf.sub(tf.sum(w), 3)) as tf.Scalar,
      batches: () => [0, 1],
      epochs: 1,
      onGradients: [(grads, { step }) => seen.push([step, Object.keys(grads), grads['w_grad_hook'].dataSync()[0]])],
    });
    expect(seen.map(([s, k]) => [s, k])).toEqual([
      [1, ['w_grad_hook']],
      [2, ['w_grad_hook']],
    ]);
    expect(seen[0][2]).toBeCloseTo(-6, 5);
    expect(seen[1][2]).toBeCloseTo(-4.8, 5);
    w.dispose();
    optimizer.dispose();
  });

  it('trains a Layers model with Adam, a mask hook and per-epoch evaluation', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [2], units: 1, kernelInitializer: tfl.initializers.zeros() })],
    });
    const vars = modelVariables(model);
    const kernelName = Object.keys(vars).find((n) => n.endsWith('kernel'))!;
    const mask = { [kernelName]: weightMask([2, 1], [1, 0]) };
    const optimizer = tf.train.adam(0.05);
    const before = tf.memory().numTensors;
    let evals = 0;
    const history = await train({
      variables: Object.values(vars),
      optimizer,
      loss: ({ x, y }) => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar,
      batches: regressionBatches(2, 30),
      disposeBatch: (batch) => tf.dispose(batch),
      epochs: 3,
      afterStep: [() => applyMask(vars, mask)],
      evaluate: () => ({ evals: ++evals }),
    });
    expect(history.evals.map((e) => [e.step, e.epoch])).toEqual([
      [30, 0],
      [60, 1],
      [90, 2],
    ]);
    // The pruned input weight stays exactly zero; the kept one learns.
    const k = vars[kernelName].dataSync();
    expect(Math.abs(k[1])).toBe(0);
    expect(k[0]).toBeGreaterThan(1);
    // Only Adam's two slots per variable (kernel, bias) were added.
    expect(tf.memory().numTensors - before).toBe(2 * 2);
    model.dispose();
    optimizer.dispose();
  });

  it('clips gradients to the global norm', () => {
    const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([4]) };
    const { grads, norm } = clipByGlobalNorm(g, 1);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 6);
    expect(Array.from(grads.a.dataSync())).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(grads.b.dataSync()[0]).toBeCloseTo(0.8, 6);
    const small = clipByGlobalNorm(g, 10);
    expect(small.grads.b.dataSync()[0]).toBeCloseTo(4, 6);
    expect(() => clipByGlobalNorm(g, 0)).toThrow(/clipNorm must be > 0/);
    tf.dispose([g, grads, norm, small]);
  });

  it('stops with a clear error when the loss diverges', async () => {
    const w = tf.variable(tf.ones([1]));
    await expect(
      train({
        variables: [w],
        optimizer: tf.train.sgd(0.1),
        loss: () => tf.div(tf.sum(w), tf.scalar(0)) as tf.Scalar,
        batches: () => [0],
        epochs: 1,
      }),
    ).rejects.toThrow(/loss became Infinity at step 1/);
    w.dispose();
  });
});
