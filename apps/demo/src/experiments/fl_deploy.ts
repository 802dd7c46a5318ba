/**
 * fl-server / fl-client: the federation of `fl` deployed over gRPC on
 * loopback or a network. The server process holds the strategy and the
 * global model and evaluates on the test set; each client process loads
 * Fashion-MNIST, keeps only its own Dirichlet partition and trains it when
 * asked. Both derive the partition and the initial model from --seed,
 * --alpha, --clients and --quick exactly as `fl` does, so the deployment with
 * no failures reproduces `fl` (without --ftg) at --frac 1.
 */
import { labelsOf, loadFashionMnist, Rng, subset, tf } from '@proj/core';
import { Client, dirichletPartition, FederationServer, getParams, joinFederation, paramsAccuracy, type Partition } from '@proj/fl';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult } from '../experiment.js';
import { intOption, numberOption, stringOption } from '../options.js';
import { UsageError } from '../usage_error.js';
import { buildNet, FL_ALGOS, FL_FULL, FL_QUICK, makeStrategy, meanOfLast, type FlAlgo, type FlConfig } from './fl.js';

export type FlDeployConfig = Pick<FlConfig, 'alpha' | 'clients' | 'rounds' | 'localEpochs' | 'batchSize' | 'lr' | 'trainLimit' | 'testLimit' | 'net'>;

/** The random choices of `runFl` in the same order: partition, then model init, then (without FTG) the server's seed. */
function federationSetup(seed: number, cfg: FlDeployConfig) {
  const train = loadFashionMnist({ split: 'train', limit: cfg.trainLimit });
  const root = new Rng(seed);
  const parts: Partition = dirichletPartition(labelsOf(train), cfg.clients, { alpha: cfg.alpha, minSize: 10, seed: root.split() });
  const initSeed = root.split().nextUint32();
  const serverSeed = root.split().nextUint32();
  const modelFactory = (): tf.LayersModel => buildNet(cfg.net, new Rng(initSeed));
  return { train, parts, modelFactory, serverSeed };
}

export interface FlServerConfig extends FlDeployConfig {
  algo: FlAlgo;
  frac: number;
  /** "host:port"; port 0 picks a free one (reported through `onListen`). */
  address: string;
  minClients: number;
  timeoutMs: number;
  checkpoint?: string;
  onListen?: (port: number) => void;
}

export async function runFlServer(ctx: ExperimentContext, cfg: FlServerConfig): Promise<ExperimentResult> {
  const { modelFactory, serverSeed } = federationSetup(ctx.seed, cfg);
  const test = loadFashionMnist({ split: 'test', limit: cfg.testLimit });
  const first = modelFactory();
  const initial = getParams(first);
  first.dispose();
  const strategy = makeStrategy(cfg.algo);
  const fs = await FederationServer.listen(cfg.address, strategy, initial, {
    numClients: cfg.clients,
    minClients: cfg.minClients,
    timeoutMs: cfg.timeoutMs,
    checkpoint: cfg.checkpoint,
    fraction: cfg.frac,
    lr: cfg.lr,
    lrDecay: 0.998,
    seed: serverSeed,
    evaluate: async (g) => ({ test_acc: await paramsAccuracy(modelFactory, g, test) }),
    log: ctx.log,
  });
  cfg.onListen?.(fs.port);
  const t0 = performance.now();
  const curve: CurvePoint[] = [];
  try {
    await fs.run(cfg.rounds, (r) => {
      curve.push({ x: r.round + 1, y: r.metrics.test_acc, series: strategy.name });
      ctx.log(`round ${r.round + 1}: test accuracy ${r.metrics.test_acc.toFixed(4)}, clients ${r.clients.join(',')}${r.failed.length ? `, left out ${r.failed.join(',')}` : ''}`);
    });
  } finally {
    await fs.close();
  }
  const history = fs.server.history;
  return {
    metrics: {
      final_acc: meanOfLast(history.map((r) => r.metrics.test_acc), 5),
      rounds: history.length,
      failed_updates: history.reduce((s, r) => s + r.failed.length, 0),
      bytes_sent: fs.server.bytesSent,
      train_seconds: Math.round((performance.now() - t0) / 100) / 10,
    },
    curves: { 'global test accuracy': curve },
    axes: { 'global test accuracy': { x: 'round', y: 'test accuracy' } },
    notes: [`gRPC server on port ${fs.port}: ${strategy.name}, ${cfg.clients} clients, ${cfg.rounds} rounds, per-round client timeout ${cfg.timeoutMs / 1000} s.`],
  };
}

export interface FlClientConfig extends FlDeployConfig {
  server: string;
  id: number;
}

export async function runFlClient(ctx: ExperimentContext, cfg: FlClientConfig): Promise<ExperimentResult> {
  if (cfg.id >= cfg.clients) throw new UsageError(`--id must be in 0..${cfg.clients - 1}, got ${cfg.id}`);
  const { train, parts, modelFactory } = federationSetup(ctx.seed, cfg);
  const trainCfg = { epochs: cfg.localEpochs, batchSize: cfg.batchSize, weightDecay: 1e-3, clipNorm: 10 };
  const client = new Client(cfg.id, subset(train, parts[cfg.id]), modelFactory, trainCfg);
  ctx.log(`fl-client ${cfg.id}: ${client.info.numExamples} examples, joining ${cfg.server}`);
  const t0 = performance.now();
  const rounds = await joinFederation(cfg.server, client, { log: ctx.log, connectTimeoutMs: 60_000 }).done;
  return {
    metrics: { rounds_trained: rounds, examples: client.info.numExamples, train_seconds: Math.round((performance.now() - t0) / 100) / 10 },
    notes: [`client ${cfg.id} of ${cfg.clients} trained ${rounds} rounds for ${cfg.server}.`],
  };
}

const string = (description: string, extra: { default?: string; choices?: readonly string[] } = {}) => ({ type: 'string' as const, description, ...extra });

/** The flags server and clients must agree on, read the same way. */
function deployConfig(ctx: ExperimentContext): FlDeployConfig {
  const base = ctx.quick ? FL_QUICK : FL_FULL;
  const alpha = numberOption(ctx.options, 'alpha', 0.1);
  if (!(alpha > 0)) throw new UsageError(`--alpha must be > 0, got ${alpha}`);
  return { ...base, alpha, clients: intOption(ctx.options, 'clients', 4, 1), rounds: intOption(ctx.options, 'rounds', base.rounds, 1) };
}

const shared = {
  clients: string('number of clients K (default 4); server and clients must agree, as on --alpha, --seed and --quick'),
  alpha: string('Dirichlet concentration of the label skew (default 0.1)'),
};

export const flServer: Experiment = {
  name: 'fl-server',
  package: '@proj/fl',
  description: 'Federated Fashion-MNIST, deployed: the gRPC server (run fl-client processes against it)',
  options: {
    port: string('port to listen on (0 = any free port)', { default: '50051' }),
    ...shared,
    rounds: string('communication rounds (quick 20, full 100)'),
    algo: string('strategy', { default: 'fedavg', choices: FL_ALGOS }),
    frac: string('share of clients per round (default 1)'),
    min: string('clients that must join before round 1 (default all K)'),
    timeout: string('seconds a client may take for one round before it is left out (default 120)'),
    checkpoint: string('checkpoint file, written after every round and resumed from when present'),
  },
  run: (ctx) => {
    const cfg = deployConfig(ctx);
    const frac = numberOption(ctx.options, 'frac', 1);
    if (!(frac > 0 && frac <= 1)) throw new UsageError(`--frac must be in (0, 1], got ${frac}`);
    const timeout = numberOption(ctx.options, 'timeout', 120);
    if (!(timeout > 0)) throw new UsageError(`--timeout must be > 0 seconds, got ${timeout}`);
    return runFlServer(ctx, {
      ...cfg,
      algo: ctx.options.algo as FlAlgo,
      frac,
      address: `0.0.0.0:${intOption(ctx.options, 'port', 50051, 0)}`,
      minClients: intOption(ctx.options, 'min', cfg.clients, 1),
      timeoutMs: timeout * 1000,
      checkpoint: ctx.options.checkpoint as string | undefined,
    });
  },
};

export const flClient: Experiment = {
  name: 'fl-client',
  package: '@proj/fl',
  description: 'Federated Fashion-MNIST, deployed: one gRPC client (trains its own partition for fl-server)',
  options: {
    server: string('HOST:PORT of the fl-server', { default: 'localhost:50051' }),
    id: string('this client\'s id in 0..K-1', { default: '0' }),
    ...shared,
  },
  run: (ctx) => runFlClient(ctx, { ...deployConfig(ctx), server: stringOption(ctx.options, 'server', 'localhost:50051'), id: intOption(ctx.options, 'id', 0, 0) }),
};
