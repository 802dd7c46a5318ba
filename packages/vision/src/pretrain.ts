/**
 * The one training loop every SSL method shares: each step draws a batch of
 * unlabelled tiles, makes two views with independent draws of one
 * augmentation, and minimizes the method's loss of the pair with Adam on a
 * half-cosine learning-rate schedule. (The papers use LARS at batch 4096;
 * Adam suits our batches of a few hundred.)
 */
import { Rng, adam, batches, numBatches, silentProgress, tf, train, type Dataset, type ProgressReporter } from '@proj/core';
import type { SslMethod } from './methods/method.js';
import type { Augmentation } from './transforms/augmentation.js';

export interface PretrainConfig {
  epochs: number;
  batchSize: number;
  /** Peak Adam learning rate, decayed to 0 along a half cosine. */
  learningRate: number;
  /** Decoupled weight decay (AdamW); the SSL papers use 1e-6 (SimCLR/BYOL via LARS) to 1.5e-6 (Barlow Twins). */
  weightDecay: number;
  /** Stop after this many steps (default: all epochs). */
  maxSteps?: number;
}

export const PRETRAIN_DEFAULTS: PretrainConfig = { epochs: 10, batchSize: 256, learningRate: 2e-3, weightDecay: 1e-6 };

interface Views {
  v1: tf.Tensor4D;
  v2: tf.Tensor4D;
}

export interface PretrainOptions {
  /** Tiles [h, w, c] in [0, 1]; labels, if any, are ignored. */
  tiles: Dataset;
  augment: Augmentation;
  config?: Partial<PretrainConfig>;
  seed: number | Rng;
  reporter?: ProgressReporter;
}

/** Pretrains `method` in place; returns the loss of every step. */
export async function pretrain(method: SslMethod, options: PretrainOptions): Promise<number[]> {
  const cfg = { ...PRETRAIN_DEFAULTS, ...options.config };
  const { tiles, augment } = options;
  if (tiles.exampleShape.length !== 3) {
    throw new Error(`pretrain: tiles must be images [height, width, channels], got example shape [${tiles.exampleShape.join(', ')}]`);
  }
  if (!(Number.isInteger(cfg.batchSize) && cfg.batchSize >= 2 && cfg.batchSize <= tiles.size)) {
    throw new Error(`pretrain: batchSize must be an integer in [2, ${tiles.size}] (the number of tiles), got ${cfg.batchSize}`);
  }
  const rng = typeof options.seed === 'number' ? new Rng(options.seed) : options.seed;
  const orderSeed = rng.split().tfSeed();
  const viewRng = rng.split();
  const perEpoch = numBatches(tiles.size, cfg.batchSize, true);
  const total = Math.min(cfg.maxSteps ?? Infinity, perEpoch * cfg.epochs);
  const epochs = Math.ceil(total / perEpoch);
  const optimizer = adam(cfg.learningRate, { weightDecay: cfg.weightDecay });
  let step = 0;
  try {
    const history = await train<Views>({
      variables: method.variables,
      optimizer,
      epochs,
      stepsPerEpoch: perEpoch,
      reporter: options.reporter ?? silentProgress,
      batches: function* (epoch) {
        for (const b of batches(tiles, { batchSize: cfg.batchSize, seed: orderSeed, epoch, dropLast: true })) {
          if (step >= total) return;
          step++;
          yield tf.tidy(() => {
            const x = tf.tensor4d(b.x, b.shape as [number, number, number, number]);
            return { v1: augment(x, viewRng), v2: augment(x, viewRng) };
          });
        }
      },
      loss: ({ v1, v2 }) => method.loss(v1, v2),
      disposeBatch: ({ v1, v2 }) => tf.dispose([v1, v2]),
      afterStep: [
        ({ step: s }) => {
          method.afterStep?.(s, total);
          optimizer.learningRate = 0.5 * cfg.learningRate * (1 + Math.cos((Math.PI * s) / total));
        },
      ],
    });
    return history.loss;
  } finally {
    optimizer.dispose();
  }
}
