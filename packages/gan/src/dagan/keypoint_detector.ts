import { Rng, tf, toRng } from '@proj/core';
import { ParameterFactory, type Network } from '../network.js';
import { convLayer, hourglass, scaleInitialKernel, type Upsampling } from './conv_blocks.js';
import { coordinateGrid, joinXY } from './keypoints.js';
import { softmaxOver } from './softmax.js';

/** Keypoints as FOMM represents them: positions [n, k, 2] in [-1, 1] (x, y) and local Jacobians [n, k, 2, 2]. */
export type Keypoints = {
  value: tf.Tensor3D;
  jacobian: tf.Tensor4D;
};

export interface KeypointDetectorOptions {
  /** Keypoints K; DaGAN's vox config: 10 (the paper also uses 15). */
  numKp?: number;
  /** Input channels: 4 for DaGAN's RGB + depth, 3 for the FOMM baseline. */
  channels: number;
  /** Hourglass width; default 8 (CPU-sized; FOMM/DaGAN: 32). */
  width?: number;
  levels?: number;
  /** Softmax temperature of the heatmaps; FOMM/DaGAN: 0.1. */
  temperature?: number;
  /** Input downscaling by 2x2 average pools; FOMM/DaGAN detect on a 0.25x image (256 -> 64); default 1 (64 -> 32). */
  downscale?: number;
  /** Up blocks of the hourglass (FOMM: nearest upsampling + conv); default `'transposed'`. */
  upsampling?: Upsampling;
  /**
   * Factor on the heatmap conv's He-initialized kernel (default 1). Without
   * batch norm, He-scale logits divided by the temperature 0.1 give nearly
   * one-hot heatmaps, whose expected coordinates barely move under a
   * gradient; a smaller start (0.1) gives soft heatmaps. FOMM's conv starts
   * from PyTorch's default init, ~2.4x smaller than He, on batch-normed features.
   */
  heatmapInitScale?: number;
  seed: number | Rng;
}

export interface KeypointDetector extends Network {
  readonly numKp: number;
  readonly channels: number;
  detect(x: tf.Tensor4D): Keypoints;
}

/**
 * DaGAN's keypoint detector (FOMM's KPDetector on RGB + depth): an hourglass
 * predicts one heatmap per keypoint, softmax over positions at temperature
 * 0.1; a keypoint is its heatmap's expected coordinate, and its Jacobian the
 * heatmap-weighted average of 4 predicted maps, initialized to the identity
 * (zero kernel, bias (1, 0, 0, 1)) as FOMM does.
 */
export function keypointDetector(options: KeypointDetectorOptions): KeypointDetector {
  const numKp = options.numKp ?? 10;
  const { channels } = options;
  const temperature = options.temperature ?? 0.1;
  const downscale = options.downscale ?? 1;
  const f = new ParameterFactory('kp', toRng(options.seed), 'he');
  const body = hourglass(f, 'hg', [channels], options.width ?? 8, options.levels ?? 3, undefined, options.upsampling);
  const heat = convLayer(f, 'heatmap', 3, body.outChannels, numKp, 1, false);
  const jacobian = convLayer(f, 'jacobian', 3, body.outChannels, 4 * numKp, 1, false);
  const heatScale = options.heatmapInitScale ?? 1;
  if (!(heatScale >= 0)) throw new Error(`keypointDetector: heatmapInitScale must be >= 0, got ${heatScale}`);
  if (heatScale !== 1) scaleInitialKernel(f, 'heatmap', heatScale);
  for (const [name, v] of Object.entries(f.variables)) {
    if (!name.startsWith(`${f.scope}/jacobian/`)) continue;
    tf.tidy(() => v.assign(name.endsWith('/kernel') ? tf.zerosLike(v) : tf.tensor1d(Array.from({ length: 4 * numKp }, (_, i) => (i % 4 === 0 || i % 4 === 3 ? 1 : 0)))));
  }
  return {
    scope: f.scope,
    variables: f.variables,
    prunable: f.prunable,
    numKp,
    channels,
    apply: (x) => tf.tidy(() => tf.concat(Object.values(detect(x as tf.Tensor4D)).map((t) => tf.reshape(t, [x.shape[0], -1])), 1)),
    detect,
  };

  function detect(x: tf.Tensor4D): Keypoints {
    if (x.rank !== 4 || x.shape[3] !== channels) throw new Error(`keypointDetector: input must be [n, h, w, ${channels}], got [${x.shape.join(', ')}]`);
    return tf.tidy(() => {
      let input = x;
      for (let i = 0; i < downscale; i++) input = tf.avgPool(input, 2, 2, 'valid');
      const feat = body.apply([input]);
      const [n, h, w] = feat[0]!.shape;
      const logits = tf.div(heat(feat), temperature);
      const heatmap = softmaxOver(logits, [1, 2]); // [n, h, w, K], softmax over positions
      const grid = coordinateGrid(h, w); // [h, w, 2]
      const gx = tf.reshape(tf.slice(grid, [0, 0, 0], [h, w, 1]), [1, h, w, 1]);
      const gy = tf.reshape(tf.slice(grid, [0, 0, 1], [h, w, 1]), [1, h, w, 1]);
      const value = joinXY(tf.sum(tf.mul(heatmap, gx), [1, 2]), tf.sum(tf.mul(heatmap, gy), [1, 2])) as tf.Tensor3D;
      const jacMaps = tf.reshape(jacobian(feat), [n, h, w, numKp, 4]);
      const jac = tf.sum(tf.mul(jacMaps, tf.expandDims(heatmap, 4)), [1, 2]);
      return { value, jacobian: tf.reshape(jac, [n, numKp, 2, 2]) as tf.Tensor4D };
    });
  }
}
