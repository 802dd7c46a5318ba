import * as tf from '@tensorflow/tfjs-core';

/** tfjs's `{ name, tensor }` pair (not exported from its public index). */
type NamedTensor = { name: string; tensor: tf.Tensor };

export interface AdamOptions {
  /** Decay of the first-moment average (Kingma & Ba 2015: 0.9). */
  beta1?: number;
  /** Decay of the second-moment average (Kingma & Ba 2015: 0.999). */
  beta2?: number;
  /** Added to sqrt(v_hat); tfjs's default for float32 is 1e-7 (PyTorch uses 1e-8). */
  epsilon?: number;
  /** Decoupled weight decay, w -= lr * weightDecay * w each step (AdamW, Loshchilov & Hutter 2019); default 0. */
  weightDecay?: number;
}

interface Slots {
  m: Float32Array;
  v: Float32Array;
}

/**
 * Adam (Kingma & Ba 2015) with the same update and defaults as
 * `tf.train.adam`, computed in one fused loop per variable on Float32Arrays.
 * tfjs's Adam runs about ten element-wise kernels per variable per step, each
 * allocating a tensor; on the `cpu` backend that cost more than the forward
 * and backward passes of a small network. The moments live in plain arrays
 * (not tensors), so they add nothing to `tf.memory().numTensors`.
 * `learningRate` is read on every step, so schedules may set it between steps.
 */
export class Adam extends tf.Optimizer {
  static get className(): string {
    // Not 'Adam': tfjs's own class is registered under that name.
    return 'ProjAdam';
  }

  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly slots = new Map<string, Slots>();

  constructor(learningRate: number, opts: AdamOptions = {}) {
    super();
    const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, weightDecay = 0 } = opts;
    if (!(learningRate >= 0)) throw new Error(`adam: learningRate must be >= 0, got ${learningRate}`);
    if (!(beta1 >= 0 && beta1 < 1)) throw new Error(`adam: beta1 must be in [0, 1), got ${beta1}`);
    if (!(beta2 >= 0 && beta2 < 1)) throw new Error(`adam: beta2 must be in [0, 1), got ${beta2}`);
    if (!(epsilon > 0)) throw new Error(`adam: epsilon must be > 0, got ${epsilon}`);
    if (!(weightDecay >= 0)) throw new Error(`adam: weightDecay must be >= 0, got ${weightDecay}`);
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const t = this.iterations + 1;
    const { beta1, beta2, epsilon } = this;
    const lr = this.learningRate;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    const decay = 1 - lr * this.weightDecay;
    for (const { name, tensor } of list) {
      if (tensor == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`adam: no variable named '${name}'`);
      if (variable.dtype !== 'float32' || tensor.dtype !== 'float32') throw new Error(`adam: variable '${name}' must be float32`);
      if (tensor.size !== variable.size) throw new Error(`adam: gradient of '${name}' has ${tensor.size} entries, the variable ${variable.size}`);
      let s = this.slots.get(name);
      if (!s) {
        s = { m: new Float32Array(variable.size), v: new Float32Array(variable.size) };
        this.slots.set(name, s);
      }
      const g = tensor.dataSync() as Float32Array;
      // dataSync may hand out the backend's own array: read it, never write it.
      const w = variable.dataSync() as Float32Array;
      const out = new Float32Array(w.length);
      const { m, v } = s;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        out[i] = decay * w[i] - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
      }
      tf.tidy(() => variable.assign(tf.tensor(out, variable.shape, 'float32')));
    }
    this.incrementIterations();
  }

  override dispose(): void {
    super.dispose();
    this.slots.clear();
  }

  /** The step count and both moments of every variable, as tfjs optimizers do (for checkpoints). */
  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, s] of this.slots) {
      const variable = tf.engine().registeredVariables[name];
      out.push({ name: `${name}/m`, tensor: tf.tensor(s.m, variable.shape, 'float32') });
      out.push({ name: `${name}/v`, tensor: tf.tensor(s.v, variable.shape, 'float32') });
    }
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.slots.clear();
    for (const { name, tensor } of rest) {
      const slot = name.slice(-2);
      const variable = name.slice(0, -2);
      if (slot !== '/m' && slot !== '/v') throw new Error(`adam.setWeights: '${name}' is not a '<variable>/m' or '<variable>/v' slot`);
      let s = this.slots.get(variable);
      if (!s) {
        s = { m: new Float32Array(tensor.size), v: new Float32Array(tensor.size) };
        this.slots.set(variable, s);
      }
      (slot === '/m' ? s.m : s.v).set(tensor.dataSync() as Float32Array);
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { learningRate, ...opts } = config as unknown as { learningRate: number } & AdamOptions;
    return new (cls as unknown as new (lr: number, o: AdamOptions) => T)(learningRate, opts);
  }
}

/** A fused Adam optimizer; a drop-in for `tf.train.adam(learningRate, beta1, beta2, epsilon)`. */
export function adam(learningRate: number, opts: AdamOptions = {}): Adam {
  return new Adam(learningRate, opts);
}
