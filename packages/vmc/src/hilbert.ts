/**
 * Hilbert spaces with a conserved particle content, as NetKet's
 * `Spin(1/2, total_sz=...)` and a t-J space with fixed N_up and N_down.
 *
 * A configuration is an Int8Array with one entry per site: +1 spin up,
 * -1 spin down, and (t-J only) 0 for an empty site. Spins and electrons share
 * the +-1 code, so a swap of two neighbouring entries is a spin exchange or
 * an electron hop alike (see exchange_rule.ts).
 */
import { toRng, type Rng } from '@proj/core';

export interface Hilbert {
  /** 'spin' ({up, down}) or 'tj' ({empty, up, down}, no double occupancy). */
  readonly kind: 'spin' | 'tj';
  readonly n: number;
  readonly nUp: number;
  readonly nDown: number;
  /** Number of local states: 2 for spins, 3 for t-J. */
  readonly localStates: number;
}

/** Spin 1/2 on n sites with total Sz = (nUp - nDown)/2; default Sz = 0. */
export function spinHilbert(n: number, totalSz = 0): Hilbert {
  if (!Number.isInteger(n) || n < 2) throw new Error(`spinHilbert: n must be an integer >= 2, got ${n}`);
  const nUp = n / 2 + totalSz;
  if (!Number.isInteger(nUp) || nUp < 0 || nUp > n) {
    throw new Error(`spinHilbert: totalSz must make (n/2 + totalSz) an integer in [0, ${n}], got ${totalSz}`);
  }
  return { kind: 'spin', n, nUp, nDown: n - nUp, localStates: 2 };
}

/** t-J space: n sites, `holes` empty, the electrons split as evenly as possible (nUp >= nDown). */
export function tjHilbert(n: number, holes: number, nUp?: number): Hilbert {
  if (!Number.isInteger(n) || n < 2) throw new Error(`tjHilbert: n must be an integer >= 2, got ${n}`);
  if (!Number.isInteger(holes) || holes < 0 || holes > n) throw new Error(`tjHilbert: holes must be an integer in [0, ${n}], got ${holes}`);
  const ne = n - holes;
  const up = nUp ?? Math.ceil(ne / 2);
  if (!Number.isInteger(up) || up < 0 || up > ne) throw new Error(`tjHilbert: nUp must be an integer in [0, ${ne}], got ${nUp}`);
  return { kind: 'tj', n, nUp: up, nDown: ne - up, localStates: 3 };
}

/** Checks that `x` is a configuration of `h` (length, codes and particle numbers). */
export function checkConfig(h: Hilbert, x: Int8Array, what = 'x'): void {
  if (x.length !== h.n) throw new Error(`${what}: expected ${h.n} sites, got ${x.length}`);
  let up = 0;
  let down = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v === 1) up++;
    else if (v === -1) down++;
    else if (!(v === 0 && h.kind === 'tj')) throw new Error(`${what}[${i}] = ${v} is not a local state of the ${h.kind} space`);
  }
  if (up !== h.nUp || down !== h.nDown) {
    throw new Error(`${what}: expected ${h.nUp} up and ${h.nDown} down, got ${up} and ${down}`);
  }
}

/** A uniformly random configuration of the sector (a random permutation of the particle list). */
export function randomConfig(h: Hilbert, seed: number | Rng): Int8Array {
  const rng = toRng(seed);
  const x = new Int8Array(h.n);
  for (let i = 0; i < h.n; i++) x[i] = i < h.nUp ? 1 : i < h.nUp + h.nDown ? -1 : 0;
  return rng.shuffle(x);
}

/** Binomial coefficients C(a, b) for a, b <= n, row-major (n + 1) x (n + 1). */
function binomials(n: number): Float64Array {
  const C = new Float64Array((n + 1) * (n + 1));
  for (let a = 0; a <= n; a++) {
    C[a * (n + 1)] = 1;
    for (let b = 1; b <= a; b++) C[a * (n + 1) + b] = C[(a - 1) * (n + 1) + b - 1] + (b <= a - 1 ? C[(a - 1) * (n + 1) + b] : 0);
  }
  return C;
}

/**
 * Number of configurations of the sector: C(n, holes) * C(n - holes, nUp)
 * (= C(n, nUp) for spins).
 */
export function sectorSize(h: Hilbert): number {
  const C = binomials(h.n);
  const holes = h.n - h.nUp - h.nDown;
  return C[h.n * (h.n + 1) + holes] * C[(h.n - holes) * (h.n + 1) + h.nUp];
}

/**
 * Perfect ranking of the sector onto 0..size-1 by the combinatorial number
 * system: rank = rank(hole positions among the n sites) * C(n - holes, nUp)
 * + rank(up positions among the electrons in site order). No hash map: a
 * rank costs one pass over x.
 */
export function sectorRanker(h: Hilbert): (x: Int8Array) => number {
  const n = h.n;
  const C = binomials(n);
  const stride = n + 1;
  const spinPart = C[(h.nUp + h.nDown) * stride + h.nUp];
  return (x: Int8Array): number => {
    let holeRank = 0;
    let holes = 0;
    let upRank = 0;
    let ups = 0;
    let electrons = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (v === 0) holeRank += C[i * stride + ++holes];
      else {
        if (v === 1) upRank += C[electrons * stride + ++ups];
        electrons++;
      }
    }
    return holeRank * spinPart + upRank;
  };
}

/**
 * Every configuration of the sector, as one Int8Array of size * n entries,
 * row r holding the configuration of rank r (see `sectorRanker`).
 */
export function enumerateSector(h: Hilbert): { dim: number; configs: Int8Array; rank: (x: Int8Array) => number } {
  const dim = sectorSize(h);
  const rank = sectorRanker(h);
  const configs = new Int8Array(dim * h.n);
  const x = new Int8Array(h.n);
  const place = (i: number, up: number, down: number, holes: number): void => {
    if (i === h.n) {
      configs.set(x, rank(x) * h.n);
      return;
    }
    if (up > 0) {
      x[i] = 1;
      place(i + 1, up - 1, down, holes);
    }
    if (down > 0) {
      x[i] = -1;
      place(i + 1, up, down - 1, holes);
    }
    if (holes > 0) {
      x[i] = 0;
      place(i + 1, up, down, holes - 1);
    }
  };
  place(0, h.nUp, h.nDown, h.n - h.nUp - h.nDown);
  return { dim, configs, rank };
}
