/** Additive Gaussian noise with a per-image standard deviation, clipped to [0, 1]. */
import { tf } from '@proj/core';
import { checkBatch, checkProbability, checkRange, perImage, type Augmentation } from './augmentation.js';

export function gaussianNoise(std: [number, number] = [0, 0.1], p = 0.5): Augmentation {
  checkRange(std, 'gaussianNoise std', 0);
  checkProbability(p, 'gaussianNoise');
  return (images, rng) =>
    tf.tidy(() => {
      checkBatch(images, 'gaussianNoise');
      const s = perImage(images.shape[0], rng, p, 0, () => rng.uniformRange(std[0], std[1]));
      // Seeded from the Rng, so one seed fixes every view.
      const z = tf.randomNormal(images.shape, 0, 1, 'float32', rng.tfSeed());
      return tf.clipByValue(tf.add(images, tf.mul(z, s)), 0, 1) as tf.Tensor4D;
    });
}
