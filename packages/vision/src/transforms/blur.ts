/**
 * Gaussian blur with a per-image sigma (SimCLR: p = 0.5, sigma in [0.1, 2.0]
 * for 224-pixel images), zero padding at the border. The separable blur of
 * image X is K_h X K_w^T with banded matrices K built from each image's
 * kernel, so the whole batch blurs in two batched matrix products.
 */
import { tf } from '@proj/core';
import { checkBatch, checkProbability, checkRange, type Augmentation } from './augmentation.js';

/** Normalized 1-d Gaussian taps; sigma 0 gives the identity kernel. */
export function gaussianKernel(sigma: number, radius: number): Float32Array {
  const k = new Float32Array(2 * radius + 1);
  if (sigma <= 0) {
    k[radius] = 1;
    return k;
  }
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Banded [size, size] matrices, one per kernel: row r holds the taps centred on r (the 'same' convolution). */
function bandMatrices(kernels: Float32Array[], size: number): tf.Tensor3D {
  const radius = (kernels[0].length - 1) / 2;
  const m = new Float32Array(kernels.length * size * size);
  kernels.forEach((k, i) => {
    for (let r = 0; r < size; r++) {
      for (let t = -radius; t <= radius; t++) {
        const c = r + t;
        if (c >= 0 && c < size) m[(i * size + r) * size + c] = k[t + radius];
      }
    }
  });
  return tf.tensor3d(m, [kernels.length, size, size]);
}

export interface GaussianBlurConfig {
  /** Sigma range in pixels; SimCLR [0.1, 2.0] at 224 px, so about [0.1, 1] suits 28-px tiles. */
  sigma: [number, number];
  /** Probability of blurring an image; SimCLR 0.5. */
  p: number;
  /** Kernel radius in pixels (taps = 2 radius + 1); default ceil(2 sigma_max). */
  radius?: number;
}

export function gaussianBlur(config: Partial<GaussianBlurConfig> = {}): Augmentation {
  const { sigma = [0.1, 1], p = 0.5 } = config;
  checkRange(sigma, 'gaussianBlur sigma', 0);
  checkProbability(p, 'gaussianBlur');
  const radius = config.radius ?? Math.max(1, Math.ceil(2 * sigma[1]));
  return (images, rng) =>
    tf.tidy(() => {
      checkBatch(images, 'gaussianBlur');
      const [n, h, w, c] = images.shape;
      const kernels = Array.from({ length: n }, () => gaussianKernel(rng.uniform() < p ? rng.uniformRange(sigma[0], sigma[1]) : 0, radius));
      // Channels ride along as extra columns: [n, h, w*c] for the vertical pass.
      const vertical = tf.matMul(bandMatrices(kernels, h), tf.reshape(images, [n, h, w * c]));
      const rows = tf.reshape(tf.transpose(tf.reshape(vertical, [n, h, w, c]), [0, 3, 1, 2]), [n, c * h, w]);
      const both = tf.matMul(rows, bandMatrices(kernels, w), false, true);
      return tf.transpose(tf.reshape(both, [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
    });
}
