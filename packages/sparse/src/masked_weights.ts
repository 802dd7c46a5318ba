import { applyMask, tf, type MaskSet, type NamedTensors, type WeightMask } from '@proj/core';

/**
 * Variables held sparse by binary masks. After every optimizer step, `apply()`
 * sets the pruned entries back to exactly +0 (the reference code's
 * `weight.data *= mask`; gradients and optimizer state are not masked there
 * either, so momentum may move a pruned weight, which the next `apply()`
 * undoes).
 */
export class MaskedWeights {
  private readonly vars: NamedTensors<tf.Variable>;
  private readonly current: MaskSet = {};

  constructor(variables: NamedTensors<tf.Variable>, masks: MaskSet) {
    this.vars = variables;
    for (const [name, mask] of Object.entries(masks)) this.setMask(name, mask);
  }

  /** The masks by variable name (do not mutate; use `setMask`). */
  get masks(): Readonly<MaskSet> {
    return this.current;
  }

  /** The masked variables by name. */
  get variables(): Readonly<NamedTensors<tf.Variable>> {
    return Object.fromEntries(Object.keys(this.current).map((n) => [n, this.vars[n]]));
  }

  /** Replaces one mask (e.g. after prune-and-grow); the variable is not touched until `apply()`. */
  setMask(name: string, mask: WeightMask): void {
    const v = this.vars[name];
    if (!v) throw new Error(`MaskedWeights: mask '${name}' names no variable (have: ${Object.keys(this.vars).join(', ')})`);
    if (!tf.util.arraysEqual(mask.shape, v.shape) || mask.data.length !== v.size) {
      throw new Error(`MaskedWeights: mask '${name}' has shape [${mask.shape}] (${mask.data.length} entries), variable has [${v.shape}]`);
    }
    this.current[name] = mask;
  }

  /** Zeroes every pruned entry: w <- mask ? w : +0 (`@proj/core`'s `applyMask`). */
  apply(): void {
    applyMask(this.vars, this.current);
  }

  /** `apply` as a hook for `train({ afterStep: [masked.afterStep] })`. */
  readonly afterStep = (): void => this.apply();
}
