/**
 * vmc-ed: exact ground-state energy (Lanczos on the conserved sector) of the
 * J1-J2 or t-J model, the reference the `vmc` experiment measures its
 * rel_error against.
 */
import { exactGroundEnergy, J1J2Heisenberg, parseLatticeSize, squareLattice, TJModel, type Operator, type SquareLattice } from '@proj/vmc';
import type { Experiment, ExperimentOption } from '../experiment.js';
import { intOption, numberOption, stringOption } from '../options.js';
import { UsageError } from '../usage_error.js';

/** The Hamiltonian flags shared by `vmc-ed` and `vmc`; defaults are the paper's benchmark points. */
export const HAMILTONIAN_OPTIONS: Readonly<Record<string, ExperimentOption>> = {
  model: { type: 'string', description: 'j1j2 (Heisenberg J1-J2, S.S units) or tj (t-J)', default: 'j1j2', choices: ['j1j2', 'tj'] },
  lattice: { type: 'string', description: 'L1xL2 periodic square lattice', default: '4x4' },
  j2: { type: 'string', description: 'J1-J2: next-nearest coupling (J1 = 1)', default: '0' },
  t: { type: 'string', description: 't-J: hopping', default: '1' },
  j: { type: 'string', description: 't-J: exchange J', default: '0.4' },
  holes: { type: 'string', description: 't-J: number of holes', default: '2' },
};

export interface Problem {
  op: Operator;
  lattice: SquareLattice;
  /** Bonds the Metropolis exchange moves use: J1 and (when J2 != 0) J2 bonds for spins, J1 bonds for t-J. */
  moveBonds: (readonly [number, number])[];
  label: string;
}

/** The Hamiltonian the flags describe. */
export function problemFromOptions(options: Readonly<Record<string, string | boolean>>): Problem {
  let size: [number, number];
  try {
    size = parseLatticeSize(stringOption(options, 'lattice', '4x4'), '--lattice');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const lattice = squareLattice(size[0], size[1]);
  if (stringOption(options, 'model', 'j1j2') === 'tj') {
    const t = numberOption(options, 't', 1);
    const j = numberOption(options, 'j', 0.4);
    const holes = intOption(options, 'holes', 2);
    if (holes > lattice.n) throw new UsageError(`--holes must be at most the number of sites ${lattice.n}, got ${holes}`);
    return {
      op: new TJModel(lattice, { t, j, holes }),
      lattice,
      moveBonds: [...lattice.bonds1],
      label: `t-J ${size.join('x')} torus, t=${t}, J=${j}, ${holes} holes`,
    };
  }
  const j2 = numberOption(options, 'j2', 0);
  return {
    op: new J1J2Heisenberg(lattice, { j1: 1, j2 }),
    lattice,
    moveBonds: j2 !== 0 ? [...lattice.bonds1, ...lattice.bonds2] : [...lattice.bonds1],
    label: `J1-J2 ${size.join('x')} torus, J2=${j2} (S.S units)`,
  };
}

export const vmcEd: Experiment = {
  name: 'vmc-ed',
  package: '@proj/vmc',
  description: 'Exact ground-state energy (Lanczos) of the J1-J2 or t-J model on a small torus',
  options: HAMILTONIAN_OPTIONS,
  run: async (ctx) => {
    const { op, label } = problemFromOptions(ctx.options);
    ctx.log(`${label}: Lanczos on the sector`);
    const r = exactGroundEnergy(op, { seed: ctx.seed });
    const n = op.hilbert.n;
    return {
      metrics: {
        energy: r.energy,
        energy_per_site: r.energy / n,
        dim: r.dim,
        lanczos_iterations: r.iterations,
        seconds: Math.round(r.seconds * 100) / 100,
      },
      notes: [
        `${label}; sector of ${r.dim} states (N_up = ${op.hilbert.nUp}, N_down = ${op.hilbert.nDown}).`,
        `Lanczos ${r.converged ? 'converged' : 'did NOT converge'} in ${r.iterations} products (tolerance 1e-10 on the lowest Ritz value).`,
      ],
    };
  },
};
