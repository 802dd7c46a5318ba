import { Rng, tf, type NamedTensors } from '@proj/core';
import type { PrunableLayer } from '@proj/sparse';

/**
 * A generator or discriminator: named variables and a forward pass. Variable
 * names carry a unique scope (`g3/fc/kernel`) because tfjs registers variables
 * by name; `local(name)` strips it for checkpoints and for matching a network
 * with its EMA copy.
 */
export interface Network {
  /** Unique prefix of every variable name, e.g. `g3`. */
  readonly scope: string;
  /** Trainable variables by their (scoped) tfjs name, in layer order. */
  readonly variables: Readonly<NamedTensors<tf.Variable>>;
  /** Kernels a sparse mask may prune (dense and conv kernels; never biases), in layer order. */
  readonly prunable: readonly PrunableLayer[];
  /** Forward pass; `training` lets stateful layers (spectral norm) update their estimate. */
  apply(x: tf.Tensor, training?: boolean): tf.Tensor;
}

/** A network that maps noise z [n, zDim] to images [n, h, w, c] in [-1, 1]. */
export interface GeneratorNetwork extends Network {
  readonly zDim: number;
  readonly outputShape: readonly [number, number, number];
}

const scopes = new Map<string, number>();

/** A fresh variable scope `<prefix><k>`, unique within this process. */
export function uniqueScope(prefix: string): string {
  const k = scopes.get(prefix) ?? 0;
  scopes.set(prefix, k + 1);
  return `${prefix}${k}`;
}

/** The variable's name without its network scope (`g3/fc/kernel` -> `fc/kernel`). */
export function localName(net: Pick<Network, 'scope'>, name: string): string {
  const prefix = `${net.scope}/`;
  if (!name.startsWith(prefix)) throw new Error(`localName: variable '${name}' is not in scope '${net.scope}'`);
  return name.slice(prefix.length);
}

/**
 * Creates a network's variables with seeded initial values: kernels N(0, std)
 * (DCGAN, Radford et al. 2016: std 0.02) and zero biases. Same rng, same values.
 */
export class ParameterFactory {
  readonly scope: string;
  readonly variables: NamedTensors<tf.Variable> = {};
  readonly prunable: PrunableLayer[] = [];
  private readonly rng: Rng;
  private readonly std: number;

  constructor(prefix: string, rng: Rng, std: number) {
    if (!(std > 0)) throw new Error(`ParameterFactory: std must be > 0, got ${std}`);
    this.scope = uniqueScope(prefix);
    this.rng = rng;
    this.std = std;
  }

  /** A prunable kernel of `shape` ([in, out] or [kh, kw, in, out]). */
  kernel(layer: string, shape: number[]): tf.Variable {
    const name = `${this.scope}/${layer}/kernel`;
    const size = shape.reduce((a, b) => a * b, 1);
    const v = tf.variable(tf.tensor(this.rng.normalArray(size, 0, this.std), shape, 'float32'), true, name);
    this.variables[name] = v;
    this.prunable.push({ name, shape: [...shape] });
    return v;
  }

  /** A zero bias of `size` entries. */
  bias(layer: string, size: number): tf.Variable {
    const name = `${this.scope}/${layer}/bias`;
    const v = tf.variable(tf.zeros([size]), true, name);
    this.variables[name] = v;
    return v;
  }
}

/** Disposes every variable of a network. */
export function disposeNetwork(net: Network): void {
  tf.dispose(Object.values(net.variables));
}
