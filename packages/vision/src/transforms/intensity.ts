/**
 * Intensity augmentations for grayscale images in [0, 1]: each image gets
 * its own random change with probability p; results are clipped to [0, 1].
 * These replace colour jitter where there is no colour (mammograms).
 */
import { tf } from '@proj/core';
import { checkBatch, checkProbability, checkRange, perImage, type Augmentation } from './augmentation.js';

/** Adds delta ~ U[-maxDelta, maxDelta] to every pixel of an image (additive, as tf.image.adjustBrightness). */
export function brightness(maxDelta = 0.4, p = 0.8): Augmentation {
  if (!(maxDelta >= 0)) throw new Error(`brightness: maxDelta must be >= 0, got ${maxDelta}`);
  checkProbability(p, 'brightness');
  return (images, rng) =>
    tf.tidy(() => {
      checkBatch(images, 'brightness');
      const delta = perImage(images.shape[0], rng, p, 0, () => rng.uniformRange(-maxDelta, maxDelta));
      return tf.clipByValue(tf.add(images, delta), 0, 1) as tf.Tensor4D;
    });
}

/** Scales each image's deviations from its mean by c ~ U[1 - strength, 1 + strength]. */
export function contrast(strength = 0.4, p = 0.8): Augmentation {
  if (!(strength >= 0 && strength <= 1)) throw new Error(`contrast: strength must be in [0, 1], got ${strength}`);
  checkProbability(p, 'contrast');
  return (images, rng) =>
    tf.tidy(() => {
      checkBatch(images, 'contrast');
      const c = perImage(images.shape[0], rng, p, 1, () => rng.uniformRange(1 - strength, 1 + strength));
      const mean = tf.mean(images, [1, 2, 3], true);
      return tf.clipByValue(tf.add(tf.mul(tf.sub(images, mean), c), mean), 0, 1) as tf.Tensor4D;
    });
}

/** Gamma correction x^g with log g ~ U[log range[0], log range[1]]: brightens or darkens mid-tones, keeps 0 and 1. */
export function gamma(range: [number, number] = [0.7, 1.5], p = 0.5): Augmentation {
  checkRange(range, 'gamma', 1e-6);
  checkProbability(p, 'gamma');
  return (images, rng) =>
    tf.tidy(() => {
      checkBatch(images, 'gamma');
      const g = perImage(images.shape[0], rng, p, 1, () => Math.exp(rng.uniformRange(Math.log(range[0]), Math.log(range[1]))));
      // exp(g log x) is x^g (tf.pow's cpu kernel is several times slower); the floor keeps log finite.
      return tf.exp(tf.mul(tf.log(tf.clipByValue(images, 1e-6, 1)), g)) as tf.Tensor4D;
    });
}
