/** The L-inf PGD attack on a classifier (Madry et al. 2018): maximize its cross-entropy within the ball. */
import { tf, type Rng } from '@proj/core';
import { crossEntropy } from './classifier.js';
import { pgdPerturbation, type PgdConfig } from './pgd.js';

/** Madry et al.'s training attack for radius r: 10 steps of r/5 (the official scripts: 4/255 in 10 steps of 0.8/255), random start. */
export function madryPgd(radius: number, steps = 10): PgdConfig {
  return { radius, steps, stepSize: radius === 0 ? 0 : (2 * radius) / steps, randomStart: true };
}

/** Adversarial examples x + delta for (x, one-hot y), model in inference mode; caller disposes. */
export function pgdAttack(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, cfg: PgdConfig, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const delta = pgdPerturbation(tf.grad((d) => crossEntropy(model, tf.add(x, d), y)), cfg, { ascend: true, rng, shape: x.shape, x });
    return tf.add(x, delta);
  });
}
