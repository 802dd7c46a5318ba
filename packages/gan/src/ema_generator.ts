import { applyMask, tf, type MaskSet } from '@proj/core';
import { localName, type GeneratorNetwork } from './network.js';

export interface EmaOptions {
  /** theta_ema <- decay theta_ema + (1 - decay) theta (BigGAN's ema_decay: 0.9999; short runs need less). */
  decay: number;
  /** Before this generator step the average just copies G (BigGAN's ema_start). */
  start?: number;
  /** Sparse EMA: G's current masks by source variable name, applied to the average after each update. */
  masks?: () => Readonly<MaskSet>;
}

/**
 * An exponential moving average of a generator's weights, held in a second
 * network of the same architecture (`average`), which is what is sampled for
 * evaluation (Yazici et al. 2019; BigGAN). With masks it is the sparse EMA of
 * STU-GAN: after each update the average is multiplied by G's current masks,
 * so it keeps exactly G's sparsity and connectivity.
 */
export class EmaGenerator {
  readonly source: GeneratorNetwork;
  readonly average: GeneratorNetwork;
  readonly decay: number;
  readonly start: number;
  private readonly masks: (() => Readonly<MaskSet>) | undefined;
  private readonly pairs: Array<[src: tf.Variable, avg: tf.Variable]>;

  constructor(source: GeneratorNetwork, average: GeneratorNetwork, options: EmaOptions) {
    if (!(options?.decay >= 0 && options.decay < 1)) throw new Error(`EmaGenerator: decay must be in [0, 1), got ${options?.decay}`);
    this.source = source;
    this.average = average;
    this.decay = options.decay;
    this.start = options.start ?? 0;
    this.masks = options.masks;
    const byLocal = new Map(Object.values(average.variables).map((v) => [localName(average, v.name), v]));
    this.pairs = Object.values(source.variables).map((v) => {
      const a = byLocal.get(localName(source, v.name));
      if (!a || !tf.util.arraysEqual(a.shape, v.shape)) {
        throw new Error(`EmaGenerator: average has no variable matching '${v.name}' [${v.shape}]; build it with the same architecture`);
      }
      return [v, a];
    });
    if (this.pairs.length !== byLocal.size) throw new Error('EmaGenerator: average has variables the source lacks');
    this.copy();
  }

  /** Sets the average to the source's current weights. */
  copy(): void {
    for (const [src, avg] of this.pairs) avg.assign(src);
  }

  /** Averages in the source's weights after generator step `step` (then masks them for a sparse EMA). */
  update(step: number): void {
    if (step < this.start) {
      this.copy();
    } else {
      tf.tidy(() => {
        for (const [src, avg] of this.pairs) avg.assign(tf.add(tf.mul(this.decay, avg), tf.mul(1 - this.decay, src)));
      });
    }
    if (!this.masks) return;
    const masks = this.masks();
    const byAverage = Object.fromEntries(this.pairs.filter(([src]) => masks[src.name]).map(([src, avg]) => [avg.name, masks[src.name]]));
    applyMask(this.average.variables, byAverage);
  }
}
