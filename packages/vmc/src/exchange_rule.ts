/**
 * Exchange transition rule (NetKet's `ExchangeRule`, with the proposal
 * restricted to moves that change x): pick one of the n(x) bonds (i, j)
 * whose two sites differ, uniformly, and swap their contents. On spin
 * configurations that is a spin exchange, which keeps total Sz; on t-J
 * configurations a swap of an electron with an empty site is a hop and a
 * swap of opposite spins a spin exchange, which keeps N_up and N_down.
 *
 * Proposal: q(x -> x') = 1 / n(x). Detailed balance for |psi|^2 then needs
 * the Hastings factor q(x' -> x) / q(x -> x') = n(x) / n(x'), which
 * `propose` returns as its log so the chain accepts with
 *   min(1, |psi(x')|^2 / |psi(x)|^2 * n(x) / n(x')).
 */
import type { Rng } from '@proj/core';
import { swapSites } from './operator.js';

export interface SwapProposal {
  i: number;
  j: number;
  /** log q(x' -> x) - log q(x -> x'). */
  logCorrection: number;
}

export class ExchangeRule {
  private readonly bi: Int32Array;
  private readonly bj: Int32Array;
  private readonly movable: Int32Array;

  /** `bonds`: the pairs a move may swap, e.g. J1 and J2 bonds for J1-J2, J1 bonds for t-J. */
  constructor(bonds: readonly (readonly [number, number])[]) {
    if (bonds.length === 0) throw new Error('ExchangeRule: bonds must not be empty');
    this.bi = Int32Array.from(bonds, (b) => b[0]);
    this.bj = Int32Array.from(bonds, (b) => b[1]);
    this.movable = new Int32Array(bonds.length);
  }

  /** n(x): the number of bonds whose sites differ. */
  count(x: Int8Array): number {
    let m = 0;
    for (let b = 0; b < this.bi.length; b++) if (x[this.bi[b]] !== x[this.bj[b]]) m++;
    return m;
  }

  /** A move from x, or null when no bond can move (a fully polarized x). */
  propose(x: Int8Array, rng: Rng): SwapProposal | null {
    let m = 0;
    for (let b = 0; b < this.bi.length; b++) if (x[this.bi[b]] !== x[this.bj[b]]) this.movable[m++] = b;
    if (m === 0) return null;
    const b = this.movable[rng.int(m)];
    const i = this.bi[b];
    const j = this.bj[b];
    swapSites(x, i, j);
    const mAfter = this.count(x);
    swapSites(x, i, j);
    return { i, j, logCorrection: Math.log(m / mAfter) };
  }
}
