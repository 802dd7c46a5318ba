/**
 * fl: federated learning on Fashion-MNIST with a Dirichlet label skew, one of
 * FedAvg / FedProx / FedDyn / SCAFFOLD, optionally wrapped by FedFTG's
 * server-side data-free fine-tuning (Zhang et al., CVPR 2022,
 * arXiv:2203.09249). Reports the global model's test accuracy per round.
 */
import { labelsOf, loadFashionMnist, Rng, subset, tf } from '@proj/core';
import {
  Client,
  conditionalMlpGenerator,
  dirichletPartition,
  FedAvg,
  FedDyn,
  FedFTG,
  FedProx,
  getParams,
  paramsAccuracy,
  Scaffold,
  Server,
  type Strategy,
} from '@proj/fl';
import { buildMnistCnn } from './core_mnist.js';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult } from '../experiment.js';
import { numberOption } from '../options.js';
import { UsageError } from '../usage_error.js';

export const FL_ALGOS = ['fedavg', 'fedprox', 'feddyn', 'scaffold'] as const;
export type FlAlgo = (typeof FL_ALGOS)[number];

export interface FlConfig {
  algo: FlAlgo;
  ftg: boolean;
  /** Dirichlet concentration of the label skew. */
  alpha: number;
  clients: number;
  /** Share of clients per round. */
  frac: number;
  rounds: number;
  localEpochs: number;
  batchSize: number;
  /** Local SGD step size at round 0 (decays by 0.998 per round, as in the FedFTG code). */
  lr: number;
  /** FedFTG's generator: the official convolutional one at width `ngf` (64 there), or the dense stand-in. */
  generator: { kind: 'conv'; ngf: number } | { kind: 'mlp'; hidden: number };
  /** First n train / test images (all when absent). */
  trainLimit?: number;
  testLimit?: number;
  /** The classifier: the strided CNN of core-mnist, or an MLP 784-hidden-10. */
  net: { kind: 'cnn'; filters: [number, number]; hidden: number } | { kind: 'mlp'; hidden: number };
}

/**
 * CI size: 10 clients on 6,000 images, 3 per round, 20 rounds of 2 local
 * epochs; an MLP 784-200-10 and FedFTG's dense generator stand-in (on a
 * loaded 2-core CPU one FedFTG iteration with the CNN and the convolutional
 * generator took ~7 s, i.e. over a minute per round). Everything else
 * follows the FedFTG code: SGD lr 0.1 decaying 0.998/round, batch 50,
 * weight decay 1e-3, 10 x (1 generator, 5 student) iterations.
 */
export const FL_QUICK: Omit<FlConfig, 'algo' | 'ftg' | 'alpha'> = {
  clients: 10,
  frac: 0.3,
  rounds: 20,
  localEpochs: 2,
  batchSize: 50,
  lr: 0.1,
  generator: { kind: 'mlp', hidden: 128 },
  trainLimit: 6000,
  testLimit: 2000,
  net: { kind: 'mlp', hidden: 200 },
};

/** The FedFTG setup (100 clients, 10% per round, 5 local epochs) on all of Fashion-MNIST, 100 rounds. */
export const FL_FULL: Omit<FlConfig, 'algo' | 'ftg' | 'alpha'> = {
  clients: 100,
  frac: 0.1,
  rounds: 100,
  localEpochs: 5,
  batchSize: 50,
  lr: 0.1,
  generator: { kind: 'conv', ngf: 64 },
  net: { kind: 'cnn', filters: [16, 32], hidden: 128 },
};

export function buildNet(net: FlConfig['net'], rng: Rng): tf.LayersModel {
  if (net.kind === 'cnn') return buildMnistCnn(net, rng);
  const dense = (units: number, activation: 'relu' | 'linear') =>
    tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.tfSeed() }) });
  return tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), dense(net.hidden, 'relu'), dense(10, 'linear')] });
}

export function makeStrategy(algo: FlAlgo): Strategy {
  switch (algo) {
    case 'fedavg':
      return new FedAvg();
    case 'fedprox':
      return new FedProx();
    case 'feddyn':
      return new FedDyn();
    case 'scaffold':
      return new Scaffold();
  }
}

/** Mean of the last n values (all when fewer). */
export function meanOfLast(values: number[], n: number): number {
  const tail = values.slice(-n);
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** The train and test images a configuration uses (the first `trainLimit` / `testLimit`, or all). */
export interface FlData {
  train: ReturnType<typeof loadFashionMnist>;
  test: ReturnType<typeof loadFashionMnist>;
}

export function loadFlData(cfg: Pick<FlConfig, 'trainLimit' | 'testLimit'>): FlData {
  return { train: loadFashionMnist({ split: 'train', limit: cfg.trainLimit }), test: loadFashionMnist({ split: 'test', limit: cfg.testLimit }) };
}

/** What one federation run produced: the global test accuracy after each round. */
export interface FlRun {
  /** The strategy's name, e.g. `FedFTG(FedAvg)`. */
  name: string;
  accs: number[];
  bytesSent: number;
  seconds: number;
}

/** One seeded federation on `data`: partition, clients, strategy (FedFTG-wrapped if asked), server, all rounds. */
export async function federate(ctx: ExperimentContext, cfg: FlConfig, data: FlData): Promise<FlRun> {
  const { train, test } = data;
  const root = new Rng(ctx.seed);
  const labels = labelsOf(train);
  const parts = dirichletPartition(labels, cfg.clients, { alpha: cfg.alpha, minSize: 10, seed: root.split() });
  const initSeed = root.split().nextUint32();
  // Every model of the run is built with the same seeded init; only the server's initial copy matters.
  const modelFactory = (): tf.LayersModel => buildNet(cfg.net, new Rng(initSeed));
  const trainCfg = { epochs: cfg.localEpochs, batchSize: cfg.batchSize, weightDecay: 1e-3, clipNorm: 10 };
  const clients = parts.map((idx, k) => new Client(k, subset(train, idx), modelFactory, trainCfg));
  const base = makeStrategy(cfg.algo);
  const strategy = cfg.ftg
    ? new FedFTG(base, modelFactory, {
        numClasses: 10,
        imageShape: [28, 28, 1],
        batchSize: cfg.batchSize,
        seed: root.split().nextUint32(),
        ...(cfg.generator.kind === 'conv'
          ? { ngf: cfg.generator.ngf }
          : { generator: (rng: Rng) => conditionalMlpGenerator({ noiseDim: 100, numClasses: 10, imageShape: [28, 28, 1], hidden: (cfg.generator as { hidden: number }).hidden, seed: rng }) }),
      })
    : base;
  const first = modelFactory();
  const initial = getParams(first);
  first.dispose();
  const server = new Server(clients, strategy, initial, {
    fraction: cfg.frac,
    lr: cfg.lr,
    lrDecay: 0.998,
    seed: root.split().nextUint32(),
    evaluate: async (g) => ({ test_acc: await paramsAccuracy(modelFactory, g, test) }),
  });
  const sizes = parts.map((p) => p.length);
  ctx.log(
    `fl: ${strategy.name}, ${cfg.clients} clients (sizes ${Math.min(...sizes)}-${Math.max(...sizes)}) on ${train.size} images, ` +
      `Dirichlet alpha ${cfg.alpha}, ${Math.round(cfg.frac * cfg.clients)} per round, ${cfg.rounds} rounds`,
  );
  const t0 = performance.now();
  const accs: number[] = [];
  ctx.reporter.start(cfg.rounds, 'rounds');
  try {
    await server.run(cfg.rounds, (r) => {
      accs.push(r.metrics.test_acc);
      ctx.reporter.tick({ acc: r.metrics.test_acc });
      if ((r.round + 1) % 5 === 0) ctx.log(`round ${r.round + 1}: test accuracy ${r.metrics.test_acc.toFixed(4)}`);
    });
  } finally {
    ctx.reporter.end();
    if (strategy instanceof FedFTG) strategy.dispose();
  }
  return { name: strategy.name, accs, bytesSent: server.bytesSent, seconds: (performance.now() - t0) / 1000 };
}

/** The setup lines of a report on federations of `cfg` at the Dirichlet concentrations `alphas`. */
export function flNotes(cfg: Omit<FlConfig, 'algo' | 'ftg' | 'alpha'>, data: FlData, alphas: readonly number[], ftg: boolean): string[] {
  return [
    `Fashion-MNIST ${data.train.size} train / ${data.test.size} test images; ${cfg.clients} clients by Dirichlet(${alphas.join(' or ')}) label skew; ${Math.round(cfg.frac * cfg.clients)} clients per round.`,
    `Local SGD lr ${cfg.lr} (x0.998 per round), ${cfg.localEpochs} epochs, batch ${cfg.batchSize}, weight decay 1e-3; final_acc is the mean global test accuracy of the last 5 rounds.`,
    ...(ftg ? [`FedFTG: ${cfg.generator.kind} conditional generator, 10 x (1 generator pass over the teachers, 5 student steps) per round.`] : []),
  ];
}

export async function runFl(ctx: ExperimentContext, cfg: FlConfig): Promise<ExperimentResult> {
  const data = loadFlData(cfg);
  const run = await federate(ctx, cfg, data);
  const curve: CurvePoint[] = run.accs.map((y, i) => ({ x: i + 1, y, series: run.name }));
  return {
    metrics: {
      final_acc: meanOfLast(run.accs, 5),
      best_acc: Math.max(...run.accs),
      bytes_sent: run.bytesSent,
      train_seconds: Math.round(run.seconds * 10) / 10,
    },
    curves: { 'global test accuracy': curve },
    axes: { 'global test accuracy': { x: 'round', y: 'test accuracy' } },
    notes: flNotes(cfg, data, [cfg.alpha], cfg.ftg),
  };
}

const string = (description: string, extra: { default?: string; choices?: readonly string[] } = {}) => ({ type: 'string' as const, description, ...extra });

export const fl: Experiment = {
  name: 'fl',
  package: '@proj/fl',
  description: 'Federated Fashion-MNIST under Dirichlet label skew: FedAvg/FedProx/FedDyn/SCAFFOLD, with or without FedFTG fine-tuning',
  options: {
    algo: string('base strategy', { default: 'fedavg', choices: FL_ALGOS }),
    ftg: { type: 'boolean', description: 'wrap the strategy in FedFTG (server-side data-free fine-tuning)', default: false },
    alpha: string('Dirichlet concentration of the label skew (default 0.1)'),
    clients: string('number of clients (quick 10, full 100)'),
    frac: string('share of clients per round (quick 0.3, full 0.1)'),
    rounds: string('communication rounds (quick 20, full 100)'),
  },
  run: (ctx) => {
    const base = ctx.quick ? FL_QUICK : FL_FULL;
    const int = (flag: string, fallback: number, min: number) => {
      const v = numberOption(ctx.options, flag, fallback);
      if (!Number.isInteger(v) || v < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got ${v}`);
      return v;
    };
    const alpha = numberOption(ctx.options, 'alpha', 0.1);
    if (!(alpha > 0)) throw new UsageError(`--alpha must be > 0, got ${alpha}`);
    const frac = numberOption(ctx.options, 'frac', base.frac);
    if (!(frac > 0 && frac <= 1)) throw new UsageError(`--frac must be in (0, 1], got ${frac}`);
    return runFl(ctx, {
      ...base,
      algo: ctx.options.algo as FlAlgo,
      ftg: ctx.options.ftg === true,
      alpha,
      frac,
      clients: int('clients', base.clients, 1),
      rounds: int('rounds', base.rounds, 1),
    });
  },
};
