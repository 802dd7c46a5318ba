import { tf } from '@proj/core';
import type { ConvEncoder } from '../encoder.js';

/** Embeddings [n, dim] of images [n, h, w, c] (row-major floats), in batches, without gradients. */
export function embed(encoder: ConvEncoder, images: Float32Array, exampleShape: readonly number[], batchSize = 500): Float32Array {
  if (exampleShape.length !== 3) throw new Error(`embed: exampleShape must be [height, width, channels], got [${exampleShape.join(', ')}]`);
  const stride = exampleShape[0] * exampleShape[1] * exampleShape[2];
  if (images.length % stride !== 0) throw new Error(`embed: images has ${images.length} values, not a multiple of ${stride} per image`);
  const n = images.length / stride;
  const out = new Float32Array(n * encoder.dim);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const e = tf.tidy(() =>
      encoder.apply(tf.tensor4d(images.subarray(start * stride, (start + m) * stride), [m, ...exampleShape] as [number, number, number, number])),
    );
    out.set(e.dataSync(), start * encoder.dim);
    e.dispose();
  }
  return out;
}
