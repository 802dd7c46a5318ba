import { gridSample, Rng, tf, toRng } from '@proj/core';
import { ParameterFactory, type Network } from '../network.js';
import { convLayer, upBlock, type Upsampling } from './conv_blocks.js';
import { crossModalAttention, type CrossModalAttention } from './cross_modal_attention.js';
import { denseMotionNetwork } from './dense_motion.js';
import type { Keypoints } from './keypoint_detector.js';

export interface DaganGeneratorOptions {
  numKp: number;
  /**
   * true: DaGAN (source depth encoded and fused by cross-modal attention at
   * the bottleneck); false: the FOMM-like baseline without the depth path.
   */
  useDepth: boolean;
  /** Channels after the first conv (FOMM/DaGAN block_expansion: 64); default 8 (CPU-sized). */
  width?: number;
  /** Stride-2 encoder blocks (FOMM/DaGAN: 2). */
  downBlocks?: number;
  /** Residual blocks at the bottleneck (FOMM/DaGAN: 6); default 2. */
  bottleneckBlocks?: number;
  /** Hourglass width of the dense motion network (FOMM: 64); default 8. */
  motionWidth?: number;
  /**
   * Up blocks of the decoder and of the dense motion hourglass: `'nearest'`
   * is FOMM/DaGAN's UpBlock2d (nearest 2x upsampling + 3x3 conv);
   * `'transposed'` (default) a 4x4 stride-2 transposed conv.
   */
  upsampling?: Upsampling;
  seed: number | Rng;
}

export interface GeneratorOutput {
  /** [n, h, w, 3] in (0, 1). */
  prediction: tf.Tensor4D;
  /** Dense motion at half resolution: the flow [n, h/2, w/2, 2], occlusion and masks. */
  deformation: tf.Tensor4D;
  occlusion: tf.Tensor4D;
  mask: tf.Tensor4D;
}

export interface DaganGenerator extends Network {
  readonly useDepth: boolean;
  /** The attention block (undefined without the depth path). */
  readonly attention?: CrossModalAttention;
  /** Animates `source` [n, h, w, 3] by the keypoints; `sourceDepth` [n, h, w, 1] is needed with the depth path. */
  generate(source: tf.Tensor4D, kpSource: Keypoints, kpDriving: Keypoints, sourceDepth?: tf.Tensor4D): GeneratorOutput;
}

/**
 * DaGAN's DepthAwareGenerator: an encoder of the source image, the dense
 * motion network (at half resolution, as FOMM runs it on a downscaled image)
 * whose flow warps the encoded features and whose occlusion map masks them;
 * with the depth path a second encoder of the source depth map provides the
 * queries of the cross-modal attention over the warped features; then
 * residual bottleneck blocks and a decoder to a sigmoid image.
 */
export function daganGenerator(options: DaganGeneratorOptions): DaganGenerator {
  const width = options.width ?? 8;
  const downBlocks = options.downBlocks ?? 2;
  const f = new ParameterFactory(options.useDepth ? 'dagan_g' : 'fomm_g', toRng(options.seed), 'he');
  const chans = Array.from({ length: downBlocks + 1 }, (_, i) => width * 2 ** i);
  const encoder = (name: string, cin: number) => {
    const first = convLayer(f, `${name}/first`, 3, [cin], width);
    const downs = chans.slice(1).map((c, i) => convLayer(f, `${name}/down${i}`, 3, [chans[i]!], c, 2));
    return (x: tf.Tensor4D) => downs.reduce((h, d) => d([h]), first([x]));
  };
  const imageEncoder = encoder('enc', 3);
  const depthEncoder = options.useDepth ? encoder('depth_enc', 1) : undefined;
  const bottom = chans[downBlocks]!;
  const attention = options.useDepth ? crossModalAttention(f, 'attention', bottom) : undefined;
  const upsampling = options.upsampling ?? 'transposed';
  const motion = denseMotionNetwork(f, 'dense_motion', { numKp: options.numKp, channels: 3, width: options.motionWidth ?? 8, upsampling });
  const res = Array.from({ length: options.bottleneckBlocks ?? 2 }, (_, i) => [
    convLayer(f, `res${i}/a`, 3, [bottom], bottom),
    convLayer(f, `res${i}/b`, 3, [bottom], bottom, 1, false),
  ]);
  const ups = chans.slice(1).reverse().map((c, i) => upBlock(upsampling, f, `up${i}`, [c], chans[downBlocks - 1 - i]!));
  const final = convLayer(f, 'final', 3, [width], 3, 1, false);
  const generate = (source: tf.Tensor4D, kpSource: Keypoints, kpDriving: Keypoints, sourceDepth?: tf.Tensor4D): GeneratorOutput => {
    if (source.rank !== 4 || source.shape[3] !== 3) throw new Error(`daganGenerator: source must be [n, h, w, 3], got [${source.shape.join(', ')}]`);
    if (options.useDepth && !sourceDepth) throw new Error('daganGenerator: sourceDepth [n, h, w, 1] is required with the depth path (useDepth)');
    return tf.tidy(() => {
      const small = tf.avgPool(source, 2, 2, 'valid');
      const dm = motion(small, kpDriving, kpSource);
      let feat = imageEncoder(source);
      // Flow and occlusion from half resolution down to the feature resolution (averaging keeps grid coordinates valid).
      let def = dm.deformation;
      let occ = dm.occlusion;
      while (def.shape[1] > feat.shape[1]) {
        def = tf.avgPool(def, 2, 2, 'valid');
        occ = tf.avgPool(occ, 2, 2, 'valid');
      }
      feat = tf.mul(gridSample(feat, def), occ) as tf.Tensor4D;
      if (attention && depthEncoder) feat = attention.apply(depthEncoder(sourceDepth!), feat).output;
      for (const [a, b] of res) feat = tf.add(feat, b!([a!([feat])])) as tf.Tensor4D;
      for (const u of ups) feat = u([feat]);
      return { prediction: tf.sigmoid(final([feat])) as tf.Tensor4D, deformation: dm.deformation, occlusion: dm.occlusion, mask: dm.mask };
    });
  };
  return {
    scope: f.scope,
    variables: f.variables,
    prunable: f.prunable,
    useDepth: options.useDepth,
    attention,
    generate,
    apply: () => {
      throw new Error('daganGenerator: use generate(source, kpSource, kpDriving, sourceDepth)');
    },
  };
}
