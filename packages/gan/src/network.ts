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
 * Kernel initialisation: N(0, std) with a fixed std (DCGAN, Radford et al.
 * 2016: 0.02, meant for networks with batch norm), or `'he'`: N(0, 2 / fanIn)
 * (He et al. 2015), which keeps activations at scale through ReLU layers
 * without batch norm, so a short run starts learning at once.
 */
export type KernelInit = number | 'he';

/** Creates a network's variables with seeded initial values (kernels per `KernelInit`, zero biases). Same rng, same values. */
export class ParameterFactory {
  readonly scope: string;
  readonly variables: NamedTensors<tf.Variable> = {};
  readonly prunable: PrunableLayer[] = [];
  private readonly rng: Rng;
  private readonly init: KernelInit;

  constructor(prefix: string, rng: Rng, init: KernelInit) {
    if (init !== 'he' && !(init > 0)) throw new Error(`ParameterFactory: init must be 'he' or a std > 0, got ${init}`);
    this.scope = uniqueScope(prefix);
    this.rng = rng;
    this.init = init;
  }

  /**
   * A prunable kernel of `shape` ([in, out] or [kh, kw, in, out]); `fanIn`
   * (inputs per output unit) defaults to all dims but the last, and must be
   * given for a transposed conv ([kh, kw, out, in]: kh kw in / stride^2).
   */
  kernel(layer: string, shape: number[], fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1)): tf.Variable {
    const name = `${this.scope}/${layer}/kernel`;
    const size = shape.reduce((a, b) => a * b, 1);
    const std = this.init === 'he' ? Math.sqrt(2 / fanIn) : this.init;
    const v = owned(tf.tensor(this.rng.normalArray(size, 0, std), shape, 'float32'), name);
    this.variables[name] = v;
    this.prunable.push({ name, shape: [...shape] });
    return v;
  }

  /** A zero bias of `size` entries. */
  bias(layer: string, size: number): tf.Variable {
    const name = `${this.scope}/${layer}/bias`;
    const v = owned(tf.zeros([size]), name);
    this.variables[name] = v;
    return v;
  }
}

/** A trainable variable from `init`; `init` itself is freed (the variable shares its data, the tensor object would stay counted). */
function owned(init: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(init, true, name);
  init.dispose();
  return v;
}

/** Disposes every variable of a network. */
export function disposeNetwork(net: Network): void {
  tf.dispose(Object.values(net.variables));
}
