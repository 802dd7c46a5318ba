/**
 * Geometric augmentations as per-image affine maps, resampled by
 * `tf.image.transform` (bilinear, zero fill). Each matrix maps an output
 * pixel (x, y) to the input pixel it reads: x_in = a0 x + a1 y + a2,
 * y_in = b0 x + b1 y + b2 (pixel centres at integer coordinates).
 */
import { type Rng, tf } from '@proj/core';
import { checkBatch, checkProbability, checkRange, type Augmentation } from './augmentation.js';

type Affine = [number, number, number, number, number, number];

/** Applies one affine map per image. */
function warp(images: tf.Tensor4D, maps: Affine[]): tf.Tensor4D {
  const t = new Float32Array(maps.length * 8);
  maps.forEach((m, i) => t.set(m, i * 8));
  return tf.tidy(() => tf.image.transform(images, tf.tensor2d(t, [maps.length, 8]), 'bilinear', 'constant', 0));
}

/** Rotation by `angle` (radians, counter-clockwise on screen) about the image centre, as an output-to-input map. */
function rotationAbout(angle: number, width: number, height: number): Affine {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  // Inverse rotation: input = R(-angle) (output - centre) + centre.
  return [c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy];
}

export interface RandomResizedCropConfig {
  /** Crop area as a share of the image; SimCLR / torchvision default [0.08, 1]. */
  scale: [number, number];
  /** Aspect ratio (width / height) range, log-uniform; torchvision default [3/4, 4/3]. */
  ratio: [number, number];
}

/**
 * Random resized crop (Szegedy et al. 2015, SimCLR's main augmentation): a
 * crop of random area and aspect ratio, resized back to the input size.
 */
export function randomResizedCrop(config: Partial<RandomResizedCropConfig> = {}): Augmentation {
  const { scale = [0.08, 1], ratio = [3 / 4, 4 / 3] } = config;
  checkRange(scale, 'randomResizedCrop scale', 0);
  checkRange(ratio, 'randomResizedCrop ratio', 0);
  if (scale[1] > 1 || ratio[0] <= 0) throw new Error(`randomResizedCrop: scale must lie in (0, 1] and ratio be > 0, got scale [${scale}], ratio [${ratio}]`);
  return (images, rng) => {
    checkBatch(images, 'randomResizedCrop');
    const [n, height, width] = images.shape;
    const maps: Affine[] = [];
    for (let i = 0; i < n; i++) {
      const area = rng.uniformRange(scale[0], scale[1]);
      const r = Math.exp(rng.uniformRange(Math.log(ratio[0]), Math.log(ratio[1])));
      const w = Math.min(1, Math.sqrt(area * r)) * width;
      const h = Math.min(1, Math.sqrt(area / r)) * height;
      const x0 = rng.uniformRange(0, width - w);
      const y0 = rng.uniformRange(0, height - h);
      const sx = w / width;
      const sy = h / height;
      // Output pixel centre x + 0.5 lands at x0 + (x + 0.5) sx in the input.
      maps.push([sx, 0, x0 + 0.5 * sx - 0.5, 0, sy, y0 + 0.5 * sy - 0.5]);
    }
    return warp(images, maps);
  };
}

/** Mirrors each image left-right with probability p (default 0.5). */
export function horizontalFlip(p = 0.5): Augmentation {
  checkProbability(p, 'horizontalFlip');
  return (images, rng) => {
    checkBatch(images, 'horizontalFlip');
    const [n, , width] = images.shape;
    return warp(images, Array.from({ length: n }, (): Affine => (rng.uniform() < p ? [-1, 0, width - 1, 0, 1, 0] : [1, 0, 0, 0, 1, 0])));
  };
}

/** Mirrors each image top-bottom with probability p (default 0.5). */
export function verticalFlip(p = 0.5): Augmentation {
  checkProbability(p, 'verticalFlip');
  return (images, rng) => {
    checkBatch(images, 'verticalFlip');
    const [n, height] = images.shape;
    return warp(images, Array.from({ length: n }, (): Affine => (rng.uniform() < p ? [1, 0, 0, 0, -1, height - 1] : [1, 0, 0, 0, 1, 0])));
  };
}

/** Rotates each image by 0, 90, 180 or 270 degrees, uniformly (square images only: the shape is kept). */
export function rotate90(): Augmentation {
  return (images, rng) => {
    checkBatch(images, 'rotate90');
    const [n, height, width] = images.shape;
    if (height !== width) throw new Error(`rotate90: images must be square, got ${height}x${width}`);
    return warp(images, Array.from({ length: n }, () => rotationAbout((rng.int(4) * Math.PI) / 2, width, height)));
  };
}

/** Rotates each image by an angle uniform in [-maxDegrees, maxDegrees] about its centre (zero fill at the corners). */
export function smallRotation(maxDegrees = 15): Augmentation {
  if (!(maxDegrees >= 0 && maxDegrees <= 180)) throw new Error(`smallRotation: maxDegrees must be in [0, 180], got ${maxDegrees}`);
  return (images, rng) => {
    checkBatch(images, 'smallRotation');
    const [n, height, width] = images.shape;
    const maps = Array.from({ length: n }, () => rotationAbout((rng.uniformRange(-maxDegrees, maxDegrees) * Math.PI) / 180, width, height));
    return warp(images, maps);
  };
}
