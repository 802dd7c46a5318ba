import { adam, batches, Rng, tf, toRng, toTensors, type Dataset } from '@proj/core';
import { checkInput, checkPositiveInt } from './dcgan.js';
import { frechetDistance, gaussianStats, type GaussianStats } from './frechet_distance.js';
import { ParameterFactory, type Network } from './network.js';

export interface FeatureClassifierOptions {
  /** Width of the feature layer (ours: 64). */
  featureDim?: number;
  /** Training epochs over `data` (ours: 2; features only need to separate the classes). */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed: number | Rng;
}

/**
 * The stand-in for FID's Inception network on small images: a classifier
 * trained on the real data, whose penultimate layer (`featureDim` ReLU units
 * after two 5x5 stride-2 convs of 16 and 32 channels) gives the features.
 * Images are read in [-1, 1], the generators' range.
 */
export class FeatureClassifier {
  readonly network: Network;
  readonly imageShape: readonly [number, number, number];
  readonly featureDim: number;
  /** Accuracy on the training batches during the last epoch (as they were seen, while learning). */
  trainAccuracy = 0;
  private readonly featuresOf: (x: tf.Tensor) => tf.Tensor2D;

  private constructor(imageShape: readonly [number, number, number], numClasses: number, featureDim: number, rng: Rng) {
    const [h, w, c] = imageShape;
    const p = new ParameterFactory('fd', rng, 0.05);
    const conv1 = p.kernel('conv1', [5, 5, c, 16]);
    const conv1B = p.bias('conv1', 16);
    const conv2 = p.kernel('conv2', [5, 5, 16, 32]);
    const conv2B = p.bias('conv2', 32);
    const flat = Math.ceil(h / 4) * Math.ceil(w / 4) * 32;
    const fc = p.kernel('features', [flat, featureDim]);
    const fcB = p.bias('features', featureDim);
    const out = p.kernel('logits', [featureDim, numClasses]);
    const outB = p.bias('logits', numClasses);
    this.imageShape = imageShape;
    this.featureDim = featureDim;
    this.featuresOf = (x) =>
      tf.tidy(() => {
        checkInput(x, imageShape, 'FeatureClassifier');
        let hdn = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, conv1 as tf.Tensor4D, 2, 'same'), conv1B)) as tf.Tensor4D;
        hdn = tf.relu(tf.add(tf.conv2d(hdn, conv2 as tf.Tensor4D, 2, 'same'), conv2B)) as tf.Tensor4D;
        return tf.relu(tf.add(tf.matMul(tf.reshape(hdn, [x.shape[0], flat]), fc), fcB)) as tf.Tensor2D;
      });
    this.network = {
      scope: p.scope,
      variables: p.variables,
      prunable: p.prunable,
      apply: (x) => tf.tidy(() => tf.add(tf.matMul(this.featuresOf(x), out), outB)),
    };
  }

  /** Trains a classifier on `data` (images in [0, 1], as core's loaders give them). */
  static train(data: Dataset, options: FeatureClassifierOptions): FeatureClassifier {
    const shape = data?.exampleShape;
    if (!shape || shape.length !== 3) throw new Error(`FeatureClassifier.train: data must hold images [h, w, c], got example shape [${shape}]`);
    const featureDim = options.featureDim ?? 64;
    const epochs = options.epochs ?? 2;
    const batchSize = options.batchSize ?? 64;
    checkPositiveInt({ featureDim, epochs, batchSize }, 'FeatureClassifier.train');
    const rng = toRng(options.seed);
    const clf = new FeatureClassifier(shape as [number, number, number], data.numClasses, featureDim, rng.split());
    const optimizer = adam(options.learningRate ?? 1e-3);
    const vars = Object.values(clf.network.variables);
    const batchSeed = rng.split().tfSeed();
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        let correct = 0;
        for (const batch of batches(data, { batchSize, seed: batchSeed, epoch })) {
          const t = toTensors(batch);
          const hits = tf.tidy(() => {
            const x = tf.sub(tf.mul(t.x, 2), 1);
            const labels = tf.oneHot(t.y as tf.Tensor1D, data.numClasses);
            const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, clf.network.apply(x)) as tf.Scalar, vars);
            optimizer.applyGradients(grads);
            value.dispose();
            const predicted = tf.argMax(clf.network.apply(x), -1);
            return tf.sum(tf.cast(tf.equal(predicted, t.y), 'int32'));
          });
          correct += hits.dataSync()[0];
          tf.dispose([hits, t.x, t.y]);
        }
        clf.trainAccuracy = correct / data.size;
      }
    } finally {
      optimizer.dispose();
    }
    return clf;
  }

  /** Feature-layer statistics of images [n, h, w, c] in [-1, 1], in batches. */
  stats(images: tf.Tensor, batchSize = 500): GaussianStats {
    checkInput(images, this.imageShape, 'FeatureClassifier.stats');
    const n = images.shape[0];
    const rows = new Float32Array(n * this.featureDim);
    for (let at = 0; at < n; at += batchSize) {
      const m = Math.min(batchSize, n - at);
      const f = tf.tidy(() => this.featuresOf(tf.slice(images, at, m)));
      rows.set(f.dataSync(), at * this.featureDim);
      f.dispose();
    }
    return gaussianStats(rows, this.featureDim);
  }

  /** Frechet distance between the features of `images` and precomputed reference statistics. */
  frechetDistance(images: tf.Tensor, reference: GaussianStats): number {
    return frechetDistance(this.stats(images), reference);
  }

  dispose(): void {
    tf.dispose(Object.values(this.network.variables));
  }
}
