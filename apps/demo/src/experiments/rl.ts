/**
 * rl: primal-dual actor-critic (PDAC, arXiv:2202.13863) and its baselines A2C
 * and PPO on Gymnasium's control tasks, all through @proj/rl's one training
 * loop with the environment's preset (same step budget, discount and GAE
 * lambda for every algorithm). Reports the deterministic policy's return,
 * learning curves per seed with a min-max band of the evaluations, and the
 * decay of the gradient norms that the paper's convergence rate bounds.
 */
import {
  ALGORITHM_NAMES,
  ENV_NAMES,
  makeEnv,
  RL_PRESETS,
  trainAgent,
  type AlgorithmConfig,
  type AlgorithmName,
  type EnvName,
  type TrainAgentResult,
} from '@proj/rl';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult } from '../experiment.js';
import { intOption, stringOption } from '../options.js';

export interface RlRunConfig {
  algo: AlgorithmName;
  env: EnvName;
  /** Environment steps per seed. */
  steps: number;
  seeds: number;
  /** Deterministic evaluations during training (10 episodes each), besides the final one. */
  evaluations: number;
}

/** Points of the learning curve per seed: training episodes binned by step. */
const CURVE_BINS = 20;

const mean = (a: readonly number[]) => a.reduce((s, x) => s + x, 0) / a.length;

/** Mean return of the training episodes in each of `bins` equal step ranges (empty ranges carry the previous value). */
export function binnedReturns(run: Pick<TrainAgentResult, 'episodes'>, totalSteps: number, bins: number): { x: number; y: number }[] {
  const sums = new Float64Array(bins);
  const counts = new Int32Array(bins);
  for (const e of run.episodes) {
    const b = Math.min(bins - 1, Math.floor(((e.steps - 1) / totalSteps) * bins));
    sums[b] += e.ret;
    counts[b]++;
  }
  const out: { x: number; y: number }[] = [];
  let last = NaN;
  for (let b = 0; b < bins; b++) {
    if (counts[b] > 0) last = sums[b] / counts[b];
    if (!Number.isNaN(last)) out.push({ x: Math.round(((b + 1) * totalSteps) / bins), y: last });
  }
  return out;
}

export async function runRl(ctx: ExperimentContext, cfg: RlRunConfig): Promise<ExperimentResult> {
  const preset = RL_PRESETS[cfg.env];
  const runs: TrainAgentResult[] = [];
  const seconds: number[] = [];
  try {
    for (let i = 0; i < cfg.seeds; i++) {
      const seed = ctx.seed + i;
      const t0 = performance.now();
      const run = await trainAgent({
        makeEnv: () => makeEnv(cfg.env),
        algorithm: { name: cfg.algo, config: preset[cfg.algo] } as AlgorithmConfig,
        totalSteps: cfg.steps,
        numEnvs: preset.numEnvs,
        gamma: preset.gamma,
        lambda: preset.lambda,
        normalizeObservations: preset.normalizeObservations,
        normalizeRewards: preset.normalizeRewards,
        seed,
        evaluations: cfg.evaluations,
        reporter: ctx.reporter,
      });
      seconds.push((performance.now() - t0) / 1000);
      runs.push(run);
      ctx.log(`seed ${seed}: final return ${mean(run.finalReturns).toFixed(1)} after ${run.collector.steps} steps, ${seconds[i].toFixed(1)} s`);
    }
    return summarize(cfg, runs, seconds);
  } finally {
    for (const r of runs) r.agent.dispose();
  }
}

function summarize(cfg: RlRunConfig, runs: TrainAgentResult[], seconds: number[]): ExperimentResult {
  const finals = runs.map((r) => mean(r.finalReturns));
  const curves = runs.map((r) => binnedReturns(r, r.collector.steps, CURVE_BINS));
  const learning: CurvePoint[] = curves.flatMap((c, i) => c.map((p) => ({ ...p, series: `seed ${i}` })));
  const evalSteps = runs[0].evaluations.map((e) => e.steps);
  const band: CurvePoint[] = evalSteps.flatMap((x, k) => {
    const ys = runs.map((r) => r.evaluations[k].meanReturn);
    return [
      { x, y: mean(ys), series: 'mean' },
      { x, y: Math.min(...ys), series: 'min over seeds' },
      { x, y: Math.max(...ys), series: 'max over seeds' },
    ];
  });
  const norms = (key: 'actorGradNorm' | 'criticGradNorm'): CurvePoint[] =>
    runs.flatMap((r, i) => r.updates.map((u) => ({ x: u.steps, y: u[key], series: `seed ${i}` })));
  // Share of the first tenth's mean gradient norm left in the last tenth.
  const decay = (key: 'actorGradNorm' | 'criticGradNorm') =>
    mean(
      runs.map((r) => {
        const k = Math.max(1, Math.floor(r.updates.length / 10));
        return mean(r.updates.slice(-k).map((u) => u[key])) / mean(r.updates.slice(0, k).map((u) => u[key]));
      }),
    );
  const std = Math.sqrt(mean(finals.map((f) => (f - mean(finals)) ** 2)));
  const preset = RL_PRESETS[cfg.env];
  return {
    metrics: {
      final_return: mean(finals),
      final_return_std: std,
      // Area under the learning curve divided by its length: the mean training return over the budget.
      auc_return: mean(curves.map((c) => mean(c.map((p) => p.y)))),
      actor_grad_norm_decay: decay('actorGradNorm'),
      critic_grad_norm_decay: decay('criticGradNorm'),
      steps: runs[0].collector.steps,
      seeds: cfg.seeds,
      train_seconds: Math.round(mean(seconds) * 100) / 100,
      ...Object.fromEntries(finals.map((f, i) => [`final_return_seed${i}`, f])),
    },
    curves: {
      learning_curve: learning,
      evaluation_band: band,
      actor_grad_norm: norms('actorGradNorm'),
      critic_grad_norm: norms('criticGradNorm'),
    },
    axes: {
      learning_curve: { x: 'environment steps', y: 'training episode return' },
      evaluation_band: { x: 'environment steps', y: 'deterministic return (10 episodes)' },
      actor_grad_norm: { x: 'environment steps', y: 'actor/dual gradient norm' },
      critic_grad_norm: { x: 'environment steps', y: 'critic/primal gradient norm' },
    },
    notes: [
      `${cfg.algo} on ${makeEnv(cfg.env).name}, ${cfg.seeds} seed(s) from --seed, ${runs[0].collector.steps} environment steps each on ${preset.numEnvs} parallel copies (Markovian sampling: trajectories continue across updates).`,
      `gamma ${preset.gamma}, GAE lambda ${preset.lambda}, observation normalization ${preset.normalizeObservations ? 'on' : 'off'}, reward scaling ${preset.normalizeRewards ? 'on' : 'off'}; actor and critic MLPs 64-64 tanh.`,
      'final_return: mean undiscounted return of the deterministic policy over 10 evaluation episodes, averaged over seeds. auc_return: mean training-episode return over the budget (area under the learning curve / its length).',
      'Gradient norms are before clipping, averaged over each update; *_grad_norm_decay is the last tenth over the first tenth.',
    ],
  };
}

export const rl: Experiment = {
  name: 'rl',
  package: '@proj/rl',
  description: 'Primal-dual actor-critic (PDAC) vs A2C and PPO on Pendulum, MountainCarContinuous, CartPole, a 2-link reacher',
  options: {
    algo: { type: 'string', description: 'algorithm', default: 'pdac', choices: ALGORITHM_NAMES },
    env: { type: 'string', description: 'environment', default: 'pendulum', choices: ENV_NAMES },
    steps: { type: 'string', description: "environment steps per seed (default: the environment's quick or full budget)" },
    seeds: { type: 'string', description: 'number of seeds, --seed, --seed + 1, ...', default: '1' },
  },
  run: async (ctx) => {
    const env = stringOption(ctx.options, 'env', 'pendulum') as EnvName;
    const budget = RL_PRESETS[env].steps;
    return runRl(ctx, {
      algo: stringOption(ctx.options, 'algo', 'pdac') as AlgorithmName,
      env,
      steps: intOption(ctx.options, 'steps', ctx.quick ? budget.quick : budget.full, 1),
      seeds: intOption(ctx.options, 'seeds', 1, 1),
      evaluations: ctx.quick ? 5 : 10,
    });
  },
};
