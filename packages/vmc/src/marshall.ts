/**
 * Marshall sign prior (Marshall 1955): on a bipartite lattice the J1
 * Heisenberg ground state has sign (-1)^(number of up spins on sublattice
 * A). Wrapping a model in it leaves the network to learn only amplitudes
 * and the deviations from that rule (J2 > 0 breaks it), as the deeper
 * networks of the paper do. For t-J it counts up electrons on sublattice A.
 */
import type { SquareLattice } from './lattice.js';
import type { LogPsi, WaveFunction } from './model.js';

export function marshallSign(x: Int8Array, sublattice: Uint8Array): number {
  let up = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === 1 && sublattice[i] === 0) up++;
  return up % 2 === 0 ? 1 : -1;
}

export class MarshallSign implements WaveFunction {
  constructor(
    readonly inner: WaveFunction,
    readonly lattice: SquareLattice,
  ) {}

  get numParams(): number {
    return this.inner.numParams;
  }

  get params(): Float64Array {
    return this.inner.params;
  }

  get layout(): readonly { name: string; shape: number[] }[] {
    return this.inner.layout;
  }

  logPsi(x: Int8Array): LogPsi {
    const r = this.inner.logPsi(x);
    return { logAbs: r.logAbs, sign: r.sign * marshallSign(x, this.lattice.sublattice) };
  }

  logPsiGrad(x: Int8Array, grad: Float64Array, offset = 0): LogPsi {
    const r = this.inner.logPsiGrad(x, grad, offset);
    return { logAbs: r.logAbs, sign: r.sign * marshallSign(x, this.lattice.sublattice) };
  }
}
