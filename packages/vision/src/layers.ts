/**
 * Small functional layers on explicit variables. SSL methods copy, average
 * (BYOL's EMA target) and re-assemble networks, which is simplest when a
 * network is a list of named variables plus a pure function.
 */
import { type Rng, tf } from '@proj/core';

/** A network: its trainable variables and a forward pass (call inside `tf.tidy`). */
export interface Module {
  readonly variables: tf.Variable[];
  apply(x: tf.Tensor): tf.Tensor;
}

/** A trainable variable holding `init`, which is freed (tf.variable keeps its own reference to the data). */
export function toVariable(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init);
  init.dispose();
  return v;
}

/** He-normal weights, std sqrt(2 / fanIn) (He et al. 2015), seeded. */
export function heNormal(shape: number[], fanIn: number, rng: Rng): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  return toVariable(tf.tensor(rng.normalArray(n, 0, Math.sqrt(2 / fanIn)), shape, 'float32'));
}

/** PyTorch's nn.Linear default, U(-1/sqrt(fanIn), 1/sqrt(fanIn)), seeded: the init of Ilse et al.'s official attention MIL code. */
export function torchLinearInit(shape: number[], fanIn: number, rng: Rng): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const bound = 1 / Math.sqrt(fanIn);
  return toVariable(tf.tensor(rng.uniformArray(n, -bound, bound), shape, 'float32'));
}

/** A variable filled with `value`. */
export function constant(shape: number[], value: number): tf.Variable {
  return toVariable(tf.fill(shape, value));
}

/** Dense layer y = x W + b on [n, in] inputs. */
export function dense(inputs: number, units: number, rng: Rng, bias = true): Module {
  const w = heNormal([inputs, units], inputs, rng);
  const b = bias ? constant([units], 0) : null;
  return {
    variables: b ? [w, b] : [w],
    apply: (x) => (b ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w)),
  };
}

/**
 * Batch normalization with batch statistics only (Ioffe & Szegedy 2015): the
 * SSL heads that use it run only during pretraining, so no running averages.
 */
export function batchNorm(units: number, epsilon = 1e-5): Module {
  const gamma = constant([units], 1);
  const beta = constant([units], 0);
  return {
    variables: [gamma, beta],
    apply: (x) => {
      const { mean, variance } = tf.moments(x, 0);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
    },
  };
}

/** Modules applied in order. */
export function sequential(...modules: Array<Module | ((x: tf.Tensor) => tf.Tensor)>): Module {
  return {
    variables: modules.flatMap((m) => (typeof m === 'function' ? [] : m.variables)),
    apply: (x) => modules.reduce((h, m) => (typeof m === 'function' ? m(h) : m.apply(h)), x),
  };
}

/** Frees a module's variables. */
export function disposeModule(m: { variables: tf.Variable[] }): void {
  for (const v of m.variables) v.dispose();
}
