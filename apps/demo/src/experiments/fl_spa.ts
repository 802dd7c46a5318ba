/**
 * fl-spa: FedSpa (Huang et al. 2022, arXiv:2201.11380), personalized sparse
 * masks with only active weights on the wire, against a dense FedAvg baseline
 * on Fashion-MNIST under a Dirichlet label skew. Every client is tested on
 * its own test split, drawn from its own label distribution.
 */
import { classCounts, labelsOf, loadFashionMnist, Rng, subset, tf, type Dataset } from '@proj/core';
import {
  accuracy,
  activeCount,
  Client,
  dirichletPartition,
  FedAvg,
  FedSpa,
  FedSpaClient,
  getParams,
  localTrain,
  ownTestSplits,
  paramsAccuracy,
  Server,
  setParams,
  type ModelFactory,
} from '@proj/fl';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult } from '../experiment.js';
import { numberOption } from '../options.js';
import { UsageError } from '../usage_error.js';

export interface FlSpaConfig {
  alpha: number;
  clients: number;
  frac: number;
  rounds: number;
  /** Share of kernel weights active in every client's mask (biases stay dense). */
  density: number;
  localEpochs: number;
  batchSize: number;
  lr: number;
  hidden: number;
  /** Test examples per client, drawn in proportion to its training labels. */
  testPerClient: number;
  trainLimit?: number;
  testLimit?: number;
}

/**
 * CI size, as the `fl` experiment's quick run: MLP 784-200-10, 10 clients on
 * 6,000 images, 3 per round, 20 rounds of 2 local epochs, SGD lr 0.1
 * (x0.998/round), batch 50, weight decay 1e-3. Density 0.3: with a 1-bit-per-
 * parameter mask on the uplink, 0.5 (the DisPFL default) would send slightly
 * more than half the dense bytes.
 */
export const FL_SPA_QUICK: FlSpaConfig = {
  alpha: 0.1,
  clients: 10,
  frac: 0.3,
  rounds: 20,
  density: 0.3,
  localEpochs: 2,
  batchSize: 50,
  lr: 0.1,
  hidden: 200,
  testPerClient: 200,
  trainLimit: 6000,
  testLimit: 10000,
};

/** 100 clients, 10% per round, 5 local epochs on all of Fashion-MNIST, 100 rounds. */
export const FL_SPA_FULL: FlSpaConfig = { ...FL_SPA_QUICK, clients: 100, frac: 0.1, rounds: 100, localEpochs: 5, trainLimit: undefined, testLimit: undefined };

function mlp(hidden: number, seed: number): tf.LayersModel {
  const rng = new Rng(seed);
  const dense = (units: number, activation: 'relu' | 'linear') =>
    tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.tfSeed() }) });
  return tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), dense(hidden, 'relu'), dense(10, 'linear')] });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function meanAccuracy(factory: ModelFactory, params: (k: number) => Float32Array, tests: Dataset[]): Promise<number> {
  const accs: number[] = [];
  for (let k = 0; k < tests.length; k++) accs.push(await paramsAccuracy(factory, params(k), tests[k]));
  return mean(accs);
}

export async function runFlSpa(ctx: ExperimentContext, cfg: FlSpaConfig): Promise<ExperimentResult> {
  const train = loadFashionMnist({ split: 'train', limit: cfg.trainLimit });
  const test = loadFashionMnist({ split: 'test', limit: cfg.testLimit });
  const root = new Rng(ctx.seed);
  const parts = dirichletPartition(labelsOf(train), cfg.clients, { alpha: cfg.alpha, minSize: 10, seed: root.split() });
  const locals = parts.map((idx) => subset(train, idx));
  const counts = locals.map((d) => classCounts(d));
  const tests = ownTestSplits(labelsOf(test), counts, cfg.testPerClient, root.split()).map((idx) => subset(test, idx));
  const initSeed = root.split().nextUint32();
  const factory: ModelFactory = () => mlp(cfg.hidden, initSeed);
  const first = factory();
  const initial = getParams(first);
  first.dispose();
  const trainCfg = { epochs: cfg.localEpochs, batchSize: cfg.batchSize, weightDecay: 1e-3, clipNorm: 10 };
  const serverSeed = root.split().nextUint32();
  const maskSeed = root.split();
  const perRound = Math.max(1, Math.round(cfg.frac * cfg.clients));
  ctx.log(`fl-spa: ${cfg.clients} clients, Dirichlet ${cfg.alpha}, ${perRound} per round, ${cfg.rounds} rounds, density ${cfg.density}`);
  const curve: CurvePoint[] = [];
  const t0 = performance.now();
  ctx.reporter.start(2 * cfg.rounds, 'rounds');
  try {
    // FedSpa.
    const spaClients = locals.map((d, k) => new FedSpaClient(k, d, factory, trainCfg, { density: cfg.density, seed: maskSeed.split() }));
    const fedspa = new FedSpa(spaClients, initial, { fraction: cfg.frac, lr: cfg.lr, lrDecay: 0.998, seed: serverSeed, rounds: cfg.rounds });
    await fedspa.run(cfg.rounds, () => ctx.reporter.tick({}));
    for (const r of fedspa.history) curve.push({ x: r.round + 1, y: r.bytes, series: 'fedspa' });
    const personalized = await meanAccuracy(factory, (k) => fedspa.personalized(k), tests);
    const active = mean(spaClients.map((c) => activeCount(c.mask) / initial.length));

    // Dense FedAvg with the same sampling, then each client fine-tunes the global model on its own data.
    const dense = new Server(
      locals.map((d, k) => new Client(k, d, factory, trainCfg)),
      new FedAvg(),
      initial,
      { fraction: cfg.frac, lr: cfg.lr, lrDecay: 0.998, seed: serverSeed },
    );
    await dense.run(cfg.rounds, () => ctx.reporter.tick({}));
    for (const r of dense.history) curve.push({ x: r.round + 1, y: r.bytes, series: 'fedavg' });
    const globalOwn = await meanAccuracy(factory, () => dense.global, tests);
    const lr = cfg.lr * Math.pow(0.998, cfg.rounds);
    const tuned: number[] = [];
    for (let k = 0; k < cfg.clients; k++) {
      const model = factory();
      try {
        setParams(model, dense.global);
        await localTrain(model, locals[k], { ...trainCfg, lr }, {}, root.split().tfSeed());
        tuned.push(await accuracy(model, tests[k]));
      } finally {
        model.dispose();
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const bytesPerRound = fedspa.bytesSent / cfg.rounds;
    const denseBytesPerRound = dense.bytesSent / cfg.rounds;
    ctx.log(`personalized ${personalized.toFixed(4)} (dense fine-tuned ${mean(tuned).toFixed(4)}, FedAvg global ${globalOwn.toFixed(4)}); bytes/round ${bytesPerRound} vs ${denseBytesPerRound}`);
    return {
      metrics: {
        personalized_acc: personalized,
        bytes_per_round: bytesPerRound,
        dense_personalized_acc: mean(tuned),
        dense_bytes_per_round: denseBytesPerRound,
        fedavg_global_acc_own: globalOwn,
        bytes_ratio: bytesPerRound / denseBytesPerRound,
        active_share: active,
        train_seconds: Math.round(seconds * 10) / 10,
      },
      curves: { 'bytes per round': curve },
      axes: { 'bytes per round': { x: 'round', y: 'bytes (both ways)' } },
      notes: [
        `Fashion-MNIST ${train.size} train images; ${cfg.clients} clients by Dirichlet(${cfg.alpha}); ${perRound} per round; each client tested on ${cfg.testPerClient} test images drawn from its own label distribution.`,
        `FedSpa: ERK masks at kernel density ${cfg.density}, prune 0.5 -> 0 (cosine) and gradient regrowth after local training, coordinate-wise average over covering masks; personalized model = global values under the client's mask.`,
        `Dense baseline: FedAvg with the same sampling, then ${cfg.localEpochs} local epochs of fine-tuning per client (dense_personalized_acc); fedavg_global_acc_own is FedAvg's global model on the same splits.`,
      ],
    };
  } finally {
    ctx.reporter.end();
  }
}

const string = (description: string) => ({ type: 'string' as const, description });

export const flSpa: Experiment = {
  name: 'fl-spa',
  package: '@proj/fl',
  description: 'FedSpa personalized sparse masks vs dense FedAvg (global and fine-tuned) on Fashion-MNIST, each client on its own test split',
  options: {
    alpha: string('Dirichlet concentration of the label skew (default 0.1)'),
    clients: string('number of clients (quick 10, full 100)'),
    frac: string('share of clients per round (quick 0.3, full 0.1)'),
    rounds: string('communication rounds (quick 20, full 100)'),
    density: string('share of kernel weights active per client (default 0.3)'),
  },
  run: (ctx) => {
    const base = ctx.quick ? FL_SPA_QUICK : FL_SPA_FULL;
    const int = (flag: string, fallback: number, min: number) => {
      const v = numberOption(ctx.options, flag, fallback);
      if (!Number.isInteger(v) || v < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got ${v}`);
      return v;
    };
    const alpha = numberOption(ctx.options, 'alpha', base.alpha);
    if (!(alpha > 0)) throw new UsageError(`--alpha must be > 0, got ${alpha}`);
    const frac = numberOption(ctx.options, 'frac', base.frac);
    if (!(frac > 0 && frac <= 1)) throw new UsageError(`--frac must be in (0, 1], got ${frac}`);
    const density = numberOption(ctx.options, 'density', base.density);
    if (!(density > 0 && density <= 1)) throw new UsageError(`--density must be in (0, 1], got ${density}`);
    return runFlSpa(ctx, { ...base, alpha, frac, density, clients: int('clients', base.clients, 1), rounds: int('rounds', base.rounds, 1) });
  },
};
