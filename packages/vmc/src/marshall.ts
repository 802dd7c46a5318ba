/**
 * Marshall sign prior (Marshall 1955): on a bipartite lattice the J1
 * Heisenberg ground state has sign (-1)^(number of up spins on sublattice
 * A). Wrapping a model in it leaves the network to learn only amplitudes
 * and the deviations from that rule (J2 > 0 breaks it), as the deeper
 * networks of the paper do. For t-J it counts up electrons on sublattice A.
 */
import type { SquareLattice } from './lattice.js';
import { WaveFunctionWrapper, type LogPsi, type WaveFunction } from './model.js';

export function marshallSign(x: Int8Array, sublattice: Uint8Array): number {
  let up = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === 1 && sublattice[i] === 0) up++;
  return up % 2 === 0 ? 1 : -1;
}

export class MarshallSign extends WaveFunctionWrapper {
  /** Present when the inner model has the fast path. */
  readonly logPsiSwapped?: WaveFunction['logPsiSwapped'];

  constructor(
    inner: WaveFunction,
    readonly lattice: SquareLattice,
  ) {
    super(inner);
    const fast = inner.logPsiSwapped?.bind(inner);
    if (fast) {
      this.logPsiSwapped = (x, pairs, m, logAbs, sign) => {
        fast(x, pairs, m, logAbs, sign);
        const sub = lattice.sublattice;
        const base = marshallSign(x, sub);
        for (let k = 0; k < m; k++) {
          const i = pairs[2 * k];
          const j = pairs[2 * k + 1];
          // The swap moves an up spin between sublattices (so flips the sign) iff
          // the sublattices differ; x_i != x_j, so at most one of them is up.
          const flip = sub[i] !== sub[j] && (x[i] === 1 || x[j] === 1);
          sign[k] *= flip ? -base : base;
        }
      };
    }
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
