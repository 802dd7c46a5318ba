import { applyMask, Rng, tf, toRng, type StepContext } from '@proj/core';
import type { MaskedWeights } from './masked_weights.js';
import { chooseWithoutReplacement } from './random_masks.js';
import { topK } from './top_k.js';

/** How the prune fraction decays over training. */
export type PruneSchedule = 'constant' | 'cosine';

export interface DynamicSparsityConfig {
  /** Optimizer steps between mask updates (RigL's Delta T). */
  updateEvery: number;
  /** Fraction of each layer's active weights pruned and regrown at an update, at step 0 (RigL's alpha). */
  pruneFraction: number;
  /** `cosine`: alpha_t = alpha/2 (1 + cos(pi t / endStep)) (RigL); `constant`: alpha every time (SET). */
  schedule: PruneSchedule;
  /** No mask updates at or after this step (RigL stops at 75% of training). */
  endStep: number;
  /** Regrow where |gradient| is largest (RigL) or uniformly at random (SET). */
  grow: 'gradient' | 'random';
  /** Seeds random regrowth (and nothing else). */
  seed: number | Rng;
}

/**
 * RigL (Evci et al. 2020, "Rigging the Lottery"): Delta T = 100, alpha = 0.3,
 * cosine decay, updates until 75% of training, regrowth by |gradient|.
 */
export function rigl(opts: { totalSteps: number; seed: number | Rng } & Partial<DynamicSparsityConfig>): DynamicSparsityConfig {
  const { totalSteps, ...rest } = opts;
  return { updateEvery: 100, pruneFraction: 0.3, schedule: 'cosine', endStep: Math.floor(0.75 * totalSteps), grow: 'gradient', ...rest };
}

/**
 * SET (Mocanu et al. 2018, "Sparse Evolutionary Training"): after every epoch,
 * prune the fraction zeta = 0.3 of smallest-magnitude weights and regrow as
 * many at random, for the whole run.
 */
export function set(opts: { stepsPerEpoch: number; totalSteps: number; seed: number | Rng } & Partial<DynamicSparsityConfig>): DynamicSparsityConfig {
  const { stepsPerEpoch, totalSteps, ...rest } = opts;
  return { updateEvery: stepsPerEpoch, pruneFraction: 0.3, schedule: 'constant', endStep: totalSteps, grow: 'random', ...rest };
}

/** What one prune-and-grow update changed. */
export interface SparsityUpdate {
  step: number;
  /** The prune fraction used (after the schedule). */
  fraction: number;
  /** Weights that became active per layer (as many left; a just-dropped weight regrown does not count). */
  moved: Record<string, number>;
  /** Active weights per layer after the update (equal to before). */
  active: Record<string, number>;
}

/** Gradients or gradient magnitudes by variable name, as tensors or flat arrays. */
export type GradientScores = Readonly<Record<string, tf.Tensor | ArrayLike<number>>>;

/**
 * The prune-and-grow engine of dynamic sparse training, shared by RigL, SET,
 * STU-GAN (generator) and FedSpa (clients). At an update, every masked layer
 * drops the k = round(alpha_t * active) active weights of smallest magnitude
 * and activates k inactive ones (the just-dropped included) with the largest
 * |gradient| or at random. Newly active weights start at exactly 0, and each
 * layer's active count never changes.
 *
 * In `train()`: pass `onGradients: [ds.onGradients]` (records |g| on update
 * steps, for gradient growth) and `afterStep: [ds.afterStep]` (re-masks after
 * every step, then updates the masks on update steps). Elsewhere, call
 * `update(step, grads)` yourself (e.g. once per federated round).
 */
export class DynamicSparsity {
  readonly config: DynamicSparsityConfig;
  readonly masked: MaskedWeights;
  /** Every update so far, for plots and checks. */
  readonly history: SparsityUpdate[] = [];
  private readonly rng: Rng;
  private recorded: Record<string, Float32Array> | undefined;

  constructor(masked: MaskedWeights, config: DynamicSparsityConfig) {
    const c = config ?? ({} as DynamicSparsityConfig);
    if (!Number.isInteger(c.updateEvery) || c.updateEvery < 1) throw new Error(`DynamicSparsity: updateEvery must be an integer >= 1, got ${c.updateEvery}`);
    if (!(c.pruneFraction >= 0 && c.pruneFraction <= 1)) throw new Error(`DynamicSparsity: pruneFraction must be in [0, 1], got ${c.pruneFraction}`);
    if (c.schedule !== 'constant' && c.schedule !== 'cosine') {
      throw new Error(`DynamicSparsity: schedule must be 'constant' or 'cosine', got ${JSON.stringify(c.schedule)}`);
    }
    if (!(Number.isInteger(c.endStep) && c.endStep >= 0)) throw new Error(`DynamicSparsity: endStep must be an integer >= 0, got ${c.endStep}`);
    if (c.grow !== 'gradient' && c.grow !== 'random') throw new Error(`DynamicSparsity: grow must be 'gradient' or 'random', got ${JSON.stringify(c.grow)}`);
    this.config = { ...c };
    this.masked = masked;
    this.rng = toRng(c.seed);
  }

  /** alpha_t: the prune fraction at `step` under the schedule. */
  fractionAt(step: number): number {
    const { pruneFraction: alpha, schedule, endStep } = this.config;
    if (schedule === 'constant') return alpha;
    return endStep > 0 ? 0.5 * alpha * (1 + Math.cos((Math.PI * Math.min(step, endStep)) / endStep)) : 0;
  }

  /** Whether the masks change after optimizer step `step` (counted from 1). */
  isUpdateStep(step: number): boolean {
    return step > 0 && step % this.config.updateEvery === 0 && step < this.config.endStep;
  }

  /** Hook for `train({ onGradients })`: keeps |g| of the masked weights on update steps. */
  readonly onGradients = (grads: tf.NamedTensorMap, ctx: { step: number }): void => {
    if (this.config.grow !== 'gradient' || !this.isUpdateStep(ctx.step)) return;
    this.recorded = {};
    for (const name of Object.keys(this.masked.masks)) {
      const g = grads[name];
      if (!g) throw new Error(`DynamicSparsity: no gradient for masked weight '${name}' (is it among train()'s variables?)`);
      this.recorded[name] = g.dataSync() as Float32Array;
    }
  };

  /** Hook for `train({ afterStep })`: re-masks, then prune-and-grow on update steps. */
  readonly afterStep = (ctx: Pick<StepContext, 'step'>): void => {
    this.masked.apply();
    if (!this.isUpdateStep(ctx.step)) return;
    if (this.config.grow === 'gradient' && this.recorded === undefined) {
      throw new Error(`DynamicSparsity: step ${ctx.step} needs gradients for growth; add ds.onGradients to train()'s onGradients`);
    }
    this.update(ctx.step, this.recorded);
    this.recorded = undefined;
  };

  /**
   * Prunes and regrows every masked layer now, at the schedule's fraction for
   * `step`. `grads` (gradients or their magnitudes by variable name) is needed
   * for gradient growth. Dropped weights become 0 and grown ones start at 0.
   */
  update(step: number, grads?: GradientScores): SparsityUpdate {
    const fraction = this.fractionAt(step);
    const moved: Record<string, number> = {};
    const active: Record<string, number> = {};
    const vars = this.masked.variables;
    for (const [name, mask] of Object.entries(this.masked.masks)) {
      const w = vars[name].dataSync() as Float32Array;
      const on: number[] = [];
      const off: number[] = [];
      for (let i = 0; i < mask.data.length; i++) (mask.data[i] ? on : off).push(i);
      const k = Math.round(fraction * on.length);
      const next = new Uint8Array(mask.data);
      const negMagnitude = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) negMagnitude[i] = -Math.abs(w[i]);
      const dropped = topK(negMagnitude, Int32Array.from(on), k);
      for (const i of dropped) next[i] = 0;
      // Candidates for growth: every inactive weight after the drop, the just-dropped ones included (as RigL).
      const candidates = new Int32Array(off.length + dropped.length);
      candidates.set(off);
      candidates.set(dropped, off.length);
      candidates.sort();
      if (this.config.grow === 'gradient') {
        const g = grads?.[name];
        if (g === undefined) throw new Error(`DynamicSparsity.update: grow 'gradient' needs grads['${name}']`);
        const values = g instanceof tf.Tensor ? (g.dataSync() as Float32Array) : g;
        if (values.length !== mask.data.length) {
          throw new Error(`DynamicSparsity.update: grads['${name}'] has ${values.length} entries, the weight has ${mask.data.length}`);
        }
        const magnitude = new Float32Array(values.length);
        for (let i = 0; i < values.length; i++) magnitude[i] = Math.abs(values[i]);
        for (const i of topK(magnitude, candidates, k)) next[i] = 1;
      } else {
        chooseWithoutReplacement(this.rng.split(), candidates.length, k, (j) => (next[candidates[j]] = 1));
      }
      // Weights active before and after keep their values; dropped and newly grown ones become 0.
      const stays = new Uint8Array(next.length);
      let kept = 0;
      let regrown = 0;
      for (let i = 0; i < next.length; i++) {
        stays[i] = next[i] & mask.data[i];
        kept += next[i];
        regrown += next[i] & (mask.data[i] ^ 1);
      }
      applyMask(vars, { [name]: { shape: mask.shape, data: stays } });
      moved[name] = regrown;
      active[name] = kept;
      this.masked.setMask(name, { shape: [...mask.shape], data: next });
    }
    const record = { step, fraction, moved, active };
    this.history.push(record);
    return record;
  }
}
