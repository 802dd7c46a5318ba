import { adam, type Adam, Rng, tf, toRng } from '@proj/core';
import { discriminatorLoss, generatorLoss } from '../gan_losses.js';
import { disposeNetwork } from '../network.js';
import type { DepthNetwork } from './depth_net.js';
import { multiScaleDiscriminator, type MultiScaleDiscriminator } from './discriminator.js';
import type { FeatureExtractor } from './feature_extractor.js';
import type { Upsampling } from './conv_blocks.js';
import { daganGenerator, type DaganGenerator } from './generator.js';
import { keypointDetector, type KeypointDetector, type Keypoints } from './keypoint_detector.js';
import { detachKeypoints } from './keypoints.js';
import { equivarianceLosses, featureL1, imagePyramid, keypointSeparationLoss, RandomAffine } from './losses.js';
import { stepDecay } from './step_decay.js';

/** Loss weights; defaults from DaGAN's config/vox-adv-256.yaml. */
export interface DaganLossWeights {
  /** Per feature layer of the perceptual network, at every pyramid scale (config: 10 for each of 5 VGG layers). */
  perceptual: number;
  /**
   * L1 between generated and driving pixels at every pyramid scale (not in
   * the official config: 0). The perceptual net trained here is a weak
   * stand-in for VGG-19; a pixel term gives the generator a direct
   * reconstruction signal.
   */
  pixel: number;
  generatorGan: number;
  discriminatorGan: number;
  /** Per discriminator block (config: [10, 10, 10, 10]). */
  featureMatching: number;
  equivarianceValue: number;
  equivarianceJacobian: number;
  kpDistance: number;
}

export const DAGAN_LOSS_WEIGHTS: DaganLossWeights = {
  perceptual: 10,
  pixel: 0,
  generatorGan: 1,
  discriminatorGan: 1,
  featureMatching: 10,
  equivarianceValue: 10,
  equivarianceJacobian: 10,
  kpDistance: 10,
};

export interface DaganConfig {
  /** true: DaGAN; false: the FOMM-like ablation (RGB keypoints, no depth encoder, no attention). */
  useDepth: boolean;
  /** Keypoints (config num_kp: 10). */
  numKp: number;
  generatorWidth: number;
  keypointWidth: number;
  motionWidth: number;
  discriminatorWidth: number;
  /** Discriminator scales (config: [1]). */
  discriminatorScales: number[];
  /** Perceptual pyramid scales 1, 1/2, ... (config: [1, 0.5, 0.25, 0.125], i.e. 4). */
  pyramidLevels: number;
  /** Equivariance transform (config sigma_affine: 0.05). */
  sigmaAffine: number;
  /** Adam, beta (0.5, 0.999) as FOMM (config: 2e-4 for G, D and keypoints). */
  learningRate: number;
  weights: DaganLossWeights;
  /** Up blocks of the generator, dense motion and keypoint hourglasses (official: nearest + conv, `'nearest'`); default `'transposed'`. */
  upsampling?: Upsampling;
  /**
   * Generator steps before the adversarial part starts (default 0, the
   * official schedule): until then the LSGAN and feature-matching terms are
   * left out and the discriminator is not trained (nor run).
   */
  adversarialStart?: number;
  /** The keypoint detector's `heatmapInitScale` (default 1). */
  heatmapInitScale?: number;
  /**
   * Generator steps after which all learning rates drop x0.1 (FOMM's
   * MultiStepLR, gamma 0.1, at its epoch_milestones; none in DaGAN's vox
   * config, the default).
   */
  milestones?: number[];
  seed: number | Rng;
}

export interface DaganLosses {
  perceptual: number;
  pixel: number;
  generatorGan: number;
  featureMatching: number;
  equivarianceValue: number;
  equivarianceJacobian: number;
  kpDistance: number;
  discriminator: number;
}

/**
 * DaGAN (or, with useDepth false, its FOMM-like ablation): keypoint detector,
 * generator and discriminator trained together by self-supervised
 * reconstruction of the driving frame from a source frame of the same clip
 * (FOMM's GeneratorFullModel / DiscriminatorFullModel). The depth network
 * is trained beforehand and frozen; its disparity is the depth input.
 */
export class DaganModel {
  readonly keypoints: KeypointDetector;
  readonly generator: DaganGenerator;
  readonly discriminator: MultiScaleDiscriminator;
  private readonly gOpt: Adam;
  private readonly dOpt: Adam;
  private readonly rng: Rng;
  /** Generator steps taken so far. */
  steps = 0;

  constructor(
    readonly config: DaganConfig,
    readonly depth: DepthNetwork | undefined,
    readonly perceptual: FeatureExtractor,
  ) {
    if (config.useDepth && !depth) throw new Error('DaganModel: useDepth needs a trained depth network');
    this.rng = toRng(config.seed);
    this.keypoints = keypointDetector({
      numKp: config.numKp,
      channels: config.useDepth ? 4 : 3,
      width: config.keypointWidth,
      upsampling: config.upsampling,
      heatmapInitScale: config.heatmapInitScale,
      seed: this.rng.split(),
    });
    this.generator = daganGenerator({
      numKp: config.numKp,
      useDepth: config.useDepth,
      width: config.generatorWidth,
      motionWidth: config.motionWidth,
      upsampling: config.upsampling,
      seed: this.rng.split(),
    });
    this.discriminator = multiScaleDiscriminator({ numKp: config.numKp, width: config.discriminatorWidth, scales: config.discriminatorScales, seed: this.rng.split() });
    this.gOpt = adam(config.learningRate, { beta1: 0.5 });
    this.dOpt = adam(config.learningRate, { beta1: 0.5 });
  }

  /** The generator's (and keypoint detector's) current learning rate; the discriminator's is the same. */
  get learningRate(): number {
    return this.gOpt.learningRate;
  }

  /** The frozen depth network's disparity of frames [n, h, w, 3] (none without the depth path). */
  disparity(frames: tf.Tensor4D): tf.Tensor4D | undefined {
    return this.config.useDepth ? this.depth!.apply(frames) : undefined;
  }

  /** Keypoints of frames, from RGB + disparity with the depth path, RGB without. */
  detect(frames: tf.Tensor4D, disparity?: tf.Tensor4D): Keypoints {
    return tf.tidy(() => {
      const d = disparity ?? this.disparity(frames);
      return this.keypoints.detect(d ? (tf.concat([frames, d], 3) as tf.Tensor4D) : frames);
    });
  }

  /** Animates each source by its driving frame (FOMM's reconstruction; absolute keypoints). */
  animate(source: tf.Tensor4D, driving: tf.Tensor4D): { prediction: tf.Tensor4D; kpDriving: Keypoints } {
    return tf.tidy(() => {
      const dispS = this.disparity(source);
      const kpS = this.detect(source, dispS);
      const kpD = this.detect(driving);
      return { prediction: this.generator.generate(source, kpS, kpD, dispS).prediction, kpDriving: kpD };
    });
  }

  /**
   * One generator (with keypoint detector) step and one discriminator step on
   * a batch of (source, driving) pairs; before `adversarialStart` steps, the
   * generator step alone without the adversarial terms (their losses and the
   * discriminator's are reported as 0).
   */
  trainStep(source: tf.Tensor4D, driving: tf.Tensor4D): DaganLosses {
    const w = this.config.weights;
    const adversarial = this.steps >= (this.config.adversarialStart ?? 0);
    this.gOpt.learningRate = this.dOpt.learningRate = this.config.learningRate * stepDecay(this.steps, this.config.milestones);
    this.steps++;
    const n = source.shape[0];
    const transform = new RandomAffine(n, this.config.sigmaAffine, this.rng);
    const dispS = this.disparity(source);
    const dispD = this.disparity(driving);
    const transformed = transform.transformFrame(driving);
    const dispT = this.disparity(transformed);
    const parts: Record<string, tf.Scalar> = {};
    let prediction: tf.Tensor4D | undefined;
    let kpDValue: tf.Tensor3D | undefined;
    const gVars = [...Object.values(this.keypoints.variables), ...Object.values(this.generator.variables)];
    const g = tf.variableGrads(() => {
      const kpS = this.detect(source, dispS);
      const kpD = this.detect(driving, dispD);
      const out = this.generator.generate(source, kpS, kpD, dispS);
      prediction = tf.keep(out.prediction.clone());
      kpDValue = tf.keep(kpD.value.clone());
      const pyrG = imagePyramid(out.prediction, this.config.pyramidLevels);
      const pyrR = imagePyramid(driving, this.config.pyramidLevels);
      let perceptual: tf.Scalar = tf.scalar(0);
      pyrG.forEach((x, i) => (perceptual = tf.add(perceptual, featureL1(this.perceptual.features(x), this.perceptual.features(pyrR[i]!), w.perceptual))));
      const pixel = w.pixel > 0 ? featureL1(pyrG, pyrR, w.pixel) : tf.scalar(0);
      let gan: tf.Scalar = tf.scalar(0);
      let fm: tf.Scalar = tf.scalar(0);
      if (adversarial) {
        const kpDet = detachKeypoints(kpD);
        const fake = this.discriminator.judge(out.prediction, kpDet.value);
        const real = this.discriminator.judge(driving, kpDet.value);
        // FOMM's generator GAN term is mean (1 - D(G))^2, twice the GAN core's LSGAN 1/2 (D(G) - 1)^2.
        gan = fake.maps.reduce<tf.Scalar>((s, m) => tf.add(s, tf.mul(generatorLoss('lsgan', m), 2 * w.generatorGan)), tf.scalar(0));
        fm = fake.features.reduce<tf.Scalar>((s, f, i) => tf.add(s, featureL1(real.features[i]!, f, w.featureMatching)), tf.scalar(0));
      }
      const kpT = this.detect(transformed, dispT);
      const eq = equivarianceLosses(kpD, kpT, transform);
      const sep: tf.Tensor = tf.mul(tf.add(keypointSeparationLoss(kpS.value), keypointSeparationLoss(kpD.value)), w.kpDistance);
      const terms: Record<string, tf.Tensor> = {
        perceptual,
        pixel,
        generatorGan: gan,
        featureMatching: fm,
        equivarianceValue: tf.mul(eq.value, w.equivarianceValue),
        equivarianceJacobian: tf.mul(eq.jacobian, w.equivarianceJacobian),
        kpDistance: sep,
      };
      for (const [k, v] of Object.entries(terms)) parts[k] = tf.keep(v.clone()) as tf.Scalar;
      return Object.values(terms).reduce((a, b) => tf.add(a, b)) as tf.Scalar;
    }, gVars);
    this.gOpt.applyGradients(g.grads);
    const losses = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.dataSync()[0]!])) as unknown as DaganLosses;
    losses.discriminator = 0;
    tf.dispose([g.value, ...Object.values(g.grads), ...Object.values(parts)]);
    if (adversarial) {
      const d = tf.variableGrads(() => {
        const real = this.discriminator.judge(driving, kpDValue);
        const fake = this.discriminator.judge(prediction!, kpDValue);
        return real.maps.reduce<tf.Scalar>(
          (s, m, i) => tf.add(s, tf.mul(discriminatorLoss('lsgan', m, fake.maps[i]!), 2 * w.discriminatorGan)),
          tf.scalar(0),
        );
      }, Object.values(this.discriminator.variables));
      this.dOpt.applyGradients(d.grads);
      losses.discriminator = d.value.dataSync()[0]!;
      tf.dispose([d.value, ...Object.values(d.grads)]);
    }
    tf.dispose([prediction!, kpDValue!, transformed, ...(dispS ? [dispS] : []), ...(dispD ? [dispD] : []), ...(dispT ? [dispT] : [])]);
    return losses;
  }

  dispose(): void {
    this.gOpt.dispose();
    this.dOpt.dispose();
    for (const net of [this.keypoints, this.generator, this.discriminator]) disposeNetwork(net);
  }
}
