import { tf } from '@proj/core';

/**
 * A prunable kernel: its variable name and tfjs shape (conv `[kh, kw, in, out]`,
 * depthwise `[kh, kw, in, multiplier]`, dense `[in, out]`).
 */
export interface PrunableLayer {
  name: string;
  shape: readonly number[];
}

/** Layer classes whose kernel is pruned; biases, normalization and embeddings never are (as the reference code). */
const PRUNABLE_KERNELS: Record<string, string> = {
  Dense: 'kernel',
  Conv1D: 'kernel',
  Conv2D: 'kernel',
  Conv3D: 'kernel',
  Conv2DTranspose: 'kernel',
  DepthwiseConv2D: 'depthwise_kernel',
};

/**
 * The prunable kernels of a Layers model in layer order (first layer first,
 * classifier last), named by their variable names, which are also the keys of
 * `modelVariables(model)` and of the gradients `train()` sees.
 */
export function prunableLayers(model: tf.LayersModel): PrunableLayer[] {
  const out: PrunableLayer[] = [];
  const visit = (layer: tf.layers.Layer) => {
    const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
    if (Array.isArray(nested)) {
      nested.forEach(visit);
      return;
    }
    const kernel = PRUNABLE_KERNELS[layer.getClassName()];
    if (kernel === undefined) return;
    for (const w of layer.trainableWeights) {
      // LayerVariable names end in the weight's role, e.g. "conv2d_1/kernel".
      if (w.name.split('/').pop() === kernel) out.push({ name: w.name, shape: w.shape as number[] });
    }
  };
  model.layers.forEach(visit);
  return out;
}

/** Entries of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks a layer list: non-empty, unique names, positive integer dims of rank >= 2. */
export function checkLayers(layers: readonly PrunableLayer[], fn: string): void {
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`${fn}: layers must be a non-empty array of { name, shape }`);
  const seen = new Set<string>();
  for (const l of layers) {
    if (typeof l?.name !== 'string' || l.name === '') throw new Error(`${fn}: every layer needs a non-empty name, got ${JSON.stringify(l)}`);
    if (seen.has(l.name)) throw new Error(`${fn}: layer name '${l.name}' appears twice`);
    seen.add(l.name);
    if (!Array.isArray(l.shape) || l.shape.length < 2 || l.shape.some((d: number) => !Number.isInteger(d) || d < 1)) {
      throw new Error(
        `${fn}: layer '${l.name}' has shape ${JSON.stringify(l.shape)}; expected a kernel shape of positive integers, [in, out] or [kh, kw, in, out]`,
      );
    }
  }
}
