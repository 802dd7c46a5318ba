import { ArrayDataset, Rng, tf } from '@proj/core';

/** Two Gaussian blobs in 4-d, class = which blob: a task a linear model learns in a few steps. */
export function blobs(n: number, seed: number): ArrayDataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let d = 0; d < 4; d++) x[i * 4 + d] = rng.normal(y[i] === 0 ? -1 : 1, 1);
  }
  return new ArrayDataset(x, y, [4], 2);
}

/** Softmax regression 4 -> classes with fixed initial weights. */
export function linearModel(classes = 2): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: classes, kernelInitializer: 'zeros', biasInitializer: 'zeros' })],
  });
}
