/**
 * vmc: ground-state search with a CNN (or RBM) wave function, Metropolis
 * exchange sampling and stochastic reconfiguration (arXiv:2204.07816 on one
 * machine), compared with exact diagonalization when the sector is small.
 */
import {
  CNN, CNN_DEEP, CNN_SHALLOW, exactGroundEnergy, ExchangeRule, J1J2Heisenberg, MarshallSign, MAX_ED_DIM, Memoized, MEMOIZED_DENSE_LIMIT, MEMOIZED_GRADIENT_LIMIT, MetropolisSampler,
  publishedJ1J2Energy, RBM, sectorSize, Sgd, SlaterJastrow, Symmetrized, cnnSymmetries, VmcDriver, type WaveFunction,
} from '@proj/vmc';
import { Rng } from '@proj/core';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult } from '../experiment.js';
import { intOption, stringOption } from '../options.js';
import { HAMILTONIAN_OPTIONS, problemFromOptions, type Problem } from './vmc_ed.js';

export interface VmcRunConfig {
  iterations: number;
  samples: number;
  /** SGD step on the SR direction. */
  learningRate: number;
  /** Absolute SR diagonal shift (REFERENCES.md: 1e-2). */
  diagShift: number;
  /** Samples of the final energy estimate at the trained parameters, as a multiple of `samples`. */
  evalFactor: number;
}

/**
 * Full runs: SR shift 1e-2 (NetKet's default); 512 samples per iteration
 * and learning rate 0.05 are our choices (lr 0.1 was no better in trial
 * runs). 600 iterations of the memoized 64-operation sum cost ~0.34 CPU-s
 * each on 4x4 (~3.5 minutes of one core), within the 10-minute budget with
 * room for a slower machine; 400 iterations already reached rel_error 0.0028
 * at J2 = 0.5. Quick runs are CI-sized.
 */
export const VMC_FULL: VmcRunConfig = { iterations: 600, samples: 512, learningRate: 0.05, diagShift: 1e-2, evalFactor: 8 };
/** t-J: one iteration costs ~0.43 CPU-s (no symmetry sum), so 1200 fit the same budget (600 reached rel_error 0.032). */
export const VMC_FULL_TJ: VmcRunConfig = { ...VMC_FULL, iterations: 1200 };
export const VMC_QUICK: VmcRunConfig = { iterations: 20, samples: 256, learningRate: 0.05, diagShift: 1e-2, evalFactor: 4 };

/**
 * Spin CNNs are summed over symmetry operations (`cnnSymmetries`): `full` =
 * translations x point group x spin flip (64 cosets of the CNN's shifts by
 * two sites), `translations` = the 4 shifts the 2x2 pooling breaks. `full`
 * is affordable when the sector fits `Memoized`'s dense table (4x4: 12,870
 * states), because the network then runs once per distinct configuration
 * per iteration instead of 64 times per lookup; it is the default there.
 */
export type SpinSymmetry = 'full' | 'translations';

/** The default `--symmetry` of a problem: full where the memo table is dense. */
export function defaultSymmetry({ op }: Problem): SpinSymmetry {
  return sectorSize(op.hilbert) <= MEMOIZED_DENSE_LIMIT ? 'full' : 'translations';
}

/**
 * The ansatz the flags ask for. Spins: times the Marshall sign prior, and for
 * CNNs summed over `symmetry` (the 4x4 ground states have momentum zero,
 * A1 symmetry and even spin-flip parity), memoized on small sectors.
 * t-J: the network is the Jastrow factor of a projected pairing determinant
 * (SlaterJastrow), which carries the fermion signs. Trial runs on 4x4: t-J,
 * the plain CNN stalled at rel_error 0.31, with the Marshall prior at
 * 0.13-0.16, as a Jastrow factor at ~0.05 within 100 iterations; J1-J2 at
 * J2 = 0.5, CNN + prior stalled at 0.025-0.03, with the translation sum at
 * 0.011-0.013, with the full sum below 0.005 (package README).
 */
export function buildAnsatz(name: string, problem: Problem, rng: Rng, symmetry: SpinSymmetry = defaultSymmetry(problem)): WaveFunction {
  const { op, lattice } = problem;
  const net = name === 'rbm' ? new RBM(op.hilbert, { alpha: 2 }, rng) : new CNN(op.hilbert, lattice, name === 'cnn-deep' ? CNN_DEEP : CNN_SHALLOW, rng);
  if (op.hilbert.kind === 'tj') return new SlaterJastrow(net, op.hilbert, lattice, {}, rng);
  const signed = new MarshallSign(net, lattice);
  if (name === 'rbm') return signed;
  const ops = cnnSymmetries(lattice, symmetry === 'full' ? { pointGroup: true, spinFlip: true } : { pointGroup: false, spinFlip: false });
  const size = sectorSize(op.hilbert);
  if (size > MEMOIZED_DENSE_LIMIT) return new Symmetrized(signed, op.hilbert, lattice, ops);
  // Gradients of the images g x too, when the table fits (the shallow CNN on 4x4: 35 MB).
  const gradients = size * net.numParams <= MEMOIZED_GRADIENT_LIMIT;
  return new Memoized(new Symmetrized(new Memoized(signed, op.hilbert, { gradients }), op.hilbert, lattice, ops), op.hilbert);
}

export async function runVmc(ctx: ExperimentContext, base: VmcRunConfig): Promise<ExperimentResult> {
  const cfg: VmcRunConfig = {
    ...base,
    iterations: intOption(ctx.options, 'iters', base.iterations, 1),
    samples: intOption(ctx.options, 'samples', base.samples, 16),
  };
  const problem = problemFromOptions(ctx.options);
  const { op, label } = problem;
  const n = op.hilbert.n;
  const root = new Rng(ctx.seed);
  const ansatz = stringOption(ctx.options, 'ansatz', 'cnn');
  const symmetry = stringOption(ctx.options, 'symmetry', defaultSymmetry(problem)) as SpinSymmetry;
  const model = buildAnsatz(ansatz, problem, root.split(), symmetry);
  const symmetrized = model instanceof Symmetrized ? model : model instanceof Memoized && model.inner instanceof Symmetrized ? model.inner : undefined;
  const sampler = new MetropolisSampler(op.hilbert, model, new ExchangeRule(problem.moveBonds), {}, root.split());
  const driver = new VmcDriver(model, op, sampler, new Sgd(cfg.learningRate), { samples: cfg.samples, sr: { diagShift: cfg.diagShift } });

  let exact: number | undefined;
  if (sectorSize(op.hilbert) <= MAX_ED_DIM) {
    exact = exactGroundEnergy(op, { seed: ctx.seed }).energy;
    ctx.log(`${label}: exact E/N = ${(exact / n).toFixed(6)}`);
  }
  ctx.log(`${ansatz}: ${model.numParams} parameters; ${cfg.iterations} iterations x ${cfg.samples} samples`);
  const t0 = performance.now();
  const history = driver.run(cfg.iterations, { reporter: ctx.reporter });
  const trainSeconds = (performance.now() - t0) / 1000;
  const ev = driver.evaluate(cfg.samples * cfg.evalFactor);
  const energyCurve: CurvePoint[] = history.map((h) => ({ x: h.iteration, y: h.energy / n, series: ansatz }));
  if (exact !== undefined) energyCurve.push({ x: 0, y: exact / n, series: 'exact' }, { x: cfg.iterations - 1, y: exact / n, series: 'exact' });
  const last = history[history.length - 1];
  const metrics: Record<string, number> = {
    energy_per_site: ev.energy / n,
    energy_error: ev.error / n,
    variance: ev.variance,
    r_hat: ev.rHat,
  };
  if (exact !== undefined) {
    metrics.rel_error = Math.abs(ev.energy - exact) / Math.abs(exact);
    metrics.exact_energy_per_site = exact / n;
  }
  // A published ED or QMC energy: the only reference beyond ED (6x6 and up), a cross-check on 4x4.
  const published = op instanceof J1J2Heisenberg && op.j1 === 1 && problem.lattice.pbc
    ? publishedJ1J2Energy(problem.lattice.L1, problem.lattice.L2, op.j2)
    : undefined;
  if (published) {
    metrics.reference_energy_per_site = published.energyPerSite;
    metrics.rel_error_reference = Math.abs(ev.energy / n - published.energyPerSite) / Math.abs(published.energyPerSite);
  }
  Object.assign(metrics, {
    tau_corr: ev.tauCorr,
    acceptance: last.acceptance,
    params: model.numParams,
    iterations: cfg.iterations,
    train_seconds: Math.round(trainSeconds * 100) / 100,
    samples_per_second: Math.round((cfg.iterations * driver.samples) / trainSeconds),
  });
  return {
    metrics,
    curves: { energy: energyCurve, variance: history.map((h) => ({ x: h.iteration, y: h.variance })) },
    axes: { energy: { x: 'iteration', y: 'E / N' }, variance: { x: 'iteration', y: 'Var E_loc' } },
    notes: [
      `${label}; ${ansatz} (${model.numParams} parameters) ${model instanceof SlaterJastrow ? `as the Jastrow factor of a projected ${model.form} determinant (fermion signs)` : 'times the Marshall sign prior'}${symmetrized ? `, summed over ${symmetrized.ops.length} symmetry operations (${symmetry === 'full' ? 'translations x C4v x spin flip, modulo the shifts by two sites the CNN respects' : 'the translations the 2x2 pooling breaks'})${model instanceof Memoized ? ', log psi memoized by configuration within each iteration' : ''}` : ''}.`,
      `SR (absolute shift ${cfg.diagShift}) + SGD lr ${cfg.learningRate}; ${driver.samples} samples per iteration from ${sampler.chains} Metropolis chains with exchange moves, ${sampler.sweepSize} proposals per sample.`,
      ...(published ? [`Reference: E/N = ${published.energyPerSite} (${published.method}, ${published.source}); rel_error_reference is measured against it.`] : []),
      `Final estimate from ${cfg.samples * cfg.evalFactor} fresh samples at the trained parameters; energy_error is the error of the mean per site (autocorrelation-corrected), variance that of E_loc (total energy units).`,
    ],
  };
}

export const vmc: Experiment = {
  name: 'vmc',
  package: '@proj/vmc',
  description: 'CNN wave function + SR for the J1-J2 or t-J model, compared with exact diagonalization',
  options: {
    ...HAMILTONIAN_OPTIONS,
    ansatz: { type: 'string', description: 'cnn (shallow), cnn-deep (6 blocks) or rbm', default: 'cnn', choices: ['cnn', 'cnn-deep', 'rbm'] },
    iters: { type: 'string', description: 'VMC iterations (default 600, t-J 1200, quick 20)' },
    samples: { type: 'string', description: 'samples per iteration (default 512, quick 256)' },
    symmetry: { type: 'string', description: 'spin CNNs: sum over full (64 operations; default when the sector has <= 4 M states) or translations (4)', choices: ['full', 'translations'] },
  },
  run: (ctx) => runVmc(ctx, ctx.quick ? VMC_QUICK : stringOption(ctx.options, 'model', 'j1j2') === 'tj' ? VMC_FULL_TJ : VMC_FULL),
};
