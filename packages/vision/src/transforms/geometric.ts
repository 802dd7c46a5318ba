/**
 * Geometric augmentations as per-image affine maps with bilinear resampling
 * and zero fill. Each map sends an output pixel (x, y) to the input point it
 * reads: x_in = a0 x + a1 y + a2, y_in = b0 x + b1 y + b2 (pixel centres at
 * integer coordinates, as in `tf.image.transform`, whose cpu kernel returns
 * after the first image of a batch in tfjs 4.22, hence our own loop).
 */
import { tf } from '@proj/core';
import { checkBatch, checkProbability, checkRange, type Augmentation } from './augmentation.js';

type Affine = [number, number, number, number, number, number];

/** Applies one affine map per image (no gradient: augmentations precede the model). */
function warp(images: tf.Tensor4D, maps: Affine[]): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  const src = images.dataSync();
  const out = new Float32Array(src.length);
  const at = (b: number, y: number, x: number, ch: number) => (y >= 0 && y < h && x >= 0 && x < w ? src[((b * h + y) * w + x) * c + ch] : 0);
  for (let b = 0; b < n; b++) {
    const [a0, a1, a2, b0, b1, b2] = maps[b];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sx = a0 * x + a1 * y + a2;
        const sy = b0 * x + b1 * y + b2;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let ch = 0; ch < c; ch++) {
          const top = (1 - fx) * at(b, y0, x0, ch) + fx * at(b, y0, x0 + 1, ch);
          const bottom = (1 - fx) * at(b, y0 + 1, x0, ch) + fx * at(b, y0 + 1, x0 + 1, ch);
          out[((b * h + y) * w + x) * c + ch] = (1 - fy) * top + fy * bottom;
        }
      }
    }
  }
  return tf.tensor4d(out, [n, h, w, c]);
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
