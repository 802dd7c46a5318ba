import { maskStats, modelVariables, Rng, tf, train } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { MaskedWeights, prunableLayers, pruneAtInit, randomMasks } from '../src/index.js';

function smallCnn(seed: number): tf.Sequential {
  const rng = new Rng(seed);
  const init = () => tf.initializers.glorotUniform({ seed: rng.tfSeed() });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, depthwiseInitializer: init() }),
      tf.layers.batchNormalization(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5, kernelInitializer: init() }),
    ],
  });
}

function* randomBatches(seed: number, n: number) {
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) {
    yield { x: tf.tensor4d(rng.normalArray(16 * 8 * 8 * 2), [16, 8, 8, 2]), y: tf.tensor1d(Int32Array.from({ length: 16 }, () => rng.int(5)), 'int32') };
  }
}

describe('masked training', () => {
  it('finds conv, depthwise and dense kernels in layer order, never biases or batch norm', () => {
    const model = smallCnn(0);
    const layers = prunableLayers(model);
    expect(layers.map((l) => l.shape)).toEqual([
      [3, 3, 2, 4],
      [3, 3, 4, 2],
      [128, 5],
    ]);
    expect(layers.map((l) => l.name.split('/').pop())).toEqual(['kernel', 'depthwise_kernel', 'kernel']);
    // The names are the keys of modelVariables and of train()'s gradients.
    const vars = modelVariables(model);
    for (const l of layers) expect(vars[l.name].name).toBe(l.name);
    model.dispose();
  });

  it('pruned weights stay exactly 0 over 50 Adam steps, kept ones learn, no tensor leak', async () => {
    const model = smallCnn(1);
    const { masked, densities } = pruneAtInit(model, { scheme: 'erk', density: 0.3, seed: 5 });
    expect(Object.keys(densities)).toHaveLength(3);
    const start = Object.fromEntries(Object.entries(masked.variables).map(([n, v]) => [n, v.dataSync().slice()]));
    const optimizer = tf.train.adam(1e-2);
    const counts: number[] = [];
    await train({
      variables: Object.values(modelVariables(model)),
      optimizer,
      loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 5), model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      batches: () => randomBatches(2, 50),
      disposeBatch: (b) => tf.dispose([b.x, b.y]),
      epochs: 1,
      afterStep: [masked.afterStep, () => counts.push(tf.memory().numTensors)],
    });
    for (const [name, mask] of Object.entries(masked.masks)) {
      const w = masked.variables[name].dataSync();
      let changed = 0;
      mask.data.forEach((m, i) => {
        if (!m) expect(Object.is(w[i], 0)).toBe(true);
        else if (w[i] !== start[name][i]) changed++;
      });
      expect(changed).toBe(mask.data.reduce((a, b) => a + b, 0));
    }
    expect(maskStats(masked.masks as never).density).toBeCloseTo(0.3, 2);
    expect(new Set(counts.slice(1)).size).toBe(1);
    optimizer.dispose();
    model.dispose();
  });

  it('masks plain variables too, and rejects a mask of another shape', () => {
    const w = tf.variable(tf.tensor2d([[1, -2], [-3, 4]]), true, 'plain_w');
    const masks = randomMasks([{ name: 'plain_w', shape: [2, 2] }], { plain_w: 0.5 }, 0);
    const masked = new MaskedWeights({ plain_w: w }, masks);
    masked.apply();
    const kept = Array.from(w.dataSync()).filter((v) => v !== 0);
    expect(kept).toHaveLength(2);
    expect(() => new MaskedWeights({ plain_w: w }, { plain_w: { shape: [4], data: new Uint8Array(4) } })).toThrow(/has shape \[4\].*variable has \[2,2\]/);
    expect(() => new MaskedWeights({ plain_w: w }, { other: masks.plain_w })).toThrow(/mask 'other' names no variable/);
    w.dispose();
  });

  it('pruneAtInit needs a batch for SNIP and names unknown schemes', () => {
    const model = smallCnn(2);
    expect(() => pruneAtInit(model, { scheme: 'snip', density: 0.5, seed: 0 })).toThrow(/scheme 'snip' needs opts.batch/);
    expect(() => pruneAtInit(model, { scheme: 'lottery' as never, density: 0.5, seed: 0 })).toThrow(/unknown scheme "lottery"/);
    model.dispose();
  });
});
