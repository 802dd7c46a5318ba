/**
 * unlearnable: the two effects of Fu et al. 2022 (arXiv:2203.14533) on the
 * real Fashion-MNIST images with a small CNN. A data owner adds defensive
 * noise to the training images (EM: Huang et al. 2021's error-minimizing
 * noise; REM-r: robust error-minimizing noise made against adversarial
 * training at radius r/255); a data user trains a fresh model on the
 * protected images by standard training or PGD adversarial training at
 * radius 2/255 or 4/255, and we report its accuracy on the clean test images
 * (lower = better protection). Claims: EM defeats standard training but not
 * adversarial training; REM with rho_a >= the trainer's radius still does.
 */
import { loadFashionMnist, Rng, type Dataset, type tf } from '@proj/core';
import {
  accuracy,
  EM_SAMPLE_WISE,
  errorMinimizingNoise,
  madryPgd,
  ProtectedDataset,
  quantizeNoise,
  REM_OFFICIAL,
  robustErrorMinimizingNoise,
  SMALL_SHIFT_FLIP,
  trainClassifier,
  type EmConfig,
  type QuantizedNoise,
  type RemConfig,
  type TrainerConfig,
} from '@proj/unlearnable';
import { buildMnistCnn } from './core_mnist.js';
import { buildSmallVgg, type SmallVggConfig } from './small_vgg.js';
import type { Experiment, ExperimentContext, ExperimentResult } from '../experiment.js';

/** A noise of the grid: clean data, EM, or REM with adversarial radius rho_a (pixel units). */
export type NoiseName = 'clean' | 'em' | 'rem0' | 'rem2' | 'rem4';
/** std = standard training; atR = PGD adversarial training at radius R/255. */
export type TrainerName = 'std' | 'at2' | 'at4';

export type UnlearnableNet = { kind: 'cnn'; filters: [number, number]; batchNorm: boolean } | ({ kind: 'vgg' } & SmallVggConfig);

export interface UnlearnableConfig {
  trainSize: number;
  testSize: number;
  /** The network of the noise generator and of the data user alike: the two-conv CNN of core-mnist, or a small VGG. */
  net: UnlearnableNet;
  /** Which (noise, trainer) cells to run. */
  grid: Array<[NoiseName, TrainerName[]]>;
  /** The data user's training; adversarial trainers attack with `attackSteps` PGD steps of 2r/steps. */
  trainer: Omit<TrainerConfig, 'adversary'>;
  attackSteps: number;
  em: EmConfig;
  /** REM settings; the adversary radius comes from the noise name. */
  rem: RemConfig;
  remAttackSteps: number;
}

// The official SGD (Huang et al.; Fu et al.). With batch norm the VGG trains at lr 0.1; at 0.05 a class-wise 8/255 pattern cost it 30 points instead of 45 (packages/unlearnable/README.md).
const SGD = { learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 };

/**
 * CI-sized: 5,000 training images. Fewer images hide the effects: with 2,000
 * the generator's 10 model steps per round are 0.64 epochs and EM noise was
 * no shortcut (packages/unlearnable/README.md).
 * The network is a small VGG with batch norm (6 convs, 8-16-32 filters):
 * against the two-conv CNN of core-mnist no noise of 8/255 is a shortcut on
 * Fashion-MNIST, not even a perfectly separable class-wise pattern, since
 * that CNN learns the images' class signal (3-9x the noise budget in L2) as
 * fast; the deeper net with batch norm picks up such a pattern first
 * (packages/unlearnable/README.md, "Which networks take the shortcut").
 * Scaled down from the official CIFAR-10
 * settings where the cost multiplies: EM 10 PGD steps of 1.6/255 (the
 * official repo's gen_em.sh) instead of Huang et al.'s 20 of 0.8/255; REM 5
 * defensive steps of 3.2/255 (official 10 of 1.6), 4 adversarial steps of
 * rho_a/2 (official 10 of rho_a/5), 1 EOT sample (official 5). REM keeps
 * the official 12.8 epochs and re-makes a batch's noise every 10th step.
 * The trainers attack with 5 PGD steps instead of 10.
 */
export const UNLEARNABLE_QUICK: UnlearnableConfig = {
  trainSize: 5000,
  testSize: 2000,
  net: { kind: 'vgg', widths: [8, 16, 32], convsPerStage: 2 },
  grid: [
    ['clean', ['std']],
    ['em', ['std', 'at4']],
    ['rem4', ['at4']],
  ],
  trainer: { ...SGD, epochs: 10, batchSize: 128, decayEvery: 0.4 },
  attackSteps: 5,
  em: { ...EM_SAMPLE_WISE, ...SGD, noise: { radius: 8, steps: 10, stepSize: 1.6, randomStart: true }, maxRounds: 15 },
  rem: {
    ...REM_OFFICIAL,
    ...SGD,
    defense: { radius: 8, steps: 5, stepSize: 3.2, randomStart: true },
    eotSamples: 1,
    augment: SMALL_SHIFT_FLIP,
  },
  remAttackSteps: 4,
};

/** The paper's grid (every noise under every trainer) on 10,000 images with the official step counts. */
export const UNLEARNABLE_FULL: UnlearnableConfig = {
  ...UNLEARNABLE_QUICK,
  trainSize: 10000,
  testSize: 10000,
  grid: (['clean', 'em', 'rem0', 'rem2', 'rem4'] as const).map((n) => [n, ['std', 'at2', 'at4']]),
  trainer: { ...UNLEARNABLE_QUICK.trainer, epochs: 15 },
  attackSteps: 10,
  em: { ...UNLEARNABLE_QUICK.em, noise: EM_SAMPLE_WISE.noise },
  rem: { ...REM_OFFICIAL, ...SGD, augment: SMALL_SHIFT_FLIP, eotSamples: 2 },
  remAttackSteps: 10,
};

const TRAINER_RADIUS: Record<TrainerName, number> = { std: 0, at2: 2, at4: 4 };

function buildNet(net: UnlearnableNet, rng: Rng): tf.Sequential {
  return net.kind === 'cnn' ? buildMnistCnn({ filters: net.filters, hidden: 0, batchNorm: net.batchNorm }, rng) : buildSmallVgg(net, rng);
}

function describeNet(net: UnlearnableNet): string {
  if (net.kind === 'cnn') return `small CNN conv5x5/2(${net.filters[0]}) > conv5x5/2(${net.filters[1]}) > dense(10)${net.batchNorm ? ', batch norm after each conv' : ''}`;
  return `small VGG: ${net.widths.map((w) => `${net.convsPerStage} x conv3x3(${w})-BN-relu`).join(' > maxpool2 > ')} > global average pool > dense(10)`;
}

/** Makes one noise on `train` with a fresh generator network. */
function makeNoise(name: Exclude<NoiseName, 'clean'>, train: Dataset, cfg: UnlearnableConfig, rng: Rng, ctx: ExperimentContext): { noise: QuantizedNoise; info: Record<string, number> } {
  const generator = buildNet(cfg.net, rng.split());
  try {
    const t0 = performance.now();
    if (name === 'em') {
      const r = errorMinimizingNoise(generator, train, cfg.em, rng.split(), ctx.reporter);
      ctx.log(`em: ${r.trainError.length} rounds, training error on the noisy data ${r.trainError.map((e) => e.toFixed(3)).join(' ')}${r.converged ? '' : ' (did not reach the stop criterion)'}`);
      return { noise: quantizeNoise(r.noise, cfg.em.noise.radius), info: { em_rounds: r.trainError.length, em_seconds: (performance.now() - t0) / 1000 } };
    }
    const rhoA = Number(name.slice(3));
    const rem: RemConfig = { ...cfg.rem, adversary: madryPgd(rhoA, cfg.remAttackSteps) };
    const r = robustErrorMinimizingNoise(generator, train, rem, rng.split(), ctx.reporter);
    const tail = r.loss.slice(-10);
    ctx.log(`${name}: ${r.steps} generator steps, final adversarial loss ${(tail.reduce((a, b) => a + b, 0) / tail.length).toFixed(3)}`);
    return { noise: quantizeNoise(r.noise, cfg.rem.defense.radius), info: { [`${name}_seconds`]: (performance.now() - t0) / 1000 } };
  } finally {
    generator.dispose();
  }
}

export async function runUnlearnable(ctx: ExperimentContext, cfg: UnlearnableConfig): Promise<ExperimentResult> {
  const root = new Rng(ctx.seed);
  const train = loadFashionMnist({ split: 'train', limit: cfg.trainSize });
  const test = loadFashionMnist({ split: 'test', limit: cfg.testSize });
  ctx.log(`data: ${train.size} Fashion-MNIST training images, ${test.size} test images`);
  const metrics: Record<string, number> = {};
  const notes: string[] = [];
  const t0 = performance.now();
  for (const [noiseName, trainers] of cfg.grid) {
    const noiseRng = root.split();
    let data: Dataset = train;
    if (noiseName !== 'clean') {
      const { noise, info } = makeNoise(noiseName, train, cfg, noiseRng, ctx);
      Object.assign(metrics, info);
      data = new ProtectedDataset(train, noise);
    }
    for (const trainerName of trainers) {
      const radius = TRAINER_RADIUS[trainerName];
      const trainerRng = noiseRng.split();
      const model = buildNet(cfg.net, trainerRng.split());
      try {
        const tc: TrainerConfig = { ...cfg.trainer, ...(radius > 0 ? { adversary: madryPgd(radius, cfg.attackSteps) } : {}) };
        await trainClassifier(model, data, tc, trainerRng.split(), ctx.reporter);
        const acc = accuracy(model, test);
        metrics[`acc_${noiseName}_${trainerName}`] = acc;
        ctx.log(`acc_${noiseName}_${trainerName} = ${acc.toFixed(4)}`);
      } finally {
        model.dispose();
      }
    }
  }
  metrics.total_seconds = (performance.now() - t0) / 1000;
  metrics.train_examples = train.size;
  metrics.test_examples = test.size;
  const m = (k: string) => metrics[k];
  if (m('acc_clean_std') !== undefined && m('acc_em_std') !== undefined) {
    notes.push(`EM defeats standard training (acc_em_std <= acc_clean_std / 2): ${m('acc_em_std') <= m('acc_clean_std') / 2 ? 'held' : 'did not hold'}.`);
  }
  if (m('acc_em_at4') !== undefined && m('acc_em_std') !== undefined) {
    notes.push(`Adversarial training at 4/255 recovers from EM (acc_em_at4 >= acc_em_std + 0.20): ${m('acc_em_at4') >= m('acc_em_std') + 0.2 ? 'held' : 'did not hold'}.`);
  }
  if (m('acc_rem4_at4') !== undefined && m('acc_em_at4') !== undefined) {
    notes.push(`REM-4 resists adversarial training at 4/255 (acc_rem4_at4 <= acc_em_at4 - 0.15): ${m('acc_rem4_at4') <= m('acc_em_at4') - 0.15 ? 'held' : 'did not hold'}.`);
  }
  notes.push(
    `Network (generator and data user): ${describeNet(cfg.net)}; noise radius 8/255 stored as int8 pixel units; trainers: SGD momentum ${cfg.trainer.momentum}, lr ${cfg.trainer.learningRate} x0.1 at 40%/80%, ${cfg.trainer.epochs} epochs, ${cfg.trainer.augment ? 'random shifts and flips' : 'no augmentation'}, PGD ${cfg.attackSteps} steps of 2r/${cfg.attackSteps}.`,
  );
  return { metrics, notes };
}

export const unlearnable: Experiment = {
  name: 'unlearnable',
  package: '@proj/unlearnable',
  description: 'EM vs REM noise on Fashion-MNIST: clean test accuracy of standard and adversarial training on protected data',
  run: (ctx) => runUnlearnable(ctx, ctx.quick ? UNLEARNABLE_QUICK : UNLEARNABLE_FULL),
};
