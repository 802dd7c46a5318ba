/**
 * L-infinity projected gradient descent/ascent on an input perturbation
 * (Madry et al. 2018), the one optimizer behind attacks, adversarial training,
 * and EM/REM defensive noise.
 *
 * Radii and step sizes are in pixel units of 1/255, the convention of the
 * official code (fshp971/robust-unlearnable-examples): `radius: 8` means
 * ||delta||_inf <= 8/255 on images in [0, 1].
 */
import { tf, type Rng } from '@proj/core';

export interface PgdConfig {
  /** L-inf radius, in units of 1/255. */
  radius: number;
  /** Number of sign-gradient steps. */
  steps: number;
  /** Step size per step, in units of 1/255. */
  stepSize: number;
  /** Start from a uniform point of the ball instead of delta = 0. */
  randomStart: boolean;
}

/** Throws a clear error for a malformed config; `where` names the caller. */
export function checkPgdConfig(cfg: PgdConfig, where: string): void {
  if (!(cfg.radius >= 0) || !Number.isFinite(cfg.radius)) throw new Error(`${where}: radius must be finite and >= 0 (units of 1/255), got ${cfg.radius}`);
  if (!Number.isInteger(cfg.steps) || cfg.steps < 0) throw new Error(`${where}: steps must be an integer >= 0, got ${cfg.steps}`);
  if (!(cfg.stepSize >= 0) || !Number.isFinite(cfg.stepSize)) throw new Error(`${where}: stepSize must be finite and >= 0 (units of 1/255), got ${cfg.stepSize}`);
}

/**
 * delta clipped to the ball ||delta||_inf <= radius (absolute units) and, if
 * the clean input x is given, to the pixel box 0 <= x + delta <= 1. Both sets
 * are coordinate-wise intervals, so the projection onto their intersection is
 * one clip per pixel.
 */
export function projectLinf(delta: tf.Tensor, radius: number, x?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (!x) return tf.clipByValue(delta, -radius, radius);
    const lo = tf.maximum(tf.neg(x), -radius);
    const hi = tf.minimum(tf.sub(1, x), radius);
    return tf.minimum(tf.maximum(delta, lo), hi);
  });
}

export interface PgdOptions {
  /** true: maximize the objective (an attack); false: minimize it (error-minimizing noise). */
  ascend: boolean;
  /** Draws the random start. */
  rng: Rng;
  /** Shape of delta. */
  shape: readonly number[];
  /** The clean images delta is added to: keeps x + delta inside [0, 1]. Absent for noise shared by many images (class-wise). */
  x?: tf.Tensor;
  /** Start from this perturbation (projected first) instead of 0 or a random point. */
  init?: tf.Tensor;
}

/**
 * The perturbation delta (caller disposes) after `cfg.steps` steps of
 * delta <- Proj(delta +/- stepSize * sign(gradient(delta))). `gradient` is
 * usually `tf.grad(objective)`: the gradient with respect to the input only,
 * so a model inside the objective gets no weight-gradient work. REM passes a
 * surrogate gradient instead (see rem.ts).
 */
export function pgdPerturbation(gradient: (delta: tf.Tensor) => tf.Tensor, cfg: PgdConfig, opts: PgdOptions): tf.Tensor {
  checkPgdConfig(cfg, 'pgdPerturbation');
  const radius = cfg.radius / 255;
  const step = (opts.ascend ? 1 : -1) * (cfg.stepSize / 255);
  let delta = tf.tidy(() => {
    if (opts.init) return projectLinf(opts.init, radius, opts.x);
    if (cfg.randomStart && radius > 0) {
      return projectLinf(tf.randomUniform([...opts.shape], -radius, radius, 'float32', opts.rng.tfSeed()), radius, opts.x);
    }
    return tf.zeros([...opts.shape]);
  });
  if (radius === 0) return delta;
  for (let i = 0; i < cfg.steps; i++) {
    const next = tf.tidy(() => projectLinf(tf.add(delta, tf.mul(tf.sign(gradient(delta)), step)), radius, opts.x));
    delta.dispose();
    delta = next;
  }
  return delta;
}
