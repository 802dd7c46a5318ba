import { adam, gridSample, Rng, tf, toRng } from '@proj/core';
import type { Network } from '../network.js';
import type { DepthNetwork } from './depth_net.js';
import { stepDecay } from './step_decay.js';
import { frameTriplets, type Clip } from './video_batches.js';

/**
 * Self-supervised monocular depth as DaGAN learns it from face videos
 * (monodepth2, Godard et al. 2019): the target frame is reconstructed from
 * its neighbours by back-projecting each target pixel with the predicted
 * depth, moving it by the predicted camera motion and sampling the neighbour
 * there (bilinear `gridSample`); the loss is the photometric error
 * 0.85 (1 - SSIM) / 2 + 0.15 L1, per-pixel minimum over the sources and over
 * the un-warped sources (auto-masking of static pixels), plus edge-aware
 * smoothness of the mean-normalized disparity. No depth labels.
 */

/** Rotation matrices [n, 3, 3] from axis-angle vectors [n, 3] (Rodrigues' formula). */
export function axisAngleToMatrix(v: tf.Tensor2D): tf.Tensor3D {
  if (v.rank !== 2 || v.shape[1] !== 3) throw new Error(`axisAngleToMatrix: v must be [n, 3], got [${v.shape.join(', ')}]`);
  return tf.tidy(() => {
    // The epsilon keeps the gradient finite at the zero rotation, where training starts.
    const theta = tf.sqrt(tf.add(tf.sum(tf.square(v), 1), 1e-12));
    const [x, y, z] = tf.unstack(tf.div(v, tf.expandDims(theta, 1)), 1) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    const s = tf.sin(theta);
    const c = tf.cos(theta);
    const C = tf.sub(1, c);
    const m = (a: tf.Tensor, b: tf.Tensor) => tf.mul(tf.mul(a, b), C);
    const entries = [
      tf.add(c, m(x, x)), tf.sub(m(x, y), tf.mul(z, s)), tf.add(m(x, z), tf.mul(y, s)),
      tf.add(m(y, x), tf.mul(z, s)), tf.add(c, m(y, y)), tf.sub(m(y, z), tf.mul(x, s)),
      tf.sub(m(z, x), tf.mul(y, s)), tf.add(m(z, y), tf.mul(x, s)), tf.add(c, m(z, z)),
    ];
    return tf.reshape(tf.stack(entries, 1), [v.shape[0], 3, 3]) as tf.Tensor3D;
  });
}

/**
 * Where each target pixel lands in the source frame, as a `gridSample` grid
 * [n, h, w, 2]: X = depth (x / f, y / f, 1) for pixel (x, y) in [-1, 1]
 * units, X' = R X + t with pose = (axis-angle, t), projected back f X'_xy / X'_z.
 */
export function reprojectionGrid(depth: tf.Tensor4D, pose: tf.Tensor2D, focal: number): tf.Tensor4D {
  const [n, h, w, c] = depth.shape;
  if (c !== 1) throw new Error(`reprojectionGrid: depth must be [n, h, w, 1], got [${depth.shape.join(', ')}]`);
  if (pose.rank !== 2 || pose.shape[0] !== n || pose.shape[1] !== 6) throw new Error(`reprojectionGrid: pose must be [${n}, 6], got [${pose.shape.join(', ')}]`);
  return tf.tidy(() => {
    const rays = new Float32Array(h * w * 3);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const k = (i * w + j) * 3;
        rays[k] = (w > 1 ? (2 * j) / (w - 1) - 1 : 0) / focal;
        rays[k + 1] = (h > 1 ? (2 * i) / (h - 1) - 1 : 0) / focal;
        rays[k + 2] = 1;
      }
    }
    const points = tf.mul(tf.reshape(depth, [n, h * w, 1]), tf.tensor3d(rays, [1, h * w, 3]));
    // X' = X R^T + t, its xy and z parts by separate products (slicing [n, hw, 3] is slow on tfjs's CPU backend).
    const rt = tf.transpose(axisAngleToMatrix(tf.slice(pose, [0, 0], [n, 3]) as tf.Tensor2D), [0, 2, 1]);
    const t = tf.reshape(tf.slice(pose, [0, 3], [n, 3]), [n, 1, 3]);
    const xyPart = (m: tf.Tensor, from: number, size: number) => tf.slice(m, [0, 0, from], [n, m.shape[1]!, size]);
    const z = tf.maximum(tf.add(tf.matMul(points, xyPart(rt, 2, 1)), xyPart(t, 2, 1)), 1e-3);
    const xy = tf.mul(tf.div(tf.add(tf.matMul(points, xyPart(rt, 0, 2)), xyPart(t, 0, 2)), z), focal);
    return tf.reshape(xy, [n, h, w, 2]) as tf.Tensor4D;
  });
}

/**
 * Per-pixel photometric error [n, h, w, 1]: alpha (1 - SSIM) / 2 + (1 - alpha) |a - b|,
 * channel-averaged, SSIM over 3x3 windows (monodepth2's SSIM, alpha = 0.85).
 */
export function photometricError(a: tf.Tensor4D, b: tf.Tensor4D, alpha = 0.85): tf.Tensor4D {
  if (a.rank !== 4 || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`photometricError: a and b must be [n, h, w, c] of one shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const pool = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 3, 1, 'same');
    const [c1, c2] = [0.01 ** 2, 0.03 ** 2];
    const ma = pool(a);
    const mb = pool(b);
    const va = tf.sub(pool(tf.square(a)), tf.square(ma));
    const vb = tf.sub(pool(tf.square(b)), tf.square(mb));
    const cov = tf.sub(pool(tf.mul(a, b)), tf.mul(ma, mb));
    const num = tf.mul(tf.add(tf.mul(tf.mul(ma, mb), 2), c1), tf.add(tf.mul(cov, 2), c2));
    const den = tf.mul(tf.add(tf.add(tf.square(ma), tf.square(mb)), c1), tf.add(tf.add(va, vb), c2));
    const dssim = tf.clipByValue(tf.div(tf.sub(1, tf.div(num, den)), 2), 0, 1);
    return tf.add(tf.mul(tf.mean(dssim, 3, true), alpha), tf.mul(tf.mean(tf.abs(tf.sub(a, b)), 3, true), 1 - alpha)) as tf.Tensor4D;
  });
}

/** monodepth2's edge-aware smoothness: |d(disp / mean disp)| e^{-|dI|} along x and y. */
export function smoothnessLoss(disparity: tf.Tensor4D, image: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const d = tf.div(disparity, tf.mean(disparity, [1, 2], true));
    // Finite differences as 'valid' convolutions with [-1, 1] kernels: fast, where slicing is not.
    const diff = (ch: number, dir: 'x' | 'y') => {
      const v = new Float32Array(2 * ch * ch);
      for (let k = 0; k < ch; k++) {
        v[k * ch + k] = -1;
        v[ch * ch + k * ch + k] = 1;
      }
      return tf.tensor4d(v, dir === 'x' ? [1, 2, ch, ch] : [2, 1, ch, ch]);
    };
    const grad = (t: tf.Tensor4D, dir: 'x' | 'y') => tf.abs(tf.conv2d(t, diff(t.shape[3], dir), 1, 'valid'));
    const weight = (dir: 'x' | 'y') => tf.exp(tf.neg(tf.mean(grad(image, dir), 3, true)));
    const gx = tf.mul(grad(d as tf.Tensor4D, 'x'), weight('x'));
    const gy = tf.mul(grad(d as tf.Tensor4D, 'y'), weight('y'));
    return tf.add(tf.mean(gx), tf.mean(gy)) as tf.Scalar;
  });
}

export interface DepthLossOptions {
  focal: number;
  /** Smoothness weight; monodepth2: 1e-3. */
  smoothness?: number;
  /** SSIM share of the photometric error; monodepth2: 0.85. */
  alpha?: number;
  /**
   * Scales of the photometric error: 1 is full resolution only; each further
   * scale halves the frames and the sampling grid by 2x2 averaging. Coarse
   * scales see displacements of several pixels, which a 3x3 SSIM at full
   * resolution cannot (monodepth2: 4 scales, by upsampling coarse disparities).
   * Default 1.
   */
  scales?: number;
  /**
   * Auto-masking (monodepth2's default; its --disable_automasking turns it
   * off): the un-warped sources join the per-pixel minimum. Default true.
   */
  autoMask?: boolean;
}

/**
 * Sets the error of pixels that reproject outside the source frame to 10 (above
 * any photometric error), so the per-pixel minimum takes another source there:
 * zero padding would otherwise drive the depth of the image border towards
 * whatever hides the black padding (monodepth2 samples with border padding).
 */
function outOfView(error: tf.Tensor4D, grid: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    // The mask is a constant (no gradient through the comparison): built from the grid's values.
    const g = grid.dataSync();
    const mask = new Float32Array(g.length / 2);
    for (let i = 0; i < mask.length; i++) mask[i] = Math.abs(g[2 * i]!) <= 1 && Math.abs(g[2 * i + 1]!) <= 1 ? 1 : 0;
    const inside = tf.tensor4d(mask, [grid.shape[0], grid.shape[1], grid.shape[2], 1]);
    return tf.add(tf.mul(error, inside), tf.mul(tf.sub(1, inside), 10)) as tf.Tensor4D;
  });
}

/** The self-supervised loss of one batch of triplets; `target` is reconstructed from `prev` and `next`. */
export function selfSupervisedDepthLoss(
  depth: DepthNetwork,
  pose: Network,
  frames: { prev: tf.Tensor4D; target: tf.Tensor4D; next: tf.Tensor4D },
  options: DepthLossOptions,
): tf.Scalar {
  return tf.tidy(() => {
    const { prev, target, next } = frames;
    const disp = depth.apply(target);
    const z = depth.toDepth(disp);
    const scales = options.scales ?? 1;
    if (!(Number.isInteger(scales) && scales >= 1 && target.shape[1] % 2 ** (scales - 1) === 0 && target.shape[2] % 2 ** (scales - 1) === 0)) {
      throw new Error(`selfSupervisedDepthLoss: scales must be an integer >= 1 that halves [${target.shape.slice(1, 3).join(', ')}] evenly, got ${scales}`);
    }
    const sources = [prev, next];
    let grids = sources.map((source) => reprojectionGrid(z, pose.apply(tf.concat([target, source], 3)) as tf.Tensor2D, options.focal));
    let images = { target, sources };
    let photometric: tf.Tensor = tf.scalar(0);
    for (let s = 0; s < scales; s++) {
      if (s > 0) {
        const half = (x: tf.Tensor4D) => tf.avgPool(x, 2, 2, 'valid');
        grids = grids.map(half);
        images = { target: half(images.target), sources: images.sources.map(half) };
      }
      const { target: t, sources: srcs } = images;
      const errors = srcs.map((source, i) => outOfView(photometricError(gridSample(source, grids[i]!), t, options.alpha), grids[i]!));
      // Auto-masking: where an un-warped source already matches (static pixels), the minimum takes that and no depth gradient flows.
      if (options.autoMask ?? true) for (const source of srcs) errors.push(photometricError(source, t, options.alpha));
      photometric = tf.add(photometric, tf.div(tf.mean(errors.reduce((a, b) => tf.minimum(a, b))), scales));
    }
    return tf.add(photometric, tf.mul(smoothnessLoss(disp, target), options.smoothness ?? 1e-3)) as tf.Scalar;
  });
}

export interface DepthTrainingOptions extends DepthLossOptions {
  steps: number;
  batchSize: number;
  /** Adam step size; monodepth2: 1e-4 (for its 20-epoch KITTI runs; short CPU runs need more). */
  learningRate: number;
  /**
   * Steps over which the step size rises linearly to `learningRate` (default 0).
   * Adam's first steps move every weight by about the full step size whatever
   * the gradient's size; on the pose network's output layer that moved the
   * predicted motion out of view within a few steps, where no gradient flows.
   */
  warmupSteps?: number;
  /** Steps after which the step size drops x0.1 (monodepth2's StepLR: after 15 of 20 epochs). Default none. */
  milestones?: readonly number[];
  seed: number | Rng;
  /** Called after each step with its loss. */
  onStep?: (step: number, loss: number) => void;
}

/** Trains depth and pose networks jointly on triplets of consecutive frames; returns the loss per step. */
export function trainSelfSupervisedDepth(depth: DepthNetwork, pose: Network, clips: readonly Clip[], size: number, options: DepthTrainingOptions): number[] {
  const warmup = options.warmupSteps ?? 0;
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new Error(`trainSelfSupervisedDepth: warmupSteps must be an integer >= 0, got ${warmup}`);
  const rng = toRng(options.seed);
  const opt = adam(options.learningRate);
  const vars = [...Object.values(depth.variables), ...Object.values(pose.variables)];
  const losses: number[] = [];
  try {
    for (let s = 0; s < options.steps; s++) {
      opt.learningRate = options.learningRate * Math.min(1, (s + 1) / (warmup + 1)) * stepDecay(s, options.milestones);
      const frames = frameTriplets(clips, size, options.batchSize, rng);
      const { value, grads } = tf.variableGrads(() => selfSupervisedDepthLoss(depth, pose, frames, options), vars);
      opt.applyGradients(grads);
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads), frames.prev, frames.target, frames.next]);
      losses.push(loss);
      options.onStep?.(s, loss);
    }
  } finally {
    opt.dispose();
  }
  return losses;
}
