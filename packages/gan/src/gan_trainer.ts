import { Rng, tf, toRng } from '@proj/core';
import type { EmaGenerator } from './ema_generator.js';
import { discriminatorLoss, generatorLoss, type GanLoss } from './gan_losses.js';
import type { GeneratorNetwork, Network } from './network.js';

export interface GanTrainerConfig {
  loss: GanLoss;
  /** Discriminator steps per generator step (SNGAN/BigGAN's n_dis; DCGAN: 1). */
  nDis: number;
  /** Generated images per step, for D and for G (real batches come from the caller). */
  batchSize: number;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  /** Seeds the noise of training steps (not of `sample`, which takes its own seed). */
  seed: number | Rng;
  /** Averaged generator updated after every generator step (optional). */
  ema?: EmaGenerator;
}

/** Extension points of a step; `step` counts generator steps from 1. */
export interface GanHooks {
  /** G's gradients by variable name, before the optimizer applies them (e.g. DynamicSparsity.onGradients). */
  onGeneratorGradients?: Array<(grads: tf.NamedTensorMap, ctx: { step: number }) => void>;
  /** After each generator update (e.g. DynamicSparsity.afterStep: re-mask, prune and grow). */
  afterGeneratorStep?: Array<(ctx: { step: number }) => void>;
  /** After each discriminator update (e.g. MaskedWeights.afterStep). */
  afterDiscriminatorStep?: Array<(ctx: { step: number }) => void>;
}

export interface GanStepResult {
  step: number;
  /** Mean discriminator loss over the step's nDis updates. */
  dLoss: number;
  gLoss: number;
}

/**
 * Alternating GAN training (Goodfellow et al. 2014): each step makes `nDis`
 * discriminator updates on a real batch and a fresh generated batch (real and
 * fake go through D as one batch, so spectral norm iterates once per update),
 * then one generator update, then the EMA update. Every tensor a step makes is
 * freed before it returns.
 */
export class GanTrainer {
  readonly generator: GeneratorNetwork;
  readonly discriminator: Network;
  readonly config: GanTrainerConfig;
  readonly hooks: GanHooks;
  /** Generator steps done. */
  step = 0;
  private readonly rng: Rng;

  constructor(generator: GeneratorNetwork, discriminator: Network, config: GanTrainerConfig, hooks: GanHooks = {}) {
    const c = config ?? ({} as GanTrainerConfig);
    if (!Number.isInteger(c.nDis) || c.nDis < 1) throw new Error(`GanTrainer: nDis must be an integer >= 1, got ${c.nDis}`);
    if (!Number.isInteger(c.batchSize) || c.batchSize < 1) throw new Error(`GanTrainer: batchSize must be an integer >= 1, got ${c.batchSize}`);
    if (!c.generatorOptimizer || !c.discriminatorOptimizer) throw new Error('GanTrainer: generatorOptimizer and discriminatorOptimizer are required');
    if (c.ema && c.ema.source !== generator) throw new Error('GanTrainer: config.ema must average this generator');
    this.generator = generator;
    this.discriminator = discriminator;
    this.config = { ...c };
    this.hooks = hooks;
    this.rng = toRng(c.seed);
  }

  /**
   * One generator step with its `nDis` discriminator steps. `nextReal()` gives
   * a real batch [n, h, w, c] scaled to [-1, 1]; the trainer disposes it.
   */
  trainStep(nextReal: () => tf.Tensor): GanStepResult {
    const { loss, nDis, batchSize } = this.config;
    const g = this.generator;
    const d = this.discriminator;
    const step = this.step + 1;
    const dVars = Object.values(d.variables);
    let dLoss = 0;
    for (let k = 0; k < nDis; k++) {
      const real = nextReal();
      try {
        const fake = tf.tidy(() => g.apply(this.noise(batchSize)));
        const { value, grads } = tf.variableGrads(() => {
          const logits = d.apply(tf.concat([real, fake], 0), true);
          const n = real.shape[0];
          return discriminatorLoss(loss, tf.slice(logits, 0, n), tf.slice(logits, n, batchSize));
        }, dVars);
        this.config.discriminatorOptimizer.applyGradients(grads);
        dLoss += value.dataSync()[0] / nDis;
        tf.dispose([fake, value, grads]);
      } finally {
        real.dispose();
      }
      for (const hook of this.hooks.afterDiscriminatorStep ?? []) hook({ step });
    }
    const { value, grads } = tf.variableGrads(() => generatorLoss(loss, d.apply(g.apply(this.noise(batchSize)), true)), Object.values(g.variables));
    const gLoss = value.dataSync()[0];
    try {
      for (const hook of this.hooks.onGeneratorGradients ?? []) hook(grads, { step });
      this.config.generatorOptimizer.applyGradients(grads);
    } finally {
      tf.dispose([value, grads]);
    }
    // D's gradients from the G step were never asked for, so D is untouched here.
    this.step = step;
    for (const hook of this.hooks.afterGeneratorStep ?? []) hook({ step });
    this.config.ema?.update(step);
    if (!Number.isFinite(dLoss) || !Number.isFinite(gLoss)) throw new Error(`GanTrainer: loss became non-finite at step ${step} (D ${dLoss}, G ${gLoss})`);
    return { step, dLoss, gLoss };
  }

  private noise(n: number): tf.Tensor2D {
    return tf.tensor2d(this.rng.normalArray(n * this.generator.zDim), [n, this.generator.zDim]);
  }
}

/**
 * `n` images from a generator for fixed noise: z ~ N(0, I) drawn from `seed`,
 * so the same seed gives the same images (a sample grid, an FID set).
 */
export function sampleGenerator(generator: GeneratorNetwork, n: number, seed: number | Rng, batchSize = 256): tf.Tensor4D {
  if (!Number.isInteger(n) || n < 1) throw new Error(`sampleGenerator: n must be an integer >= 1, got ${n}`);
  const rng = toRng(seed);
  const parts: tf.Tensor[] = [];
  for (let at = 0; at < n; at += batchSize) {
    const m = Math.min(batchSize, n - at);
    parts.push(tf.tidy(() => generator.apply(tf.tensor2d(rng.normalArray(m * generator.zDim), [m, generator.zDim]))));
  }
  const out = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  if (parts.length > 1) tf.dispose(parts);
  return out as tf.Tensor4D;
}
