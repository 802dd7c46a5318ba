import { Rng, tf, toRng } from '@proj/core';
import { ParameterFactory, type Network } from '../network.js';
import { convLayer, hourglass } from './conv_blocks.js';

/**
 * DaGAN's face depth network (a monodepth2 DepthDecoder on a ResNet encoder
 * in the official code; here a small U-Net): RGB in [0, 1] -> disparity
 * sigmoid in (0, 1), which DaGAN feeds to the keypoint detector and the
 * generator as the depth map. Depth is 1 / (minDisp + (maxDisp - minDisp) sigmoid),
 * monodepth2's disp_to_depth. Inputs are centred as monodepth2's encoder
 * centres them, (rgb - 0.45) / 0.225: without batch norm, raw [0, 1] inputs
 * leave every first-layer unit dominated by the mean brightness, and depth
 * learned from video far more slowly (measured in packages/gan/README.md).
 */
export interface DepthNetwork extends Network {
  /** [n, h, w, 3] -> disparity sigmoid [n, h, w, 1] (near = large). */
  apply(rgb: tf.Tensor): tf.Tensor4D;
  /** Depth from the disparity sigmoid, in units of the depth range. */
  toDepth(disparity: tf.Tensor): tf.Tensor4D;
}

export interface DepthNetOptions {
  /** Channels of the first level; doubles per level. Default 8 (CPU-sized; monodepth2's decoder: 16 at full resolution). */
  width?: number;
  /** Downsampling levels; default 3. */
  levels?: number;
  /** monodepth2's depth range (min_depth 0.1, max_depth 100). */
  minDepth?: number;
  maxDepth?: number;
  seed: number | Rng;
}

/** monodepth2's input normalization, (x - 0.45) / 0.225, for images in [0, 1]. */
export function centreImages(x: tf.Tensor4D): tf.Tensor4D {
  return tf.div(tf.sub(x, 0.45), 0.225);
}

export function depthNet(options: DepthNetOptions): DepthNetwork {
  const width = options.width ?? 8;
  const levels = options.levels ?? 3;
  const minDepth = options.minDepth ?? 0.1;
  const maxDepth = options.maxDepth ?? 100;
  if (!(minDepth > 0 && maxDepth > minDepth)) throw new Error(`depthNet: need 0 < minDepth < maxDepth, got ${minDepth}, ${maxDepth}`);
  const f = new ParameterFactory('depth', toRng(options.seed), 'he');
  const body = hourglass(f, 'hg', [3], width, levels);
  const head = convLayer(f, 'disp', 3, body.outChannels, 1, 1, false);
  const [minDisp, maxDisp] = [1 / maxDepth, 1 / minDepth];
  return {
    scope: f.scope,
    variables: f.variables,
    prunable: f.prunable,
    apply: (rgb) => {
      if (rgb.rank !== 4 || rgb.shape[3] !== 3) throw new Error(`depthNet: input must be RGB [n, h, w, 3], got [${rgb.shape.join(', ')}]`);
      return tf.tidy(() => tf.sigmoid(head(body.apply([centreImages(rgb as tf.Tensor4D)]))) as tf.Tensor4D);
    },
    toDepth: (disparity) => tf.tidy(() => tf.div(1, tf.add(minDisp, tf.mul(maxDisp - minDisp, disparity))) as tf.Tensor4D),
  };
}
