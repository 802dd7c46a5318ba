/**
 * Batched, seeded image augmentations. An augmentation maps a batch
 * [n, height, width, channels] of images in [0, 1] to a batch of the same
 * shape, drawing every random choice (one per image) from the given Rng:
 * the same seed gives the same views. They run outside the gradient.
 */
import { type Rng, tf } from '@proj/core';

export type Augmentation = (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D;

/** Augmentations applied in order; intermediate batches are freed. */
export function compose(...steps: Augmentation[]): Augmentation {
  return (images, rng) =>
    tf.tidy(() => steps.reduce((x, step) => step(x, rng), images));
}

/** Throws unless `images` is a rank-4 NHWC batch. */
export function checkBatch(images: tf.Tensor, what: string): void {
  if (images.rank !== 4) throw new Error(`${what}: images must be [n, height, width, channels], got [${images.shape.join(', ')}]`);
}

/** Throws unless p is a probability. */
export function checkProbability(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`${what}: probability must be in [0, 1], got ${p}`);
}

/** Throws unless range is [lo, hi] with lo <= hi (and lo >= min). */
export function checkRange(range: readonly [number, number], what: string, min = -Infinity): void {
  const [lo, hi] = range;
  if (!(lo <= hi && lo >= min)) throw new Error(`${what}: range must be [lo, hi] with ${min} <= lo <= hi, got [${lo}, ${hi}]`);
}

/** One value per image: `draw()` with probability p, else `identity`; as a [n, 1, 1, 1] tensor. */
export function perImage(n: number, rng: Rng, p: number, identity: number, draw: () => number): tf.Tensor4D {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.uniform() < p ? draw() : identity;
  return tf.tensor4d(v, [n, 1, 1, 1]);
}
