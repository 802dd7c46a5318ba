/**
 * Differentiable data augmentations for the expectation over transformations
 * (EOT) of REM noise: random crop with zero padding (for small grey images:
 * small shifts) and horizontal flip.
 *
 * Each sample's transform is a fixed pixel re-indexing, so the whole batch is
 * one gather whose gradient is the matching scatter-add. Both run as plain
 * loops over Float32Arrays inside a `tf.customGrad`: tfjs's own gather
 * gradient (unsortedSegmentSum) makes one tensor op per pixel on the cpu
 * backend, far too slow for per-step use.
 */
import { tf, type Rng } from '@proj/core';

export interface AugmentConfig {
  /** Zero padding before a random crop back to the original size: shifts of up to `pad` pixels each way. */
  pad: number;
  /** Flip each image left-right with probability 1/2. */
  flip: boolean;
}

/** The official code's CIFAR transform: RandomCrop(32, padding=4) + RandomHorizontalFlip. */
export const CROP_FLIP: AugmentConfig = { pad: 4, flip: true };

/** For 28x28 grey images (Fashion-MNIST): shifts of up to 2 pixels and flips (the classes are left-right symmetric). */
export const SMALL_SHIFT_FLIP: AugmentConfig = { pad: 2, flip: true };

/** Source pixel of every output pixel (-1: padding), one random shift/flip per sample. */
export function augmentIndices(shape: readonly number[], cfg: AugmentConfig, rng: Rng): Int32Array {
  const [n, h, w] = shape;
  if (!Number.isInteger(cfg.pad) || cfg.pad < 0) throw new Error(`augment: pad must be an integer >= 0, got ${cfg.pad}`);
  const index = new Int32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const dy = rng.int(2 * cfg.pad + 1) - cfg.pad;
    const dx = rng.int(2 * cfg.pad + 1) - cfg.pad;
    const flip = cfg.flip && rng.uniform() < 0.5;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const sr = r + dy;
        const sc = (flip ? w - 1 - c : c) + dx;
        index[(i * h + r) * w + c] = sr < 0 || sr >= h || sc < 0 || sc >= w ? -1 : (i * h + sr) * w + sc;
      }
    }
  }
  return index;
}

/** x [n, h, w, c] with each sample shifted/flipped at random; differentiable in x. */
export function augment(x: tf.Tensor, cfg: AugmentConfig, rng: Rng): tf.Tensor {
  if (x.rank !== 4) throw new Error(`augment: x must be a batch [n, h, w, c], got shape [${x.shape}]`);
  return reindex(x, augmentIndices(x.shape, cfg, rng));
}

/** out[p] = x[index[p]] per pixel (all channels), 0 where index is -1; differentiable in x. */
export function reindex(x: tf.Tensor, index: Int32Array): tf.Tensor {
  const [n, h, w, channels] = x.shape as number[];
  if (x.rank !== 4 || index.length !== n * h * w) {
    throw new Error(`reindex: x must be [n, h, w, c] with n*h*w = ${index.length} pixels, got shape [${x.shape}]`);
  }
  const op = tf.customGrad(((input: tf.Tensor) => {
    const src = input.dataSync() as Float32Array;
    const out = new Float32Array(src.length);
    for (let p = 0; p < index.length; p++) {
      const s = index[p];
      if (s >= 0) for (let k = 0; k < channels; k++) out[p * channels + k] = src[s * channels + k];
    }
    return {
      value: tf.tensor(out, input.shape, 'float32'),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const back = new Float32Array(g.length);
        for (let p = 0; p < index.length; p++) {
          const s = index[p];
          if (s >= 0) for (let k = 0; k < channels; k++) back[s * channels + k] += g[p * channels + k];
        }
        return tf.tensor(back, input.shape, 'float32');
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return op(x);
}
