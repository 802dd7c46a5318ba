/**
 * fl-table: the grid of issue 6's comparison table, each base strategy
 * (FedAvg / FedProx / FedDyn / SCAFFOLD) with and without FedFTG
 * (arXiv:2203.09249) at each Dirichlet concentration, every cell one `fl`
 * federation (same seed, hence the same partition and client samples for
 * the plain and the FedFTG run of a strategy). Reports the final accuracy
 * per cell, FedFTG's difference per strategy and alpha, and one chart of
 * the accuracy per round per alpha.
 */
import { FL_ALGOS, federate, flNotes, FL_QUICK, loadFlData, meanOfLast, type FlAlgo, type FlConfig } from './fl.js';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult } from '../experiment.js';
import { intOption, stringOption } from '../options.js';
import { UsageError } from '../usage_error.js';

export type FlTableConfig = Omit<FlConfig, 'algo' | 'ftg' | 'alpha'> & {
  algos: readonly FlAlgo[];
  alphas: readonly number[];
};

/**
 * The "reduced full" scale run for the package README, in place of `FL_FULL`
 * (100 clients, CNN, convolutional generator), which does not fit the shared
 * 2-core machine: `fl --quick`'s data, clients, MLP and dense generator,
 * for 30 rounds instead of 20 (40 would take ~80 min of wall time at load ~10).
 */
export const FL_TABLE: Omit<FlTableConfig, 'algos' | 'alphas'> = { ...FL_QUICK, rounds: 30 };

/** CI size: every cell of the grid for a few rounds on 1,000 images. */
export const FL_TABLE_QUICK: Omit<FlTableConfig, 'algos' | 'alphas'> = {
  ...FL_QUICK,
  clients: 5,
  frac: 0.4,
  rounds: 5,
  localEpochs: 1,
  generator: { kind: 'mlp', hidden: 32 },
  trainLimit: 1000,
  testLimit: 500,
  net: { kind: 'mlp', hidden: 32 },
};

/** Metric-name fragment of an alpha: `a0.1`. */
const alphaKey = (alpha: number): string => `a${alpha}`;

/** Signed accuracy difference in points, e.g. `+1.53`. */
const points = (d: number): string => `${d >= 0 ? '+' : '-'}${Math.abs(d * 100).toFixed(2)}`;

export async function runFlTable(ctx: ExperimentContext, cfg: FlTableConfig): Promise<ExperimentResult> {
  const data = loadFlData(cfg);
  const finals: Record<string, number> = {};
  const gains: Record<string, number> = {};
  const curves: Record<string, CurvePoint[]> = {};
  const axes: Record<string, { x: string; y: string }> = {};
  const rows: string[] = [];
  let seconds = 0;
  let cpuSeconds = 0;
  for (const alpha of cfg.alphas) {
    const chart = `test accuracy, alpha ${alpha}`;
    curves[chart] = [];
    axes[chart] = { x: 'round', y: 'global test accuracy' };
    for (const algo of cfg.algos) {
      const final: Record<'plain' | 'ftg', number> = { plain: 0, ftg: 0 };
      const cpu: Record<'plain' | 'ftg', number> = { plain: 0, ftg: 0 };
      for (const ftg of [false, true]) {
        const kind = ftg ? 'ftg' : 'plain';
        const cpu0 = process.cpuUsage();
        const run = await federate(ctx, { ...cfg, algo, ftg, alpha }, data);
        const used = process.cpuUsage(cpu0);
        cpu[kind] = (used.user + used.system) / 1e6;
        seconds += run.seconds;
        cpuSeconds += cpu[kind];
        final[kind] = meanOfLast(run.accs, 5);
        finals[`final_acc_${algo}_${kind}_${alphaKey(alpha)}`] = final[kind];
        curves[chart].push(...run.accs.map((y, i) => ({ x: i + 1, y, series: run.name })));
        ctx.log(`${run.name}, alpha ${alpha}: final_acc ${final[kind].toFixed(4)} (${run.seconds.toFixed(0)} s wall, ${cpu[kind].toFixed(0)} s CPU)`);
      }
      gains[`ftg_gain_${algo}_${alphaKey(alpha)}`] = final.ftg - final.plain;
      rows.push(
        `| ${alpha} | ${algo} | ${final.plain.toFixed(4)} | ${final.ftg.toFixed(4)} | ${points(final.ftg - final.plain)} | ${cpu.plain.toFixed(0)} / ${cpu.ftg.toFixed(0)} |`,
      );
    }
  }
  const table = ['| alpha | algo | final_acc plain | final_acc FedFTG | FedFTG - plain (points) | CPU s (plain / FedFTG) |', '| --- | --- | --- | --- | --- | --- |', ...rows];
  ctx.log(`fl-table:\n${table.join('\n')}`);
  return {
    metrics: { ...gains, ...finals, train_seconds: Math.round(seconds * 10) / 10, cpu_seconds: Math.round(cpuSeconds * 10) / 10 },
    curves,
    axes,
    notes: [...flNotes(cfg, data, cfg.alphas, true), `${cfg.rounds} rounds, seed ${ctx.seed}.`, ...table],
  };
}

/** `--algos fedavg,scaffold` -> the listed strategies, each one of FL_ALGOS. */
export function parseAlgos(text: string): FlAlgo[] {
  const algos = text.split(',').map((s) => s.trim());
  for (const a of algos) {
    if (!(FL_ALGOS as readonly string[]).includes(a)) throw new UsageError(`--algos must list some of ${FL_ALGOS.join(', ')}, got ${JSON.stringify(a)}`);
  }
  if (new Set(algos).size !== algos.length) throw new UsageError(`--algos lists a strategy twice: ${JSON.stringify(text)}`);
  return algos as FlAlgo[];
}

/** `--alphas 0.1,0.5` -> Dirichlet concentrations, each > 0. */
export function parseAlphas(text: string): number[] {
  const alphas = text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  for (const a of alphas) {
    if (!(Number.isFinite(a) && a > 0)) throw new UsageError(`--alphas must be comma-separated numbers > 0, got ${JSON.stringify(text)}`);
  }
  if (new Set(alphas).size !== alphas.length) throw new UsageError(`--alphas lists a value twice: ${JSON.stringify(text)}`);
  return alphas;
}

export const flTable: Experiment = {
  name: 'fl-table',
  package: '@proj/fl',
  description: 'The FedFTG table: FedAvg/FedProx/FedDyn/SCAFFOLD with and without FedFTG at several Dirichlet alphas, curves per alpha',
  options: {
    algos: { type: 'string', description: 'comma-separated base strategies', default: FL_ALGOS.join(',') },
    alphas: { type: 'string', description: 'comma-separated Dirichlet concentrations', default: '0.1,0.5' },
    rounds: { type: 'string', description: 'communication rounds per run (quick 5, else 30)' },
  },
  run: (ctx) => {
    const base = ctx.quick ? FL_TABLE_QUICK : FL_TABLE;
    return runFlTable(ctx, {
      ...base,
      algos: parseAlgos(stringOption(ctx.options, 'algos', FL_ALGOS.join(','))),
      alphas: parseAlphas(stringOption(ctx.options, 'alphas', '0.1,0.5')),
      rounds: intOption(ctx.options, 'rounds', base.rounds, 1),
    });
  },
};
