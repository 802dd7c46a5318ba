import * as tf from '@tensorflow/tfjs-core';

/** Weights addressed by name, in a fixed order (object insertion order). */
export type NamedTensors<T extends tf.Tensor = tf.Tensor> = Record<string, T>;

export interface ParamEntry {
  name: string;
  shape: number[];
  /** Start of this weight in the flat vector. */
  offset: number;
  size: number;
}

/** Where each named weight lives in the flat parameter vector. */
export interface ParamLayout {
  entries: ParamEntry[];
  /** Total number of scalars. */
  size: number;
}

/** The layout of `weights` in a flat vector, in the order of their names. */
export function paramLayout(weights: NamedTensors | Record<string, { shape: readonly number[] }>): ParamLayout {
  const entries: ParamEntry[] = [];
  let offset = 0;
  for (const [name, w] of Object.entries(weights)) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    entries.push({ name, shape: [...w.shape], offset, size });
    offset += size;
  }
  return { entries, size: offset };
}

/** Total number of scalars in the named weights. */
export function countParams(weights: NamedTensors): number {
  return paramLayout(weights).size;
}

/**
 * Copies the named weights into one Float32Array (the form SR, federated
 * aggregation and mask statistics work on), with the layout to undo it.
 */
export function flattenParams(weights: NamedTensors): { vector: Float32Array; layout: ParamLayout } {
  const layout = paramLayout(weights);
  const vector = new Float32Array(layout.size);
  for (const e of layout.entries) {
    const w = weights[e.name];
    if (w.dtype !== 'float32') throw new Error(`flattenParams: weight '${e.name}' has dtype ${w.dtype}, expected float32`);
    vector.set(w.dataSync() as Float32Array, e.offset);
  }
  return { vector, layout };
}

function checkLength(vector: Float32Array, layout: ParamLayout, fn: string): void {
  if (vector.length !== layout.size) {
    throw new Error(`${fn}: vector has length ${vector.length}, layout expects ${layout.size}`);
  }
}

/** New tensors, one per layout entry, holding slices of `vector` (caller disposes). */
export function unflattenParams(vector: Float32Array, layout: ParamLayout): NamedTensors {
  checkLength(vector, layout, 'unflattenParams');
  const out: NamedTensors = {};
  for (const e of layout.entries) out[e.name] = tf.tensor(vector.slice(e.offset, e.offset + e.size), e.shape, 'float32');
  return out;
}

/** Writes a flat vector back into named variables in place (e.g. after aggregation). */
export function assignParams(vars: NamedTensors<tf.Variable>, vector: Float32Array, layout = paramLayout(vars)): void {
  checkLength(vector, layout, 'assignParams');
  for (const e of layout.entries) {
    const v = vars[e.name];
    if (!v) throw new Error(`assignParams: no variable named '${e.name}'`);
    if (!tf.util.arraysEqual(v.shape, e.shape)) {
      throw new Error(`assignParams: '${e.name}' has shape [${v.shape}], layout says [${e.shape}]`);
    }
    tf.tidy(() => v.assign(tf.tensor(vector.subarray(e.offset, e.offset + e.size), e.shape, 'float32')));
  }
}

/** Applies `fn` to every named weight; returns the new named tensors (caller disposes). */
export function mapParams<T extends tf.Tensor>(
  weights: NamedTensors<T>,
  fn: (w: T, name: string) => tf.Tensor,
): NamedTensors {
  const out: NamedTensors = {};
  for (const [name, w] of Object.entries(weights)) out[name] = fn(w, name);
  return out;
}

/** A Layers model's variables by weight name (e.g. "dense_1/kernel"), trainable only by default. */
export function modelVariables(
  model: { weights: { name: string; trainable: boolean; read(): tf.Tensor }[] },
  { trainableOnly = true } = {},
): NamedTensors<tf.Variable> {
  const out: NamedTensors<tf.Variable> = {};
  for (const w of model.weights) {
    if (trainableOnly && !w.trainable) continue;
    out[w.name] = w.read() as tf.Variable;
  }
  return out;
}
