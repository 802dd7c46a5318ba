import { gridSample, Rng, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  averageKeypointDistance,
  coordinateGrid,
  axisAngleToMatrix,
  crossModalAttention,
  DAGAN_LOSS_WEIGHTS,
  DaganModel,
  daganGenerator,
  depthNet,
  disposeNetwork,
  equivarianceLosses,
  framePairs,
  HEAD_CAMERA,
  headLandmarks,
  inverse2x2,
  keypointDetector,
  keypointGaussians,
  keypointSeparationLoss,
  meanAbsoluteError,
  multiScaleDiscriminator,
  ParameterFactory,
  photometricError,
  poseNet,
  RandomAffine,
  randomIdentity,
  relativeCameraMotion,
  renderHead,
  reprojectionGrid,
  selfSupervisedDepthLoss,
  spearman,
  syntheticTalkingHeads,
  trainFeatureExtractor,
  softmaxOver,
  trainSelfSupervisedDepth,
  upsampleNearest2x,
} from '../src/index.js';
import { convLayer, scaleInitialKernel } from '../src/dagan/conv_blocks.js';

beforeAll(async () => {
  const { initBackend } = await import('@proj/core');
  await initBackend();
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, digits);
};

describe('metrics', () => {
  it('spearman, L1 and AKD match hand-computed values', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // Ranks [0, 1, 2, 3] vs [1, 0, 3, 2]: 1 - 6 * sum d^2 / (n (n^2 - 1)) = 1 - 6 * 4 / 60 = 0.6.
    expect(spearman([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBe(0);
    expect(meanAbsoluteError([0, 1], [0.5, 0])).toBeCloseTo(0.75, 12);
    // Two keypoints: distances 5 and 0.
    expect(averageKeypointDistance([0, 0, 1, 1], [3, 4, 1, 1])).toBeCloseTo(2.5, 12);
    expect(() => spearman([1], [1])).toThrow(/equal length >= 2/);
  });
});

describe('self-supervised depth', () => {
  it('Rodrigues: a rotation by pi/2 about z, and the identity at zero', () => {
    const r = axisAngleToMatrix(tf.tensor2d([[0, 0, Math.PI / 2], [0, 0, 0]]));
    close(r.dataSync(), [0, -1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    r.dispose();
  });

  it('reprojection with the rendered depth and the true camera motion reconstructs the target frame', { timeout: 30_000 }, () => {
    const id = randomIdentity(3);
    const a = { yaw: 0.1, pitch: 0.05, roll: 0.02, tx: 0.05, ty: 0, tz: 0, mouth: 0 };
    const b = { ...a, yaw: 0.15, tx: 0.08, tz: 0.05 };
    const fa = renderHead(id, a, 48);
    const fb = renderHead(id, b, 48);
    tf.tidy(() => {
      const target = tf.tensor4d(fa.rgb, [1, 48, 48, 3]);
      const source = tf.tensor4d(fb.rgb, [1, 48, 48, 3]);
      const err = (depth: Float32Array) => {
        const grid = reprojectionGrid(tf.tensor4d(depth, [1, 48, 48, 1]), tf.tensor2d([relativeCameraMotion(a, b)]), HEAD_CAMERA.focal);
        // The central region (the borders leave the source's view).
        return l1(gridSample(source, grid));
      };
      // Mean |a - b| over the central region (the borders leave the source's view).
      const l1 = (x: tf.Tensor4D) => tf.mean(tf.abs(tf.slice(tf.sub(x, target), [0, 8, 8, 0], [1, 32, 32, 3]))).dataSync()[0]!;
      const identity = l1(source);
      const trueDepth = err(fa.depth);
      // Measured: identity 0.022, true depth 0.016 (bilinear blur of the textured backdrop remains), inverted 0.047.
      expect(trueDepth).toBeLessThan(0.8 * identity);
      // Inverted depth (near and far swapped) explains the motion worse.
      expect(err(fa.depth.map((z) => 12 / z))).toBeGreaterThan(2 * trueDepth);
    });
  });

  it('photometric error is 0 for identical images and 0.15 |a - b| + 0.85 (1 - SSIM)/2 for constant ones', () => {
    tf.tidy(() => {
      const a = tf.fill([1, 4, 4, 1], 0.2) as tf.Tensor4D;
      const b = tf.fill([1, 4, 4, 1], 0.6) as tf.Tensor4D;
      close(photometricError(a, a).dataSync(), new Array(16).fill(0));
      const ssim = (2 * 0.2 * 0.6 + 1e-4) / (0.04 + 0.36 + 1e-4);
      close(photometricError(a, b).dataSync(), new Array(16).fill(0.15 * 0.4 + (0.85 * (1 - ssim)) / 2), 4);
    });
  });

  it('pixels that reproject out of view fall back to the un-warped error (auto-masking; without it they cost 10); coarse scales average in', () => {
    const depth = depthNet({ seed: 1, width: 4, levels: 2, minDepth: 1, maxDepth: 10 });
    // A camera moved 100 units sideways: every pixel lands outside the source frame.
    const away = { scope: 'away', variables: {}, prunable: [], apply: (x: tf.Tensor) => tf.tile(tf.tensor2d([[0, 0, 0, 100, 0, 0]]), [x.shape[0]!, 1]) };
    const frames = {
      prev: tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D,
      target: tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D,
      next: tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
    };
    const [loss, expected] = tf.tidy(() => {
      const identity = (t: tf.Tensor4D, a: tf.Tensor4D, b: tf.Tensor4D) => tf.mean(tf.minimum(photometricError(a, t), photometricError(b, t)));
      const half = (x: tf.Tensor4D) => tf.avgPool(x, 2, 2, 'valid');
      const l = selfSupervisedDepthLoss(depth, away, frames, { focal: 2, smoothness: 0, scales: 2 });
      const e = tf.div(tf.add(identity(frames.target, frames.prev, frames.next), identity(half(frames.target), half(frames.prev), half(frames.next))), 2);
      return [l.dataSync()[0]!, e.dataSync()[0]!];
    });
    expect(loss).toBeCloseTo(expected, 6);
    // Without auto-masking only the warped sources compete, and every pixel is out of view: the loss is the out-of-view error, 10.
    const unmasked = tf.tidy(() => selfSupervisedDepthLoss(depth, away, frames, { focal: 2, smoothness: 0, scales: 2, autoMask: false }).dataSync()[0]!);
    expect(unmasked).toBeCloseTo(10, 5);
    expect(() => selfSupervisedDepthLoss(depth, away, frames, { focal: 2, scales: 5 })).toThrow(/scales must be an integer >= 1 that halves \[8, 8\]/);
    tf.dispose(Object.values(frames));
    disposeNetwork(depth);
  });

  it('poseNet scales its outputs by outputScale (monodepth2: 0.01) and its translations by translationScale', () => {
    const pair = tf.randomUniform([2, 16, 16, 6], 0, 1, 'float32', 5);
    const a = poseNet({ seed: 2, channels: [4, 8] });
    const b = poseNet({ seed: 2, channels: [4, 8], outputScale: 0.1 });
    const [ya, yb] = [a.apply(pair), b.apply(pair)];
    close(yb.dataSync(), Array.from(ya.dataSync(), (v) => v * 10), 5);
    // translationScale moves only the last three outputs (the translation): x100 there, x10 on the rotation.
    const c = poseNet({ seed: 2, channels: [4, 8], outputScale: 0.1, translationScale: 1 });
    const yc = c.apply(pair);
    close(yc.dataSync(), Array.from(ya.dataSync(), (v, i) => v * (i % 6 < 3 ? 10 : 100)), 5);
    expect(() => poseNet({ seed: 2, translationScale: 0 })).toThrow(/outputScale and translationScale must be > 0/);
    tf.dispose([pair, ya, yb, yc]);
    disposeNetwork(a);
    disposeNetwork(b);
    disposeNetwork(c);
  });

  it('scaleInitialKernel scales every part of one layer kernel and leaves the other layers and the biases alone', () => {
    const f = new ParameterFactory('scale_test', new Rng(4), 'he');
    convLayer(f, 'a', 3, [2, 3], 4);
    convLayer(f, 'ab', 1, [4], 2);
    const before = Object.fromEntries(Object.entries(f.variables).map(([n, v]) => [n, Array.from(v.dataSync())]));
    f.variables[`${f.scope}/a/bias`]!.assign(tf.ones([4]));
    scaleInitialKernel(f, 'a', 0.1);
    for (const part of [0, 1]) {
      const n = `${f.scope}/a/part${part}/kernel`;
      close(f.variables[n]!.dataSync(), before[n]!.map((v) => v * 0.1), 6);
    }
    // 'ab' shares the prefix 'a' but is another layer.
    expect(Array.from(f.variables[`${f.scope}/ab/part0/kernel`]!.dataSync())).toEqual(before[`${f.scope}/ab/part0/kernel`]);
    close(f.variables[`${f.scope}/a/bias`]!.dataSync(), [1, 1, 1, 1]);
    Object.values(f.variables).forEach((v) => v.dispose());
  });

  it('depth and pose networks centre their inputs as monodepth2 does, (x - 0.45) / 0.225: mid-grey frames are the zero input', () => {
    // At init every bias is 0, so a zero input gives zero activations: disparity sigmoid(0) = 0.5 and zero motion.
    const depth = depthNet({ seed: 1, width: 4, levels: 2 });
    const pose = poseNet({ seed: 2, channels: [4, 8] });
    const grey = tf.fill([1, 16, 16, 3], 0.45) as tf.Tensor4D;
    const [disp, motion, motionBlack] = tf.tidy(() => [
      depth.apply(grey).dataSync(),
      pose.apply(tf.concat([grey, grey], 3)).dataSync(),
      pose.apply(tf.zeros([1, 16, 16, 6])).dataSync(),
    ]);
    close(disp, new Array(256).fill(0.5), 6);
    close(motion, new Array(6).fill(0), 7);
    // Black frames are not the zero input after centring: the network responds.
    expect(Math.max(...Array.from(motionBlack, Math.abs))).toBeGreaterThan(1e-4);
    expect(() => poseNet({ seed: 2, channels: [4, 0] })).toThrow(/channels must be positive integers, got \[4, 0\]/);
    grey.dispose();
    disposeNetwork(depth);
    disposeNetwork(pose);
  });

  it('trains depth and pose on frame triplets: the loss falls, no tensor leak', () => {
    const v = syntheticTalkingHeads({ videos: 3, frames: 4, size: 16, seed: 1 });
    const clips = v.rgb.map((rgb) => ({ frames: 4, rgb }));
    const depth = depthNet({ seed: 1, width: 4, levels: 2, minDepth: 0.5, maxDepth: 20 });
    const pose = poseNet({ seed: 2, channels: [4, 8] });
    const before = tf.memory().numTensors;
    const losses = trainSelfSupervisedDepth(depth, pose, clips, 16, { steps: 20, batchSize: 4, learningRate: 3e-3, focal: 2, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)));
    const l = tf.tidy(() => {
      const frames = { prev: tf.zeros([1, 16, 16, 3]), target: tf.zeros([1, 16, 16, 3]), next: tf.zeros([1, 16, 16, 3]) } as const;
      return selfSupervisedDepthLoss(depth, pose, frames as never, { focal: 2 }).dataSync()[0];
    });
    expect(Number.isFinite(l)).toBe(true);
    disposeNetwork(depth);
    disposeNetwork(pose);
  }, 60_000);

  it('warmupSteps and milestones set the step size: one step at lr with warm-up 1 is one at lr / 2, with a drop at 0 one at lr / 10', () => {
    const v = syntheticTalkingHeads({ videos: 2, frames: 3, size: 16, seed: 1 });
    const clips = v.rgb.map((rgb) => ({ frames: 3, rgb }));
    const weightsAfterOneStep = (options: { learningRate: number; warmupSteps?: number; milestones?: number[] }) => {
      const depth = depthNet({ seed: 1, width: 4, levels: 2, minDepth: 0.5, maxDepth: 20 });
      const pose = poseNet({ seed: 2, channels: [4, 8] });
      try {
        trainSelfSupervisedDepth(depth, pose, clips, 16, { steps: 1, batchSize: 2, focal: 2, seed: 3, ...options });
        return [...Object.values(depth.variables), ...Object.values(pose.variables)].flatMap((x) => Array.from(x.dataSync()));
      } finally {
        disposeNetwork(depth);
        disposeNetwork(pose);
      }
    };
    const plain = weightsAfterOneStep({ learningRate: 1e-2 });
    const half = weightsAfterOneStep({ learningRate: 5e-3 });
    const tenth = weightsAfterOneStep({ learningRate: 1e-3 });
    // The schedules must change the step at all for the comparisons below to mean something.
    expect(Math.max(...plain.map((x, i) => Math.abs(x - half[i]!)))).toBeGreaterThan(1e-3);
    close(weightsAfterOneStep({ learningRate: 1e-2, warmupSteps: 1 }), half, 6);
    close(weightsAfterOneStep({ learningRate: 1e-2, milestones: [0] }), tenth, 6);
    close(weightsAfterOneStep({ learningRate: 1e-2, milestones: [1] }), plain, 6);
    expect(() => weightsAfterOneStep({ learningRate: 1e-2, warmupSteps: 1.5 })).toThrow(/warmupSteps must be an integer >= 0, got 1.5/);
  }, 60_000);
});

describe('keypoints and motion', () => {
  it('Gaussian heatmaps peak at the keypoint with FOMM variance 0.01', () => {
    tf.tidy(() => {
      const g = keypointGaussians(tf.tensor3d([[[0, 0]]]), 3, 3).dataSync();
      // Grid points are -1, 0, 1: at distance 1 the value is exp(-1 / 0.02).
      expect(g[4]).toBeCloseTo(1, 6);
      expect(g[1]).toBeCloseTo(Math.exp(-50), 12);
    });
  });

  it('inverse2x2 inverts', () => {
    tf.tidy(() => close(inverse2x2(tf.tensor3d([[[2, 1], [1, 1]]])).dataSync(), [1, -1, -1, 2]));
  });

  it('keypoint separation is 0 for far keypoints and the hinge mean otherwise (hand-computed)', () => {
    tf.tidy(() => {
      expect(keypointSeparationLoss(tf.tensor3d([[[0, 0], [1, 0]]])).dataSync()[0]).toBeCloseTo(0, 6);
      // Distance 0.05 < 0.2: both ordered pairs give 0.15, mean over n k (k - 1) = 2 pairs -> 0.15.
      expect(keypointSeparationLoss(tf.tensor3d([[[0, 0], [0.05, 0]]])).dataSync()[0]).toBeCloseTo(0.15, 5);
    });
  });

  it('equivariance losses vanish for a detector that is exactly equivariant', () => {
    tf.tidy(() => {
      const t = new RandomAffine(2, 0.1, new Rng(1));
      const kpT = { value: tf.tensor3d([[[0.1, 0.2]], [[-0.3, 0.4]]]), jacobian: tf.reshape(tf.tensor([1, 0.2, 0, 1, 0.9, 0, 0.1, 1.1]), [2, 1, 2, 2]) as tf.Tensor4D };
      // kp = T(kp_T), J = dT J_T.
      const kp = { value: t.warpPoints(kpT.value), jacobian: tf.reshape(tf.matMul(tf.reshape(t.jacobian(), [2, 2, 2]), tf.reshape(kpT.jacobian, [2, 2, 2])), [2, 1, 2, 2]) as tf.Tensor4D };
      const eq = equivarianceLosses(kp, kpT, t);
      expect(eq.value.dataSync()[0]).toBeCloseTo(0, 5);
      expect(eq.jacobian.dataSync()[0]).toBeCloseTo(0, 5);
    });
  });

  it('heatmapInitScale 0: uniform heatmaps put every keypoint at the image centre', () => {
    const det = keypointDetector({ numKp: 3, channels: 3, width: 4, heatmapInitScale: 0, seed: 1 });
    tf.tidy(() => {
      const kp = det.detect(tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D);
      // Zero kernel and zero bias: equal logits, softmax 1/64 over the 8x8 grid, whose mean coordinate is 0.
      close(kp.value.dataSync(), new Array(12).fill(0), 5);
    });
    expect(() => keypointDetector({ numKp: 3, channels: 3, heatmapInitScale: -1, seed: 1 })).toThrow(/heatmapInitScale/);
    disposeNetwork(det);
  });

  it('keypoint detector starts with identity Jacobians and keypoints inside the image', () => {
    const det = keypointDetector({ channels: 4, numKp: 5, width: 4, seed: 1 });
    tf.tidy(() => {
      const kp = det.detect(tf.randomUniform([2, 16, 16, 4], 0, 1, 'float32', 1) as tf.Tensor4D);
      expect(kp.value.shape).toEqual([2, 5, 2]);
      expect(kp.value.dataSync().every((v) => Math.abs(v) <= 1)).toBe(true);
      close(kp.jacobian.dataSync(), Array.from({ length: 40 }, (_, i) => (i % 4 === 0 || i % 4 === 3 ? 1 : 0)));
    });
    expect(() => det.detect(tf.zeros([1, 16, 16, 3]) as tf.Tensor4D)).toThrow(/input must be \[n, h, w, 4\]/);
    disposeNetwork(det);
  });
});

describe('cross-modal attention', () => {
  it('is the identity with gamma = 0 (its initial value) and mixes once gamma != 0', () => {
    const f = new ParameterFactory('att_test', new Rng(1), 'he');
    const att = crossModalAttention(f, 'a', 16);
    expect(att.gamma.dataSync()[0]).toBe(0);
    tf.tidy(() => {
      const depthFeat = tf.randomNormal([2, 4, 4, 16], 0, 1, 'float32', 1) as tf.Tensor4D;
      const feat = tf.randomNormal([2, 4, 4, 16], 0, 1, 'float32', 2) as tf.Tensor4D;
      const { output, attention } = att.apply(depthFeat, feat);
      expect(output.dataSync()).toEqual(feat.dataSync());
      // Each query's attention over the 16 positions sums to 1.
      close(tf.sum(attention, 2).dataSync(), new Array(32).fill(1));
      att.gamma.assign(tf.tensor1d([0.5]));
      expect(meanAbsoluteError(att.apply(depthFeat, feat).output.dataSync(), feat.dataSync())).toBeGreaterThan(1e-3);
    });
    tf.dispose(Object.values(f.variables));
  });
});

describe('DaGAN model', () => {
  it('trains generator, keypoints and discriminator (with and without depth) without leaking tensors', () => {
    const v = syntheticTalkingHeads({ videos: 2, frames: 3, size: 16, seed: 1 });
    const clips = v.rgb.map((rgb) => ({ frames: 3, rgb }));
    const depth = depthNet({ seed: 1, width: 4, levels: 2 });
    const { extractor } = trainFeatureExtractor(clips, 16, { steps: 2, batchSize: 2, width: 4, seed: 2 });
    for (const useDepth of [true, false]) {
      const model = new DaganModel(
        { useDepth, numKp: 3, generatorWidth: 4, keypointWidth: 4, motionWidth: 4, discriminatorWidth: 4, discriminatorScales: [1, 0.5], pyramidLevels: 2, sigmaAffine: 0.05, learningRate: 1e-3, weights: { ...DAGAN_LOSS_WEIGHTS, pixel: useDepth ? 10 : 0 }, seed: 3 },
        depth,
        extractor,
      );
      expect(model.generator.attention !== undefined).toBe(useDepth);
      const rng = new Rng(4);
      const step = () => {
        const b = framePairs(clips, 16, 2, rng);
        const l = model.trainStep(b.source, b.driving);
        tf.dispose([b.source, b.driving]);
        return l;
      };
      step();
      const before = tf.memory().numTensors;
      const losses = [step(), step()];
      expect(tf.memory().numTensors).toBe(before);
      for (const l of losses) for (const x of Object.values(l)) expect(Number.isFinite(x)).toBe(true);
      // The pixel term is off at the official weight 0 and positive when weighted.
      expect(losses[0]!.pixel > 0).toBe(useDepth);
      model.dispose();
    }
    disposeNetwork(depth);
    disposeNetwork(extractor);
  }, 60_000);

  it('softmaxOver: values and its closed-form gradient y (dy - sum dy y) by hand', () => {
    tf.tidy(() => {
      // Over axis 1: [0, ln 3] -> [1/4, 3/4]; the second row is shifted by 100 (same softmax, no overflow).
      const x = tf.tensor2d([0, Math.log(3), 100, 100 + Math.log(3)], [2, 2]);
      close(softmaxOver(x, 1).dataSync(), [0.25, 0.75, 0.25, 0.75]);
      // d/dx sum(w y) with w = [1, 0] per row: y_i (w_i - sum_j w_j y_j) = [0.25 * 0.75, 0.75 * -0.25].
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(softmaxOver(t, 1), tf.tensor2d([1, 0, 1, 0], [2, 2]))))(x);
      close(g.dataSync(), [0.1875, -0.1875, 0.1875, -0.1875]);
      // Over two axes (positions of a heatmap): uniform input, uniform output 1/4.
      close(softmaxOver(tf.zeros([1, 2, 2, 1]), [1, 2]).dataSync(), [0.25, 0.25, 0.25, 0.25]);
    });
  });

  it('nearest 2x upsampling copies each pixel to a 2x2 block; its gradient sums each block (FOMM UpBlock2d)', () => {
    tf.tidy(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
      const y = upsampleNearest2x(x);
      expect(y.shape).toEqual([1, 4, 4, 2]);
      // Channel 0 of the 4x4 output, row by row.
      close(tf.reshape(tf.slice(y, [0, 0, 0, 0], [1, 4, 4, 1]), [16]).dataSync(), [1, 1, 3, 3, 1, 1, 3, 3, 10, 10, 30, 30, 10, 10, 30, 30]);
      // d/dx sum(w * up(x)) with w = position index 0..15 (channel 0): block sums 0+1+4+5 = 10, 2+3+6+7 = 18, 8+9+12+13 = 42, 10+11+14+15 = 50.
      const w = tf.reshape(tf.stack([tf.range(0, 16), tf.zeros([16])], 1), [1, 4, 4, 2]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(upsampleNearest2x(t as tf.Tensor4D), w)))(x);
      close(g.dataSync(), [10, 0, 18, 0, 42, 0, 50, 0]);
    });
  });

  it('with adversarialStart the first steps leave the discriminator alone and report no adversarial loss', () => {
    const v = syntheticTalkingHeads({ videos: 2, frames: 3, size: 16, seed: 1 });
    const clips = v.rgb.map((rgb) => ({ frames: 3, rgb }));
    const { extractor } = trainFeatureExtractor(clips, 16, { steps: 2, batchSize: 2, width: 4, seed: 2 });
    const model = new DaganModel(
      { useDepth: false, numKp: 3, generatorWidth: 4, keypointWidth: 4, motionWidth: 4, discriminatorWidth: 4, discriminatorScales: [1], pyramidLevels: 2, sigmaAffine: 0.05, learningRate: 1e-3, weights: DAGAN_LOSS_WEIGHTS, upsampling: 'nearest', adversarialStart: 2, seed: 3 },
      undefined,
      extractor,
    );
    const rng = new Rng(4);
    const dWeights = () => Object.values(model.discriminator.variables).flatMap((t) => Array.from(t.dataSync()));
    const d0 = dWeights();
    const step = () => {
      const b = framePairs(clips, 16, 2, rng);
      const l = model.trainStep(b.source, b.driving);
      tf.dispose([b.source, b.driving]);
      return l;
    };
    for (let i = 0; i < 2; i++) {
      const l = step();
      expect([l.generatorGan, l.featureMatching, l.discriminator]).toEqual([0, 0, 0]);
      expect(l.perceptual).toBeGreaterThan(0);
    }
    expect(dWeights()).toEqual(d0);
    const l = step();
    expect(l.generatorGan).toBeGreaterThan(0);
    expect(l.discriminator).toBeGreaterThan(0);
    expect(dWeights()).not.toEqual(d0);
    expect(model.steps).toBe(3);
    model.dispose();
    // milestones: the learning rate drops x0.1 after 1 step and again after 2.
    const decayed = new DaganModel({ ...model.config, adversarialStart: 0, milestones: [1, 2] }, undefined, extractor);
    const rates = [decayed.learningRate];
    for (let i = 0; i < 3; i++) {
      const b = framePairs(clips, 16, 2, rng);
      decayed.trainStep(b.source, b.driving);
      tf.dispose([b.source, b.driving]);
      rates.push(decayed.learningRate);
    }
    close(rates, [1e-3, 1e-3, 1e-4, 1e-5], 12);
    decayed.dispose();
    disposeNetwork(extractor);
  }, 60_000);

  it('generator output is an image of the source size; the depth path needs the source depth', () => {
    const g = daganGenerator({ numKp: 2, useDepth: true, width: 4, seed: 1 });
    const kp = () => ({ value: tf.tensor3d([[[0.2, 0.1], [-0.3, 0.4]]]), jacobian: tf.reshape(tf.tile(tf.eye(2), [2, 1]), [1, 2, 2, 2]) as tf.Tensor4D });
    tf.tidy(() => {
      const src = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const out = g.generate(src, kp(), kp(), tf.ones([1, 16, 16, 1]) as tf.Tensor4D);
      expect(out.prediction.shape).toEqual([1, 16, 16, 3]);
      // Same keypoints: every motion is the identity, so the flow is the identity grid whatever the masks.
      close(out.deformation.dataSync(), coordinateGrid(8, 8).dataSync(), 4);
      expect(() => g.generate(src, kp(), kp())).toThrow(/sourceDepth/);
    });
    disposeNetwork(g);
  });

  it('discriminator judges at every scale and refuses bad scales', () => {
    const d = multiScaleDiscriminator({ numKp: 2, width: 4, scales: [1, 0.5], seed: 1 });
    tf.tidy(() => {
      const out = d.judge(tf.zeros([2, 16, 16, 3]) as tf.Tensor4D, tf.zeros([2, 2, 2]) as tf.Tensor3D);
      expect(out.maps.map((m) => m.shape)).toEqual([[2, 2, 2, 1], [2, 1, 1, 1]]);
      expect(out.features[0]!.length).toBe(3);
    });
    expect(() => multiScaleDiscriminator({ numKp: 0, scales: [0.3], seed: 1 })).toThrow(/scales must be 1, 0.5/);
    disposeNetwork(d);
  });

  it('landmarks of a frontal head are symmetric about the centre', () => {
    const id = { ...randomIdentity(2), eyeSpacing: 0.35 };
    const l = headLandmarks(id, { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, tz: 0, mouth: 0.5 });
    expect(l[0]).toBeCloseTo(-l[2]!, 6);
    expect(l[1]).toBeCloseTo(l[3]!, 6);
    expect(l[4]).toBeCloseTo(0, 6);
    // Lips around the mouth line, the upper one higher (smaller y).
    expect(l[11]!).toBeLessThan(l[13]!);
  });
});
