/**
 * Standard and PGD adversarial training (Madry et al. 2018) of a classifier
 * on a (possibly protected) dataset: the evaluation side of unlearnable
 * examples. A data owner's noise works if the model trained here has low
 * clean test accuracy.
 */
import {
  batches,
  modelVariables,
  numBatches,
  Rng,
  silentProgress,
  tf,
  toTensors,
  train,
  type Dataset,
  type ProgressReporter,
} from '@proj/core';
import { pgdAttack } from './attack.js';
import { augment, type AugmentConfig } from './augment.js';
import { disposeSgd, regularizedLoss, sgd, stepDecay, type SgdConfig } from './classifier.js';
import type { PgdConfig } from './pgd.js';

export interface TrainerConfig extends SgdConfig {
  epochs: number;
  batchSize: number;
  /** Learning rate x0.1 at these fractions of the run (official train.py: every 16000 of 40000 steps, i.e. at 0.4 and 0.8). */
  decayEvery: number;
  /** PGD adversarial training against this attack; absent = standard training. */
  adversary?: PgdConfig;
  /** Random shifts/flips of each batch before the attack (the official training transform). */
  augment?: AugmentConfig;
}

export interface TrainerResult {
  /** Training loss per step (on adversarial examples for adversarial training). */
  loss: number[];
}

interface TensorBatch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Trains `model` in place on `data`; every batch's adversarial examples are made by PGD against the current weights. */
export async function trainClassifier(
  model: tf.LayersModel,
  data: Dataset,
  cfg: TrainerConfig,
  seed: number | Rng,
  reporter: ProgressReporter = silentProgress,
): Promise<TrainerResult> {
  if (!Number.isInteger(cfg.batchSize) || cfg.batchSize < 1) throw new Error(`trainClassifier: batchSize must be an integer >= 1, got ${cfg.batchSize}`);
  if (!(cfg.decayEvery > 0 && cfg.decayEvery <= 1)) throw new Error(`trainClassifier: decayEvery must be in (0, 1], got ${cfg.decayEvery}`);
  const root = typeof seed === 'number' ? new Rng(seed) : seed;
  const batchSeed = root.split().tfSeed();
  const rng = root.split();
  const optimizer = sgd(cfg);
  const stepsPerEpoch = numBatches(data.size, cfg.batchSize);
  const decayEverySteps = Math.max(1, Math.round(cfg.decayEvery * stepsPerEpoch * cfg.epochs));
  try {
    const history = await train<TensorBatch>({
      variables: Object.values(modelVariables(model)),
      optimizer,
      epochs: cfg.epochs,
      stepsPerEpoch,
      reporter,
      batches: function* (epoch) {
        for (const b of batches(data, { batchSize: cfg.batchSize, seed: batchSeed, epoch })) {
          yield tf.tidy(() => {
            const { x, y } = toTensors(b, { oneHot: true });
            const seen = cfg.augment ? augment(x, cfg.augment, rng) : x;
            return { x: cfg.adversary ? pgdAttack(model, seen, y, cfg.adversary, rng) : seen, y };
          });
        }
      },
      loss: ({ x, y }) => regularizedLoss(model, x, y, cfg.weightDecay),
      afterStep: [({ step }) => optimizer.setLearningRate(stepDecay(cfg.learningRate, step, decayEverySteps))],
      disposeBatch: ({ x, y }) => tf.dispose([x, y]),
    });
    return { loss: history.loss };
  } finally {
    disposeSgd(optimizer);
  }
}
