/**
 * Robust error-minimizing (REM) noise, Fu et al. 2022 (arXiv:2203.14533):
 *
 *   min_theta E_(x,y) min_{||delta_u|| <= rho_u} E_{t ~ T} max_{||delta_a|| <= rho_a}
 *       L(f_theta(t(x + delta_u) + delta_a), y)
 *
 * Noise that stays a shortcut even for a model trained adversarially at
 * radius rho_a, and under the training augmentations T. Per step of the
 * official generator: (1) every `perturbEvery`-th step, the batch's defensive
 * noise delta_u is re-made by PGD descent from a random start (other batches
 * keep their stored noise, zero at first); each descent step averages, over
 * `eotSamples` draws of t, the gradient of L at the adversarial point found
 * by PGD ascent, with that point's gradient treated as constant (Danskin's
 * theorem): d/d delta_u of <t(x + delta_u), g_a>, g_a = dL/dx at
 * t(x + delta_u) + delta_a. (2) The model takes one SGD step on adversarial
 * examples of t(x + delta_u). After the last step the noise of every example
 * is made again with the final model.
 */
import { Rng, batches, numBatches, silentProgress, tf, toTensors, type Dataset, type ProgressReporter } from '@proj/core';
import { pgdAttack } from './attack.js';
import { augment, augmentIndices, reindex, type AugmentConfig } from './augment.js';
import { crossEntropy, disposeSgd, modelStep, sgd, stepDecay, type SgdConfig } from './classifier.js';
import { applyNoise, noiseRows, setNoiseRows, zeroNoise, type DefensiveNoise } from './noise.js';
import { checkPgdConfig, pgdPerturbation, type PgdConfig } from './pgd.js';

export interface RemConfig extends SgdConfig {
  /** Defensive noise delta_u (official CIFAR-10: rho_u 8/255, 10 steps of 1.6/255, random start). */
  defense: PgdConfig;
  /** Adversarial perturbation delta_a (official: rho_a 4/255, 10 steps of 0.8/255, random start); radius 0 gives EM noise under EOT. */
  adversary: PgdConfig;
  /**
   * The batch's defensive noise is re-made every this many steps (official
   * --perturb-freq: 10); between re-makes the model trains on the stored
   * noise. A re-make costs defense.steps x eotSamples x (adversary.steps + 1)
   * input gradients, so 10 lets the model take many more steps per second.
   */
  perturbEvery: number;
  /** Draws of t per descent step for the expectation over transformations (official: 5). */
  eotSamples: number;
  /** The transformations T (official CIFAR-10: crop with 4-pixel padding + flip). */
  augment: AugmentConfig;
  /**
   * Generator steps in epochs of the data, so the official schedule scales to
   * any data size: 5000 steps of batch 128 on CIFAR-10's 50,000 images = 12.8 epochs.
   */
  epochs: number;
  /** Learning rate x0.1 every this fraction of the steps (official: every 2000 of 5000 = 0.4). */
  decayEvery: number;
  batchSize: number;
}

/** The official CIFAR-10 REM-8-4 setting (scripts/cifar10/gen_rem.sh). */
export const REM_OFFICIAL: RemConfig = {
  defense: { radius: 8, steps: 10, stepSize: 1.6, randomStart: true },
  adversary: { radius: 4, steps: 10, stepSize: 0.8, randomStart: true },
  perturbEvery: 10,
  eotSamples: 5,
  augment: { pad: 4, flip: true },
  epochs: (5000 * 128) / 50000,
  decayEvery: 0.4,
  batchSize: 128,
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
};

export interface RemResult {
  noise: DefensiveNoise;
  /** The generator model's loss on its adversarial examples, per step. */
  loss: number[];
  steps: number;
}

/**
 * The defensive noise of one batch (caller disposes): PGD descent on delta_u
 * of the EOT-averaged robust loss. Its gradient, by Danskin's theorem, is the
 * loss gradient g_a at the inner maximizer t(x + delta_u) + delta_a pulled
 * back through t, i.e. d/d delta_u <t(x + delta_u), g_a> with g_a constant.
 */
export function remDefensiveNoise(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, cfg: RemConfig, rng: Rng): tf.Tensor {
  const inputGrad = tf.grad((a: tf.Tensor) => crossEntropy(model, a, y));
  const gradient = (d: tf.Tensor) =>
    tf.tidy(() => {
      const input = tf.add(x, d);
      const terms: tf.Tensor[] = [];
      for (let s = 0; s < cfg.eotSamples; s++) {
        const index = augmentIndices(x.shape, cfg.augment, rng);
        const ga = inputGrad(pgdAttack(model, reindex(input, index), y, cfg.adversary, rng));
        terms.push(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(reindex(u, index), ga)))(input));
      }
      return tf.addN(terms);
    });
  return pgdPerturbation(gradient, cfg.defense, { ascend: false, rng, shape: x.shape, x });
}

function checkRemConfig(cfg: RemConfig): void {
  checkPgdConfig(cfg.defense, 'robustErrorMinimizingNoise (defense)');
  checkPgdConfig(cfg.adversary, 'robustErrorMinimizingNoise (adversary)');
  if (!Number.isInteger(cfg.perturbEvery) || cfg.perturbEvery < 1) throw new Error(`robustErrorMinimizingNoise: perturbEvery must be an integer >= 1, got ${cfg.perturbEvery}`);
  if (!Number.isInteger(cfg.eotSamples) || cfg.eotSamples < 1) throw new Error(`robustErrorMinimizingNoise: eotSamples must be an integer >= 1, got ${cfg.eotSamples}`);
  if (!(cfg.epochs > 0)) throw new Error(`robustErrorMinimizingNoise: epochs must be > 0, got ${cfg.epochs}`);
  if (!(cfg.decayEvery > 0 && cfg.decayEvery <= 1)) throw new Error(`robustErrorMinimizingNoise: decayEvery must be in (0, 1], got ${cfg.decayEvery}`);
  if (!Number.isInteger(cfg.batchSize) || cfg.batchSize < 1) throw new Error(`robustErrorMinimizingNoise: batchSize must be an integer >= 1, got ${cfg.batchSize}`);
}

/** REM noise for `data`, trained against `model` (updated in place; it is the generator's surrogate). */
export function robustErrorMinimizingNoise(
  model: tf.LayersModel,
  data: Dataset,
  cfg: RemConfig,
  seed: number | Rng,
  reporter: ProgressReporter = silentProgress,
): RemResult {
  checkRemConfig(cfg);
  const rng = typeof seed === 'number' ? new Rng(seed) : seed;
  const stream = rng.split();
  const noise = zeroNoise(data);
  const steps = Math.max(1, Math.round((cfg.epochs * data.size) / cfg.batchSize));
  const decayEverySteps = Math.max(1, Math.round(cfg.decayEvery * steps));
  const optimizer = sgd(cfg);
  const loss: number[] = [];
  const remake = (b: { indices: Int32Array }, x: tf.Tensor, y: tf.Tensor) => {
    // Rounded to int8 pixel precision, that of the saved noise file, so the model trains on the noise users get.
    const d = tf.tidy(() => tf.div(tf.round(tf.mul(remDefensiveNoise(model, x, y, cfg, rng), 255)), 255));
    setNoiseRows(noise, b.indices, d);
    d.dispose();
  };
  reporter.start(steps + numBatches(data.size, cfg.batchSize), 'REM noise');
  try {
    let step = 0;
    while (step < steps) {
      for (const b of batches(data, { batchSize: cfg.batchSize, rng: stream, dropLast: data.size >= cfg.batchSize })) {
        if (step >= steps) break;
        optimizer.setLearningRate(stepDecay(cfg.learningRate, step, decayEverySteps));
        const value = tf.tidy(() => {
          const { x, y } = toTensors(b, { oneHot: true });
          if ((step + 1) % cfg.perturbEvery === 0) remake(b, x, y);
          const seen = augment(applyNoise(x, noiseRows(noise, b.indices)), cfg.augment, rng);
          return modelStep(model, optimizer, pgdAttack(model, seen, y, cfg.adversary, rng), y, cfg.weightDecay);
        });
        loss.push(value);
        reporter.tick({ loss: value });
        step++;
      }
    }
    // Final pass: every example's noise from the final model.
    for (const b of batches(data, { batchSize: cfg.batchSize, shuffle: false })) {
      tf.tidy(() => {
        const { x, y } = toTensors(b, { oneHot: true });
        remake(b, x, y);
      });
      reporter.tick({});
    }
    return { noise, loss, steps };
  } finally {
    disposeSgd(optimizer);
    reporter.end();
  }
}
