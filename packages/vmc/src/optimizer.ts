/**
 * First-order update rules applied to a direction d (the SR direction, or
 * the plain gradient when SR is off): SGD theta -= lr d, and Adam (Kingma &
 * Ba 2015) on d. State is exposed for checkpoints.
 */
export interface Optimizer {
  readonly name: 'sgd' | 'adam';
  step(params: Float64Array, direction: Float64Array): void;
  /** Named state arrays (empty for SGD); `loadState` restores them. */
  state(): Record<string, Float64Array>;
  loadState(state: Record<string, Float64Array>): void;
  learningRate: number;
}

export class Sgd implements Optimizer {
  readonly name = 'sgd';
  constructor(public learningRate: number) {
    if (!(learningRate > 0)) throw new Error(`Sgd: learningRate must be > 0, got ${learningRate}`);
  }

  step(params: Float64Array, direction: Float64Array): void {
    for (let k = 0; k < params.length; k++) params[k] -= this.learningRate * direction[k];
  }

  state(): Record<string, Float64Array> {
    return {};
  }

  loadState(): void {}
}

export interface AdamConfig {
  /** Defaults 0.9, 0.999, 1e-8 (Kingma & Ba 2015). */
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam implements Optimizer {
  readonly name = 'adam';
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(public learningRate: number, size: number, cfg: AdamConfig = {}) {
    if (!(learningRate > 0)) throw new Error(`Adam: learningRate must be > 0, got ${learningRate}`);
    this.beta1 = cfg.beta1 ?? 0.9;
    this.beta2 = cfg.beta2 ?? 0.999;
    this.eps = cfg.eps ?? 1e-8;
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(params: Float64Array, direction: Float64Array): void {
    if (direction.length !== this.m.length) throw new Error(`Adam.step: direction must have ${this.m.length} entries, got ${direction.length}`);
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (let k = 0; k < params.length; k++) {
      const g = direction[k];
      this.m[k] = this.beta1 * this.m[k] + (1 - this.beta1) * g;
      this.v[k] = this.beta2 * this.v[k] + (1 - this.beta2) * g * g;
      params[k] -= (this.learningRate * (this.m[k] / c1)) / (Math.sqrt(this.v[k] / c2) + this.eps);
    }
  }

  state(): Record<string, Float64Array> {
    return { m: this.m.slice(), v: this.v.slice(), t: Float64Array.of(this.t) };
  }

  loadState(state: Record<string, Float64Array>): void {
    for (const key of ['m', 'v', 't']) if (!state[key]) throw new Error(`Adam.loadState: missing ${key}`);
    if (state.m.length !== this.m.length) throw new Error(`Adam.loadState: m must have ${this.m.length} entries, got ${state.m.length}`);
    this.m = state.m.slice();
    this.v = state.v.slice();
    this.t = state.t[0];
  }
}
