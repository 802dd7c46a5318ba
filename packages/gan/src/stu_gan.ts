import { Rng, tf, toRng, type MaskSet } from '@proj/core';
import { DynamicSparsity, layerDensities, MaskedWeights, randomMasks } from '@proj/sparse';
import type { GanHooks } from './gan_trainer.js';
import type { Network } from './network.js';

export interface StuGanConfig {
  /** Global density of G's kernels, ERK-distributed (STU-GAN's unbalanced setting: G 0.1-0.2). */
  generatorDensity: number;
  /** Global density of D's kernels, ERK-distributed, fixed for the run (paper: 0.3-0.5). */
  discriminatorDensity: number;
  /** true: STU-GAN (G prunes and regrows); false: the static sparse baseline with the same masks. */
  explore: boolean;
  /** Generator steps between G's mask updates (authors' code: update_frequency 500-1000). */
  updateEvery: number;
  /** Share of G's active weights pruned and regrown at the first update (authors' death_rate 0.5), cosine-decayed. */
  pruneFraction: number;
  /** Generator step after which G's masks stay fixed (the run's length: the decay reaches ~0 at the end). */
  endStep: number;
  /**
   * Multiply each masked kernel's kept weights by 1 / sqrt(layer density) at
   * the start, so a sparse layer's outputs keep the scale of the dense init
   * (the sparse fan-in rescaling of Evci et al. 2022, "Gradient flow in sparse
   * neural networks"). Ours, default true: the authors' BigGAN has batch norm,
   * which makes the scale irrelevant; without it a 20%-dense G starts with
   * outputs ~0.1x as large and learns far slower.
   */
  rescaleInit?: boolean;
  /** Seeds the masks. */
  seed: number | Rng;
}

/** A sparse GAN: masks on both networks and the hooks that keep them, for `GanTrainer`. */
export interface SparseGan {
  generatorMasks: MaskedWeights;
  /** Undefined when D is dense (density 1). */
  discriminatorMasks: MaskedWeights | undefined;
  /** G's prune-and-grow engine (STU-GAN); undefined for the static baseline. */
  exploration: DynamicSparsity | undefined;
  /** Pass to `new GanTrainer(g, d, config, hooks)`. */
  hooks: GanHooks;
  /** G's current masks, for a sparse EMA (`EmaOptions.masks`). */
  generatorMaskSet: () => Readonly<MaskSet>;
}

/**
 * STU-GAN (Liu et al. 2022, arXiv:2203.02770): G and D start from ERK random
 * masks at separate densities and train sparse from scratch. D's mask is
 * static; G explores its connectivity with @proj/sparse's DynamicSparsity:
 * every `updateEvery` G steps it drops the smallest-magnitude active weights
 * at the cosine-decayed rate and regrows as many where |dL_G/dw| is largest,
 * at zero, so G's parameter count never changes. `explore: false` gives the
 * static sparse baseline (same masks, never updated). The masks are applied
 * to the networks' weights here.
 */
export function stuGan(generator: Network, discriminator: Network, config: StuGanConfig): SparseGan {
  const c = config ?? ({} as StuGanConfig);
  for (const key of ['generatorDensity', 'discriminatorDensity'] as const) {
    if (!(c[key] > 0 && c[key] <= 1)) throw new Error(`stuGan: ${key} must be in (0, 1], got ${c[key]}`);
  }
  const rng = toRng(c.seed);
  const maskOf = (net: Network, density: number, maskRng: Rng) =>
    randomMasks(net.prunable, layerDensities(net.prunable, { scheme: 'erk', density }), maskRng);
  const generatorMasks = new MaskedWeights(generator.variables, maskOf(generator, c.generatorDensity, rng.split()));
  const dMaskRng = rng.split();
  const discriminatorMasks =
    c.discriminatorDensity < 1 ? new MaskedWeights(discriminator.variables, maskOf(discriminator, c.discriminatorDensity, dMaskRng)) : undefined;
  generatorMasks.apply();
  discriminatorMasks?.apply();
  if (c.rescaleInit ?? true) {
    for (const masked of [generatorMasks, discriminatorMasks]) {
      for (const [name, m] of Object.entries(masked?.masks ?? {})) {
        const density = m.data.reduce((a, b) => a + b, 0) / m.data.length;
        const v = masked!.variables[name];
        if (density > 0 && density < 1) tf.tidy(() => v.assign(tf.mul(v, 1 / Math.sqrt(density))));
      }
    }
  }
  const exploration = c.explore
    ? new DynamicSparsity(generatorMasks, {
        updateEvery: c.updateEvery,
        pruneFraction: c.pruneFraction,
        schedule: 'cosine',
        endStep: c.endStep,
        grow: 'gradient',
        seed: rng.split(),
      })
    : undefined;
  const hooks: GanHooks = {
    onGeneratorGradients: exploration ? [exploration.onGradients] : [],
    afterGeneratorStep: [exploration ? exploration.afterStep : generatorMasks.afterStep],
    afterDiscriminatorStep: discriminatorMasks ? [discriminatorMasks.afterStep] : [],
  };
  return { generatorMasks, discriminatorMasks, exploration, hooks, generatorMaskSet: () => generatorMasks.masks };
}
