/**
 * Error-minimizing (EM) noise, Huang et al. 2021 ("Unlearnable examples"), the
 * baseline of the REM paper: a bi-level min-min problem,
 *   min_theta E[ min_{||delta||_inf <= eps} L(f_theta(x + delta), y) ],
 * solved by alternating a few model steps on the noisy data with PGD
 * *descent* on the noise, until the model's training error on the noisy data
 * falls below a threshold. The noise is a shortcut the model learns instead
 * of the images, so a model trained on the protected data fails on clean
 * test images.
 *
 * Sample-wise: one delta per image. Class-wise: one delta per class, added to
 * every image of that class.
 */
import { Rng, batches, exampleSize, silentProgress, tf, toTensors, type Batch, type Dataset, type ProgressReporter } from '@proj/core';
import { crossEntropy, disposeSgd, modelStep, sgd, type SgdConfig } from './classifier.js';
import { applyNoise, noiseRows, setNoiseRows, zeroNoise, type DefensiveNoise } from './noise.js';
import { checkPgdConfig, pgdPerturbation, type PgdConfig } from './pgd.js';

export interface EmConfig extends SgdConfig {
  mode: 'sample' | 'class';
  /** PGD descent on the noise per round; Huang et al.: eps 8/255, 20 steps of 0.8/255 (sample-wise). */
  noise: PgdConfig;
  /** Model steps between noise updates (Huang et al.: 10). */
  modelSteps: number;
  /** Stop when the training error on the noisy data is below this (Huang et al.: 0.01 sample-wise, 0.1 class-wise). */
  stopError: number;
  /** Give up after this many rounds even if the error is still above stopError. */
  maxRounds: number;
  batchSize: number;
}

/** Huang et al.'s sample-wise setting with the REM paper's SGD (lr 0.1, momentum 0.9, weight decay 5e-4, batch 128). */
export const EM_SAMPLE_WISE: EmConfig = {
  mode: 'sample',
  noise: { radius: 8, steps: 20, stepSize: 0.8, randomStart: true },
  modelSteps: 10,
  stopError: 0.01,
  maxRounds: 20,
  batchSize: 128,
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
};

/** Class-wise: the same, stopping at 10% error (Huang et al.). */
export const EM_CLASS_WISE: EmConfig = { ...EM_SAMPLE_WISE, mode: 'class', stopError: 0.1 };

export interface EmResult {
  noise: DefensiveNoise;
  /** Training error on the noisy data after each round. */
  trainError: number[];
  /** Whether the stop criterion was met (else maxRounds ran out). */
  converged: boolean;
}

/** Noise of every example: delta[y_i] for class-wise noise (stored per class, [numClasses, ...exampleShape]). */
function perExample(data: Dataset, classNoise: DefensiveNoise): DefensiveNoise {
  const out = zeroNoise(data);
  const stride = exampleSize(data.exampleShape);
  const all = Int32Array.from({ length: data.size }, (_, i) => i);
  const labels = data.take(all).y;
  for (let i = 0; i < data.size; i++) out.delta.set(classNoise.delta.subarray(labels[i] * stride, (labels[i] + 1) * stride), i * stride);
  return out;
}

function checkEmConfig(cfg: EmConfig): void {
  checkPgdConfig(cfg.noise, 'errorMinimizingNoise');
  if (cfg.mode !== 'sample' && cfg.mode !== 'class') throw new Error(`errorMinimizingNoise: mode must be 'sample' or 'class', got ${JSON.stringify(cfg.mode)}`);
  if (!Number.isInteger(cfg.modelSteps) || cfg.modelSteps < 0) throw new Error(`errorMinimizingNoise: modelSteps must be an integer >= 0, got ${cfg.modelSteps}`);
  if (!Number.isInteger(cfg.maxRounds) || cfg.maxRounds < 1) throw new Error(`errorMinimizingNoise: maxRounds must be an integer >= 1, got ${cfg.maxRounds}`);
  if (!(cfg.stopError >= 0 && cfg.stopError <= 1)) throw new Error(`errorMinimizingNoise: stopError must be in [0, 1], got ${cfg.stopError}`);
  if (!Number.isInteger(cfg.batchSize) || cfg.batchSize < 1) throw new Error(`errorMinimizingNoise: batchSize must be an integer >= 1, got ${cfg.batchSize}`);
}

/**
 * EM noise for `data`, trained against `model` (updated in place: it is the
 * noise generator's surrogate, not a model to keep).
 */
export function errorMinimizingNoise(
  model: tf.LayersModel,
  data: Dataset,
  cfg: EmConfig,
  seed: number | Rng,
  reporter: ProgressReporter = silentProgress,
): EmResult {
  checkEmConfig(cfg);
  const rng = typeof seed === 'number' ? new Rng(seed) : seed;
  const classWise = cfg.mode === 'class';
  const radius = cfg.noise.radius / 255;
  // Huang et al. start from uniform noise in the ball.
  const store: DefensiveNoise = classWise
    ? { delta: rng.split().uniformArray(data.numClasses * exampleSize(data.exampleShape), -radius, radius), size: data.numClasses, exampleShape: data.exampleShape }
    : zeroNoise(data);
  if (!classWise) store.delta.set(rng.split().uniformArray(store.delta.length, -radius, radius));
  const rowsOf = (indices: Int32Array, labels: Int32Array) => noiseRows(store, classWise ? labels : indices);

  const optimizer = sgd(cfg);
  const stream = rng.split();
  // Model steps draw from one endless stream of shuffled epochs.
  let pending: Iterator<Batch> | null = null;
  const nextBatch = (): Batch => {
    for (;;) {
      pending ??= batches(data, { batchSize: cfg.batchSize, rng: stream })[Symbol.iterator]();
      const r = pending.next();
      if (!r.done) return r.value;
      pending = null;
    }
  };
  const trainError: number[] = [];
  reporter.start(cfg.maxRounds, 'EM noise');
  try {
    for (let round = 0; round < cfg.maxRounds; round++) {
      for (let s = 0; s < cfg.modelSteps; s++) {
        const b = nextBatch();
        tf.tidy(() => {
          const { x, y } = toTensors(b, { oneHot: true });
          modelStep(model, optimizer, applyNoise(x, rowsOf(b.indices, b.y)), y, cfg.weightDecay);
        });
      }
      let wrong = 0;
      for (const b of batches(data, { batchSize: cfg.batchSize, shuffle: false })) {
        tf.tidy(() => {
          const { x, y } = toTensors(b, { oneHot: true });
          if (classWise) {
            // One shared delta per class: gather it per image, clip the sum into the pixel box.
            const classes = tf.tensor1d(b.y, 'int32');
            const objective = (d: tf.Tensor) => crossEntropy(model, applyNoise(x, tf.gather(d, classes)), y);
            const init = noiseRows(store, Int32Array.from({ length: data.numClasses }, (_, c) => c));
            const d = pgdPerturbation(tf.grad(objective), cfg.noise, { ascend: false, rng, shape: init.shape, init });
            setNoiseRows(store, Int32Array.from({ length: data.numClasses }, (_, c) => c), d);
          } else {
            const objective = (d: tf.Tensor) => crossEntropy(model, tf.add(x, d), y);
            const d = pgdPerturbation(tf.grad(objective), cfg.noise, { ascend: false, rng, shape: x.shape, x, init: rowsOf(b.indices, b.y) });
            setNoiseRows(store, b.indices, d);
          }
        });
      }
      // The stop criterion: error of the current model on the data with the updated noise.
      for (const b of batches(data, { batchSize: 500, shuffle: false })) {
        wrong += tf.tidy(() => {
          const { x, y } = toTensors(b);
          const predicted = tf.argMax(model.predict(applyNoise(x, rowsOf(b.indices, b.y))) as tf.Tensor, -1);
          return tf.sum(tf.cast(tf.notEqual(predicted, y), 'int32')).dataSync()[0];
        });
      }
      const error = wrong / data.size;
      trainError.push(error);
      reporter.tick({ error });
      if (error < cfg.stopError) return { noise: classWise ? perExample(data, store) : store, trainError, converged: true };
    }
    return { noise: classWise ? perExample(data, store) : store, trainError, converged: false };
  } finally {
    disposeSgd(optimizer);
    reporter.end();
  }
}
