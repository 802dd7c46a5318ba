/**
 * dagan: DaGAN (Hong et al. 2022, arXiv:2203.06605) at 64x64 on synthetic
 * talking heads. Three stages as in the paper: (1) a depth network and a
 * pose network learn depth from the training clips alone (photometric
 * reconstruction of each frame from its neighbours); (2) with the depth
 * network frozen, DaGAN (RGB+depth keypoints, depth-aware cross-modal
 * attention) and the FOMM-like ablation without the depth path are trained
 * from the same seed on the same (source, driving) pairs; (3) both animate
 * held-out identities: the first frame of each test clip is the source, the
 * other frames drive it, and the output is compared with the driving frame.
 */
import { imageGrid, psnr, Rng, ssim, tf } from '@proj/core';
import {
  DAGAN_LOSS_WEIGHTS,
  DaganModel,
  DEFAULT_HEAD_MOTION,
  depthNet,
  framePairs,
  HEAD_CAMERA,
  HEAD_LANDMARKS,
  headLandmarks,
  averageKeypointDistance,
  meanAbsoluteError,
  poseNet,
  spearman,
  syntheticTalkingHeads,
  trainFeatureExtractor,
  trainLandmarkRegressor,
  trainSelfSupervisedDepth,
  disposeNetwork,
  type DepthNetwork,
  type FeatureExtractor,
  type HeadMotion,
  type LandmarkRegressor,
  type TalkingHeadVideos,
  type Upsampling,
} from '@proj/gan';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult, ReportImage } from '../experiment.js';

export interface DaganExperimentConfig {
  size: number;
  trainVideos: number;
  testVideos: number;
  frames: number;
  motion: HeadMotion;
  /** Skin pattern amplitude: photometric depth learning needs texture on the face. */
  skinContrast: number;
  depthSteps: number;
  depthBatch: number;
  depthLearningRate: number;
  /** Linear step-size warm-up of the depth stage (see trainSelfSupervisedDepth's warmupSteps). */
  depthWarmup: number;
  /** Depth steps after which the step size drops x0.1 (monodepth2: after 15 of 20 epochs). */
  depthMilestones: number[];
  /** Depth range of the disparity sigmoid (monodepth2: 0.1-100 for street scenes; the heads and backdrop lie at 2-5.5). */
  depthRange: [number, number];
  /** Photometric loss scales (monodepth2: 4). */
  depthScales: number;
  /** Pose-network factor on the rotations (monodepth2: 0.01 on all six outputs). */
  poseScale: number;
  /** Pose-network factor on the translations (see poseNet's translationScale). */
  poseTranslationScale: number;
  featureSteps: number;
  landmarkSteps: number;
  ganSteps: number;
  ganBatch: number;
  learningRate: number;
  /** Pixel L1 weight per pyramid scale (official: none; see DaganLossWeights.pixel). */
  pixelWeight: number;
  /** Perceptual weight per feature layer and scale (official: 10, on VGG-19). */
  perceptualWeight: number;
  /** Up blocks of the generator and hourglasses (official: nearest + conv). */
  upsampling: Upsampling;
  /** Factor on the keypoint heatmap conv's He init (see keypointDetector). */
  heatmapInitScale: number;
  /** Generator steps after which the learning rates drop x0.1 (FOMM's MultiStepLR). */
  milestones: number[];
  /** Generator steps before the adversarial terms and the discriminator start (official: 0). */
  adversarialStart: number;
  numKp: number;
  width: number;
  discriminatorScales: number[];
}

/**
 * CI-sized (measured CPU time in packages/gan/README.md). Motion with more
 * zoom than rotation: a rotation about the head alone leaves the sign of
 * monocular depth ambiguous (bas-relief), and changes of distance fix it.
 * Skin with a visible pattern (0.4), since photometric depth learning needs
 * texture on the face; pose outputs x0.1 (the motion between frames is
 * large in these units); the photometric loss at full resolution only with
 * Adam 2e-3 (the best of the short trials; 3 scales at 1e-3 did worse and
 * cost twice as much per step). Channels are 8 wide everywhere (the official
 * config: 32-64 with 10 keypoints at 256x256); one discriminator scale as in
 * the official config; a pixel L1 term backs up the weak perceptual net
 * trained here, whose own weight is 1 (official 10 on VGG-19: with 10 this
 * stand-in held back even plain reconstruction). Generators: FOMM's nearest
 * + conv upsampling (transposed convs could not reconstruct the source in
 * 200 steps), keypoint heatmaps soft at init (x0.1), 600 steps at Adam 2e-3
 * with a x0.1 drop at 450.
 */
export const DAGAN_QUICK: DaganExperimentConfig = {
  size: 64,
  trainVideos: 60,
  testVideos: 8,
  frames: 10,
  motion: { yaw: 0.25, pitch: 0.12, roll: 0.08, shift: 0.3, zoom: 0.7 },
  skinContrast: 0.4,
  depthSteps: 600,
  depthBatch: 8,
  depthLearningRate: 2e-3,
  depthWarmup: 100,
  depthMilestones: [450],
  depthRange: [1, 10],
  depthScales: 1,
  poseScale: 0.1,
  poseTranslationScale: 1,
  featureSteps: 100,
  landmarkSteps: 200,
  ganSteps: 600,
  ganBatch: 4,
  learningRate: 2e-3,
  pixelWeight: 10,
  perceptualWeight: 1,
  upsampling: 'nearest',
  heatmapInitScale: 0.1,
  milestones: [450],
  adversarialStart: 0,
  numKp: 10,
  width: 8,
  discriminatorScales: [1],
};

export const DAGAN_FULL: DaganExperimentConfig = {
  ...DAGAN_QUICK,
  trainVideos: 200,
  testVideos: 16,
  frames: 16,
  depthSteps: 3000,
  depthMilestones: [2250],
  featureSteps: 500,
  landmarkSteps: 1000,
  ganSteps: 3000,
  ganBatch: 8,
  learningRate: 2e-4,
  milestones: [],
};

function clipsOf(v: TalkingHeadVideos) {
  return v.rgb.map((rgb) => ({ frames: v.frames, rgb }));
}

function frameTensor(v: TalkingHeadVideos, clip: number, t: number): tf.Tensor4D {
  const per = v.size * v.size * 3;
  return tf.tensor4d(v.rgb[clip]!.subarray(t * per, (t + 1) * per), [1, v.size, v.size, 3]);
}

/**
 * Mean Spearman correlation of predicted and rendered depth per held-out
 * frame: over the head's pixels (the face depth DaGAN uses; pixels whose
 * every sub-sample hits the head), and over the whole frame (head and
 * backdrop, which is easier: it mostly asks for the head to be nearer).
 */
function depthCorrelation(depth: DepthNetwork, test: TalkingHeadVideos): { head: number; frame: number } {
  let head = 0;
  let frame = 0;
  let n = 0;
  const px = test.size * test.size;
  for (let c = 0; c < test.rgb.length; c++) {
    for (let t = 0; t < test.frames; t++) {
      const x = frameTensor(test, c, t);
      const z = tf.tidy(() => depth.toDepth(depth.apply(x)));
      const predicted = z.dataSync();
      const rendered = test.depth[c]!.subarray(t * px, (t + 1) * px);
      const mask = test.head[c]!.subarray(t * px, (t + 1) * px);
      const onHead = (a: ArrayLike<number>) => Array.from(a).filter((_, i) => mask[i] === 1);
      head += spearman(onHead(predicted), onHead(rendered));
      frame += spearman(predicted, rendered);
      n++;
      tf.dispose([x, z]);
    }
  }
  return { head: head / n, frame: frame / n };
}

interface Evaluation {
  ssim: number;
  /** SSIM against the driving frames of the generator driven by the source itself (no motion): ssim above it is motion transferred. */
  ssimNoMotion: number;
  psnr: number;
  l1: number;
  akd: number;
  /** Per test clip: generated frames [frames - 1] (driving frames 1..T-1). */
  generated: Float32Array[];
}

/** SSIM of the unchanged source (frame 0) against each driving frame: the bar a generator must pass to have learned any motion. */
function copySourceSsim(test: TalkingHeadVideos): number {
  const { size, frames } = test;
  const per = size * size * 3;
  let acc = 0;
  for (const rgb of test.rgb) {
    const copies = new Float32Array((frames - 1) * per);
    for (let t = 0; t < frames - 1; t++) copies.set(rgb.subarray(0, per), t * per);
    acc += ssim(copies, rgb.subarray(per), [frames - 1, size, size, 3]);
  }
  return acc / test.rgb.length;
}

/** Source = frame 0 of each test clip, driven by frames 1..T-1; metrics against the driving frames. */
function evaluate(model: DaganModel, test: TalkingHeadVideos, landmarks: LandmarkRegressor): Evaluation {
  const { size, frames } = test;
  const per = size * size * 3;
  const generated: Float32Array[] = [];
  const acc = { ssim: 0, ssimNoMotion: 0, psnr: 0, l1: 0, akd: 0 };
  for (let c = 0; c < test.rgb.length; c++) {
    const driving = tf.tensor4d(test.rgb[c]!.subarray(per), [frames - 1, size, size, 3]);
    const source = tf.tidy(() => tf.tile(frameTensor(test, c, 0), [frames - 1, 1, 1, 1]) as tf.Tensor4D);
    const out = model.animate(source, driving);
    const g = out.prediction.dataSync() as Float32Array;
    const d = driving.dataSync() as Float32Array;
    const shape = [frames - 1, size, size, 3] as const;
    acc.ssim += ssim(g, d, shape);
    const still = model.animate(source, source);
    acc.ssimNoMotion += ssim(still.prediction.dataSync(), d, shape);
    tf.dispose([still.prediction, still.kpDriving.value, still.kpDriving.jacobian]);
    acc.psnr += psnr(g, d, shape);
    acc.l1 += meanAbsoluteError(g, d);
    const lg = landmarks.apply(out.prediction);
    const ld = landmarks.apply(driving);
    acc.akd += (averageKeypointDistance(lg.dataSync(), ld.dataSync()) * (size - 1)) / 2;
    generated.push(Float32Array.from(g));
    tf.dispose([driving, source, out.prediction, out.kpDriving.value, out.kpDriving.jacobian, lg, ld]);
  }
  const k = test.rgb.length;
  return { ssim: acc.ssim / k, ssimNoMotion: acc.ssimNoMotion / k, psnr: acc.psnr / k, l1: acc.l1 / k, akd: acc.akd / k, generated };
}

export async function runDagan(ctx: ExperimentContext, cfg: DaganExperimentConfig): Promise<ExperimentResult> {
  const root = new Rng(ctx.seed);
  const cpu0 = process.cpuUsage();
  const cpuSeconds = () => {
    const u = process.cpuUsage(cpu0);
    return (u.user + u.system) / 1e6;
  };
  const train = syntheticTalkingHeads({ videos: cfg.trainVideos, frames: cfg.frames, size: cfg.size, motion: cfg.motion, skinContrast: cfg.skinContrast, seed: root.split() });
  const test = syntheticTalkingHeads({ videos: cfg.testVideos, frames: cfg.frames, size: cfg.size, motion: cfg.motion, skinContrast: cfg.skinContrast, seed: root.split() });
  const clips = clipsOf(train);
  ctx.log(`rendered ${cfg.trainVideos} training and ${cfg.testVideos} held-out clips of ${cfg.frames} frames (${cpuSeconds().toFixed(1)} s CPU)`);
  const curves: Record<string, CurvePoint[]> = { 'depth photometric loss': [], 'generator perceptual loss': [] };

  // Stage 1: self-supervised depth.
  const depth = depthNet({ seed: root.split(), minDepth: cfg.depthRange[0], maxDepth: cfg.depthRange[1] });
  const pose = poseNet({ seed: root.split(), outputScale: cfg.poseScale, translationScale: cfg.poseTranslationScale });
  ctx.reporter.start(cfg.depthSteps, 'depth');
  trainSelfSupervisedDepth(depth, pose, clips, cfg.size, {
    steps: cfg.depthSteps,
    batchSize: cfg.depthBatch,
    learningRate: cfg.depthLearningRate,
    warmupSteps: cfg.depthWarmup,
    milestones: cfg.depthMilestones,
    scales: cfg.depthScales,
    focal: HEAD_CAMERA.focal,
    seed: root.split(),
    onStep: (s, loss) => {
      if (s % 10 === 0) curves['depth photometric loss']!.push({ x: s, y: loss });
      ctx.reporter.tick({ loss });
    },
  });
  ctx.reporter.end();
  disposeNetwork(pose);
  const depthCorr = depthCorrelation(depth, test);
  ctx.log(`depth: Spearman vs rendered depth on held-out frames: head ${depthCorr.head.toFixed(3)}, whole frame ${depthCorr.frame.toFixed(3)} (${cpuSeconds().toFixed(1)} s CPU)`);

  // The perceptual network and the AKD landmark detector, both trained on the training clips.
  const { extractor, accuracy } = trainFeatureExtractor(clips, cfg.size, { steps: cfg.featureSteps, batchSize: 16, seed: root.split() });
  const trainLandmarks = new Float32Array(cfg.trainVideos * cfg.frames * HEAD_LANDMARKS.length * 2);
  train.poses.forEach((ps, v) => ps.forEach((p, t) => trainLandmarks.set(headLandmarks(train.identities[v]!, p), (v * cfg.frames + t) * HEAD_LANDMARKS.length * 2)));
  const allFrames = new Float32Array(cfg.trainVideos * cfg.frames * cfg.size * cfg.size * 3);
  train.rgb.forEach((r, v) => allFrames.set(r, v * r.length));
  const { regressor, trainError } = trainLandmarkRegressor(allFrames, trainLandmarks, cfg.size, HEAD_LANDMARKS.length, {
    steps: cfg.landmarkSteps,
    batchSize: 16,
    seed: root.split(),
  });
  ctx.log(`perceptual net: identity accuracy ${accuracy.toFixed(3)}; landmark regressor: train error ${((trainError * (cfg.size - 1)) / 2).toFixed(2)} px (${cpuSeconds().toFixed(1)} s CPU)`);

  // Stage 2 and 3: DaGAN and the ablation, same seed, same pairs.
  const ganSeed = root.split().tfSeed();
  const pairSeed = root.split().tfSeed();
  const results: Record<string, Evaluation> = {};
  const seconds: Record<string, number> = {};
  for (const useDepth of [true, false]) {
    const name = useDepth ? 'dagan' : 'nodepth';
    const model = new DaganModel(
      {
        useDepth,
        numKp: cfg.numKp,
        generatorWidth: cfg.width,
        keypointWidth: cfg.width,
        motionWidth: cfg.width,
        discriminatorWidth: cfg.width,
        discriminatorScales: cfg.discriminatorScales,
        pyramidLevels: 3,
        sigmaAffine: 0.05,
        learningRate: cfg.learningRate,
        upsampling: cfg.upsampling,
        heatmapInitScale: cfg.heatmapInitScale,
        milestones: cfg.milestones,
        adversarialStart: cfg.adversarialStart,
        weights: { ...DAGAN_LOSS_WEIGHTS, pixel: cfg.pixelWeight, perceptual: cfg.perceptualWeight },
        seed: ganSeed,
      },
      depth as DepthNetwork,
      extractor as FeatureExtractor,
    );
    const rng = new Rng(pairSeed);
    const c0 = cpuSeconds();
    ctx.reporter.start(cfg.ganSteps, name);
    for (let s = 0; s < cfg.ganSteps; s++) {
      const b = framePairs(clips, cfg.size, cfg.ganBatch, rng);
      const l = model.trainStep(b.source, b.driving);
      tf.dispose([b.source, b.driving]);
      if (s % 5 === 0) curves['generator perceptual loss']!.push({ x: s, y: l.perceptual, series: name });
      ctx.reporter.tick({ perceptual: l.perceptual, d: l.discriminator });
    }
    ctx.reporter.end();
    seconds[name] = cpuSeconds() - c0;
    results[name] = evaluate(model, test, regressor);
    const r = results[name]!;
    ctx.log(`${name}: SSIM ${r.ssim.toFixed(4)} (driven by the source itself: ${r.ssimNoMotion.toFixed(4)}), PSNR ${r.psnr.toFixed(2)} dB, L1 ${r.l1.toFixed(4)}, AKD ${r.akd.toFixed(2)} px (${seconds[name]!.toFixed(0)} s CPU training)`);
    model.dispose();
  }
  disposeNetwork(depth);
  disposeNetwork(extractor);
  disposeNetwork(regressor);

  // Report pictures: per held-out clip, source | driving | DaGAN | no depth, for three driving frames.
  const { size, frames } = test;
  const per = size * size * 3;
  const shown = Math.min(4, cfg.testVideos);
  const ts = [1, Math.floor(frames / 2), frames - 1];
  const tiles = new Float32Array(shown * ts.length * 4 * per);
  let k = 0;
  for (let c = 0; c < shown; c++) {
    for (const t of ts) {
      for (const img of [test.rgb[c]!.subarray(0, per), test.rgb[c]!.subarray(t * per, (t + 1) * per), results.dagan!.generated[c]!.subarray((t - 1) * per, t * per), results.nodepth!.generated[c]!.subarray((t - 1) * per, t * per)]) {
        tiles.set(img, k++ * per);
      }
    }
  }
  const sideBySide: ReportImage = {
    ...imageGrid(tiles, [shown * ts.length * 4, size, size, 3], { columns: 4 }),
    caption: 'held-out identities, each row: source | driving | DaGAN | no-depth baseline',
  };
  // The reenactment video of the first held-out clip: source | driving | DaGAN | no depth per frame.
  const strip = (t: number) => {
    const four = new Float32Array(4 * per);
    four.set(test.rgb[0]!.subarray(0, per), 0);
    four.set(test.rgb[0]!.subarray(t * per, (t + 1) * per), per);
    four.set(results.dagan!.generated[0]!.subarray((t - 1) * per, t * per), 2 * per);
    four.set(results.nodepth!.generated[0]!.subarray((t - 1) * per, t * per), 3 * per);
    return imageGrid(four, [4, size, size, 3], { columns: 4 });
  };
  const videoFrames = Array.from({ length: frames - 1 }, (_, i) => strip(i + 1));
  const reenactment: ReportImage = {
    ...videoFrames[0]!,
    caption: 'reenactment of a held-out identity (animated): source | driving | DaGAN | no depth',
    animation: { frames: videoFrames, delayMs: 150 },
  };
  const r = results;
  return {
    metrics: {
      depth_corr: depthCorr.head,
      depth_corr_frame: depthCorr.frame,
      ssim: r.dagan!.ssim,
      psnr: r.dagan!.psnr,
      akd: r.dagan!.akd,
      l1: r.dagan!.l1,
      ssim_nodepth: r.nodepth!.ssim,
      psnr_nodepth: r.nodepth!.psnr,
      akd_nodepth: r.nodepth!.akd,
      l1_nodepth: r.nodepth!.l1,
      ssim_copy_source: copySourceSsim(test),
      ssim_no_motion: r.dagan!.ssimNoMotion,
      ssim_nodepth_no_motion: r.nodepth!.ssimNoMotion,
      cpu_seconds: Math.round(cpuSeconds()),
    },
    curves,
    axes: {
      'depth photometric loss': { x: 'step', y: '0.85 (1-SSIM)/2 + 0.15 L1 (+ smoothness)' },
      'generator perceptual loss': { x: 'step', y: 'pyramid perceptual loss' },
    },
    images: { side_by_side: sideBySide, reenactment },
    notes: [
      `Synthetic talking heads at ${cfg.size}x${cfg.size}: ${cfg.trainVideos} training clips and ${cfg.testVideos} held-out identities, ${cfg.frames} frames each; motion ${JSON.stringify(cfg.motion)} (default ${JSON.stringify(DEFAULT_HEAD_MOTION)}).`,
      `Depth: ${cfg.depthSteps} steps of batch ${cfg.depthBatch} (triplets), Adam ${cfg.depthLearningRate} (warm-up ${cfg.depthWarmup} steps, x0.1 after ${cfg.depthMilestones.join(', ') || 'none'}), depth range ${cfg.depthRange.join('-')}, ${cfg.depthScales} loss scales, pose rotations x${cfg.poseScale}, translations x${cfg.poseTranslationScale}; depth_corr is the Spearman correlation of predicted and rendered depth over the head's pixels of each held-out frame, averaged over frames (depth_corr_frame: over all pixels, head and backdrop).`,
      `Generators: ${cfg.ganSteps} steps of batch ${cfg.ganBatch}, Adam ${cfg.learningRate} (beta1 0.5, x0.1 after steps ${cfg.milestones.join(', ') || 'none'}), ${cfg.upsampling} upsampling, keypoint heatmap init x${cfg.heatmapInitScale}, pixel L1 weight ${cfg.pixelWeight}, perceptual weight ${cfg.perceptualWeight}, ${cfg.numKp} keypoints, width ${cfg.width}, discriminator scales ${cfg.discriminatorScales.join(', ')}, adversarial terms from step ${cfg.adversarialStart}; DaGAN's loss weights. The perceptual network is a clip classifier trained here (no VGG); AKD uses a landmark regressor trained on the training frames with rendered landmark positions, in pixels.`,
      `Evaluation: the first frame of each held-out clip is the source, the others drive it (reconstruction, FOMM's protocol); SSIM (11x11 Gaussian), PSNR and L1 against the driving frame; ssim_copy_source is the SSIM of the unchanged source against the driving frames; ssim_no_motion (ssim_nodepth_no_motion) is the SSIM against the driving frames of the generator driven by the source itself, so ssim above it is motion transferred (a blurred copy of the source can pass ssim_copy_source).`,
    ],
  };
}

export const dagan: Experiment = {
  name: 'dagan',
  package: '@proj/gan',
  description: 'DaGAN: self-supervised face depth, depth-aware keypoints and cross-modal attention vs the no-depth (FOMM-like) ablation on synthetic talking heads',
  run: (ctx) => runDagan(ctx, ctx.quick ? DAGAN_QUICK : DAGAN_FULL),
};
