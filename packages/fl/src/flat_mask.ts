/**
 * FedSpa's masks as one flat Uint8Array over the model's parameter vector
 * (`getParams` order): the form that travels and is aggregated. Only the
 * prunable kernels (@proj/sparse's `prunableLayers`) are ever 0; biases stay
 * dense. Converting to a `MaskSet` keyed by a model instance's variable names
 * lets @proj/sparse's MaskedWeights and DynamicSparsity work on it.
 */
import { modelVariables, type MaskSet, type tf } from '@proj/core';
import { prunableLayers } from '@proj/sparse';

interface Slot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  prunable: boolean;
}

function slots(model: tf.LayersModel): Slot[] {
  const prunable = new Set(prunableLayers(model).map((l) => l.name));
  let offset = 0;
  return Object.values(modelVariables(model)).map((v) => {
    const s = { name: v.name, shape: [...v.shape], offset, size: v.size, prunable: prunable.has(v.name) };
    offset += v.size;
    return s;
  });
}

/** The flat mask of `masks` (kernels of `model`), 1 on every parameter they do not name. */
export function flattenMask(model: tf.LayersModel, masks: MaskSet): Uint8Array {
  const all = slots(model);
  const flat = new Uint8Array(all.reduce((s, v) => s + v.size, 0)).fill(1);
  for (const s of all) {
    const m = masks[s.name];
    if (!m) continue;
    if (m.data.length !== s.size) throw new Error(`flattenMask: mask '${s.name}' has ${m.data.length} entries, the variable has ${s.size}`);
    flat.set(m.data, s.offset);
  }
  return flat;
}

/** The prunable kernels' masks of `model` cut from a flat mask. */
export function unflattenMask(model: tf.LayersModel, flat: Uint8Array): MaskSet {
  const all = slots(model);
  const size = all.reduce((s, v) => s + v.size, 0);
  if (flat.length !== size) throw new Error(`unflattenMask: mask has ${flat.length} entries, the model has ${size} parameters`);
  const out: MaskSet = {};
  for (const s of all) if (s.prunable) out[s.name] = { shape: s.shape, data: flat.slice(s.offset, s.offset + s.size) };
  return out;
}

/** Number of 1s. */
export function activeCount(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

/** params under the mask, 0 elsewhere (a new array). */
export function maskParams(params: Float32Array, mask: Uint8Array): Float32Array {
  if (params.length !== mask.length) throw new Error(`maskParams: params has ${params.length} entries, mask has ${mask.length}`);
  const out = new Float32Array(params.length);
  for (let i = 0; i < out.length; i++) if (mask[i]) out[i] = params[i];
  return out;
}
