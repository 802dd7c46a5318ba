/**
 * The adaptive proximal step of stochastic gradient descent-ascent: each
 * step solves
 *
 *   x_{t+1} = argmin_x  s <m_t, x> + ||x - x_t||^2_{H_t} / (2 eta)
 *           = x_t - s eta m_t / diag(H_t)
 *
 * with s = +1 to descend and -1 to ascend, m_t the bias-corrected moving
 * average of the gradients, and the diagonal metric H_t = sqrt(vmax_t / (1 -
 * beta2^t)) + eps, where vmax_t = max(vmax_{t-1}, v_t) is the running maximum
 * of the moving average v_t of squared gradients (AMSGrad, Reddi, Kale &
 * Kumar 2018; bias correction as in PyTorch's `amsgrad=True`). Because vmax
 * never decreases, H_t only grows: the effective step eta / H_t is set per
 * coordinate by the accumulated gradients and never increases, which is what
 * the O(sqrt(ln(N d G^2) / N)) rate of arXiv:2202.13863 (G the element-wise
 * gradient bound, d the dimension) relies on.
 * With beta1 = 0 the step is the proximal gradient step on the raw gradient.
 */
import { tf } from '@proj/core';

export interface AdaptiveProximalConfig {
  /** Step size eta; Adam/AMSGrad's default 1e-3 (Kingma & Ba 2015). */
  learningRate: number;
  /** Momentum of the gradient average; 0.9 (Reddi et al. 2018). */
  beta1: number;
  /** Decay of the squared-gradient average; 0.999 (Reddi et al. 2018). */
  beta2: number;
  /** Floor of the metric; 1e-5 as CleanRL's Adam for PPO (1e-8 in Kingma & Ba). */
  epsilon: number;
}

export const ADAPTIVE_PROXIMAL_DEFAULTS: AdaptiveProximalConfig = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-5 };

export type Direction = 'descent' | 'ascent';

export class AdaptiveProximal {
  learningRate: number;
  readonly config: AdaptiveProximalConfig;
  /** Steps taken so far. */
  t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly vmax: tf.Variable[];

  constructor(
    readonly variables: tf.Variable[],
    config: Partial<AdaptiveProximalConfig> = {},
  ) {
    this.config = { ...ADAPTIVE_PROXIMAL_DEFAULTS, ...config };
    const { learningRate, beta1, beta2, epsilon } = this.config;
    if (!(learningRate > 0)) throw new Error(`AdaptiveProximal: learningRate must be > 0, got ${learningRate}`);
    if (!(beta1 >= 0 && beta1 < 1)) throw new Error(`AdaptiveProximal: beta1 must be in [0, 1), got ${beta1}`);
    if (!(beta2 > 0 && beta2 < 1)) throw new Error(`AdaptiveProximal: beta2 must be in (0, 1), got ${beta2}`);
    if (!(epsilon > 0)) throw new Error(`AdaptiveProximal: epsilon must be > 0, got ${epsilon}`);
    this.learningRate = learningRate;
    const zeros = () => tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.m = zeros();
    this.v = zeros();
    this.vmax = zeros();
  }

  /** One proximal step; `grads[i]` is the gradient of the objective w.r.t. `variables[i]`. */
  step(grads: readonly tf.Tensor[], direction: Direction): void {
    if (grads.length !== this.variables.length) {
      throw new Error(`AdaptiveProximal.step: need one gradient per variable (${this.variables.length}), got ${grads.length}`);
    }
    grads.forEach((g, i) => {
      if (!tf.util.arraysEqual(g.shape, this.variables[i].shape)) {
        throw new Error(`AdaptiveProximal.step: gradient ${i} has shape [${g.shape}], variable '${this.variables[i].name}' has [${this.variables[i].shape}]`);
      }
    });
    this.t++;
    const { beta1, beta2, epsilon } = this.config;
    const stepSize = ((direction === 'descent' ? 1 : -1) * this.learningRate) / (1 - beta1 ** this.t);
    const vCorrection = 1 / (1 - beta2 ** this.t);
    tf.tidy(() => {
      grads.forEach((g, i) => {
        const m = tf.add(tf.mul(beta1, this.m[i]), tf.mul(1 - beta1, g));
        const v = tf.add(tf.mul(beta2, this.v[i]), tf.mul(1 - beta2, tf.square(g)));
        const vmax = tf.maximum(this.vmax[i], v);
        const metric = tf.add(tf.sqrt(tf.mul(vmax, vCorrection)), epsilon);
        this.variables[i].assign(tf.sub(this.variables[i], tf.mul(stepSize, tf.div(m, metric))));
        this.m[i].assign(m);
        this.v[i].assign(v);
        this.vmax[i].assign(vmax);
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v, ...this.vmax]);
  }
}
