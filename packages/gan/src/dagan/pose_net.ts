import { Rng, tf, toRng } from '@proj/core';
import { ParameterFactory, type Network } from '../network.js';
import { convLayer, scaleInitialKernel } from './conv_blocks.js';
import { centreImages } from './depth_net.js';

/**
 * monodepth2's pose network, which DaGAN trains with its depth network: a
 * frame pair (target, source) concatenated on channels -> the 6-DoF motion
 * from target to source camera, axis-angle rotation then translation, [n, 6].
 * The architecture is monodepth2's PoseCNN (the SfMLearner pose net, its
 * option for training without ImageNet weights): stride-2 convs with 7x7,
 * 5x5, then 3x3 kernels, a 1x1 conv to 6 outputs averaged over positions,
 * rotations times `outputScale` and translations times `translationScale`.
 * The large first kernels let the first layers compare the two frames over
 * the several pixels a head moves between frames.
 */
export interface PoseNetOptions {
  /**
   * Channels of the stride-2 convs; monodepth2's PoseCNN: 16, 32, 64, 128,
   * 256, 256, 256. Default [16, 32, 64, 128, 128] (64x64 frames -> 2x2).
   */
  channels?: readonly number[];
  /**
   * Factor on the outputs; monodepth2: 0.01, so training starts near the
   * identity motion. Motions between frames much larger than KITTI's in
   * these units need a larger factor to be reachable in few steps.
   */
  outputScale?: number;
  /**
   * Factor on the three translation outputs instead of `outputScale`
   * (default: `outputScale`). The depth range fixes the scale of the scene:
   * where its translations between frames are many times the rotations in
   * radians, as for a head turning about its centre, translations that start
   * as small as the rotations are matched by bringing the whole scene to the
   * near end of the range instead, which flattens the depth map there
   * (measured in packages/gan/README.md).
   */
  translationScale?: number;
  seed: number | Rng;
}

/** Kernel size of PoseCNN's conv `i`. */
const kernelSize = (i: number) => (i === 0 ? 7 : i === 1 ? 5 : 3);

export function poseNet(options: PoseNetOptions): Network & { apply(pair: tf.Tensor): tf.Tensor2D } {
  const channels = options.channels ?? [16, 32, 64, 128, 128];
  if (channels.length === 0 || channels.some((c) => !(Number.isInteger(c) && c > 0))) {
    throw new Error(`poseNet: channels must be positive integers, got [${channels.join(', ')}]`);
  }
  const outputScale = options.outputScale ?? 0.01;
  const translationScale = options.translationScale ?? outputScale;
  if (!(outputScale > 0 && translationScale > 0)) throw new Error(`poseNet: outputScale and translationScale must be > 0, got ${outputScale}, ${translationScale}`);
  const f = new ParameterFactory('pose', toRng(options.seed), 'he');
  const convs = channels.map((c, i) => convLayer(f, `conv${i}`, kernelSize(i), [i === 0 ? 6 : channels[i - 1]!], c, 2));
  // The output layer starts at a tenth of He's scale: small first motions (the role of monodepth2's 0.01),
  // without which the centred inputs' larger activations sent early motions out of view, where no gradient flows.
  const out = convLayer(f, 'pose', 1, [channels[channels.length - 1]!], 6, 1, false);
  scaleInitialKernel(f, 'pose', 0.1);
  return {
    scope: f.scope,
    variables: f.variables,
    prunable: f.prunable,
    apply: (pair) => {
      if (pair.rank !== 4 || pair.shape[3] !== 6) throw new Error(`poseNet: input must be a frame pair [n, h, w, 6], got [${pair.shape.join(', ')}]`);
      return tf.tidy(() => {
        let h = centreImages(pair as tf.Tensor4D);
        for (const c of convs) h = c([h]);
        const scale = tf.tensor2d([[outputScale, outputScale, outputScale, translationScale, translationScale, translationScale]]);
        return tf.mul(tf.mean(out([h]), [1, 2]), scale) as tf.Tensor2D;
      });
    },
  };
}
