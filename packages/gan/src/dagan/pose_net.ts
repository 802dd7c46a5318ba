import { Rng, tf, toRng } from '@proj/core';
import { ParameterFactory, type Network } from '../network.js';
import { convLayer } from './conv_blocks.js';

/**
 * monodepth2's pose network, which DaGAN trains with its depth network: a
 * frame pair (target, source) concatenated on channels -> the 6-DoF motion
 * from target to source camera, axis-angle rotation then translation, [n, 6].
 * Outputs are scaled by `outputScale` (monodepth2's PoseDecoder: 0.01).
 */
export interface PoseNetOptions {
  /** Channels of the first conv; doubles per stride-2 conv. Default 8. */
  width?: number;
  /** Stride-2 convs before the global average; default 4 (64 -> 4 pixels). */
  levels?: number;
  /**
   * Factor on the outputs; monodepth2: 0.01, so training starts near the
   * identity motion. Motions between frames much larger than KITTI's in
   * these units need a larger factor to be reachable in few steps.
   */
  outputScale?: number;
  seed: number | Rng;
}

export function poseNet(options: PoseNetOptions): Network & { apply(pair: tf.Tensor): tf.Tensor2D } {
  const width = options.width ?? 8;
  const levels = options.levels ?? 4;
  const outputScale = options.outputScale ?? 0.01;
  const f = new ParameterFactory('pose', toRng(options.seed), 'he');
  const convs = Array.from({ length: levels }, (_, i) => convLayer(f, `conv${i}`, 3, [i === 0 ? 6 : width * 2 ** (i - 1)], width * 2 ** i, 2));
  const out = convLayer(f, 'pose', 1, [width * 2 ** (levels - 1)], 6, 1, false);
  return {
    scope: f.scope,
    variables: f.variables,
    prunable: f.prunable,
    apply: (pair) => {
      if (pair.rank !== 4 || pair.shape[3] !== 6) throw new Error(`poseNet: input must be a frame pair [n, h, w, 6], got [${pair.shape.join(', ')}]`);
      return tf.tidy(() => {
        let h = pair as tf.Tensor4D;
        for (const c of convs) h = c([h]);
        return tf.mul(tf.mean(out([h]), [1, 2]), outputScale) as tf.Tensor2D;
      });
    },
  };
}
