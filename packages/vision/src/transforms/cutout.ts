/**
 * Cutout (DeVries & Taylor 2017): a square of side `size` (share of the
 * image side) set to 0 at a uniformly random centre; it may overlap the
 * border, as in the paper.
 */
import { tf } from '@proj/core';
import { checkBatch, checkProbability, type Augmentation } from './augmentation.js';

export function cutout(size = 0.25, p = 0.5): Augmentation {
  if (!(size > 0 && size <= 1)) throw new Error(`cutout: size must be in (0, 1], got ${size}`);
  checkProbability(p, 'cutout');
  return (images, rng) =>
    tf.tidy(() => {
      checkBatch(images, 'cutout');
      const [n, h, w] = images.shape;
      const mask = new Float32Array(n * h * w).fill(1);
      const side = Math.max(1, Math.round(size * Math.min(h, w)));
      for (let i = 0; i < n; i++) {
        if (rng.uniform() >= p) continue;
        const cy = rng.int(h);
        const cx = rng.int(w);
        const y0 = Math.max(0, cy - (side >> 1));
        const x0 = Math.max(0, cx - (side >> 1));
        const y1 = Math.min(h, cy - (side >> 1) + side);
        const x1 = Math.min(w, cx - (side >> 1) + side);
        for (let y = y0; y < y1; y++) mask.fill(0, (i * h + y) * w + x0, (i * h + y) * w + x1);
      }
      return tf.mul(images, tf.tensor4d(mask, [n, h, w, 1]));
    });
}
