import { tf, type MaskSet, type NamedTensors, type WeightMask } from '@proj/core';

/**
 * Variables held sparse by binary masks. After every optimizer step, `apply()`
 * sets the pruned entries back to exactly +0 (the reference code's
 * `weight.data *= mask`; gradients and optimizer state are not masked there
 * either, so momentum may move a pruned weight, which the next `apply()`
 * undoes). Owns one boolean tensor per mask so that the per-step cost is one
 * `where` per layer; call `dispose()` when done.
 */
export class MaskedWeights {
  private readonly vars: NamedTensors<tf.Variable>;
  private readonly current: MaskSet = {};
  private readonly keep = new Map<string, tf.Tensor>();

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
    this.keep.get(name)?.dispose();
    this.keep.set(name, tf.tensor(mask.data, v.shape, 'bool'));
    this.current[name] = mask;
  }

  /** Zeroes every pruned entry: w <- mask ? w : +0. */
  apply(): void {
    tf.tidy(() => {
      for (const [name, keep] of this.keep) {
        const v = this.vars[name];
        v.assign(tf.where(keep, v, tf.zerosLike(v)));
      }
    });
  }

  /** `apply` as a hook for `train({ afterStep: [masked.afterStep] })`. */
  readonly afterStep = (): void => this.apply();

  /** Frees the cached mask tensors (the variables stay). */
  dispose(): void {
    for (const t of this.keep.values()) t.dispose();
    this.keep.clear();
  }
}
