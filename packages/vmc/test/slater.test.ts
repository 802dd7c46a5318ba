import { symmetricEigen } from '@proj/core';
import { describe, expect, it } from 'vitest';
import {
  CNN, enumerateSector, MarshallSign, Memoized, exactGroundEnergy, ExchangeRule, localEnergies, MetropolisSampler, RBM, randomConfig, Sgd, SlaterJastrow, Symmetrized, cnnSymmetries,
  squareLattice, TJModel, tjHilbert, VmcDriver, type SampleBatch, type WaveFunction,
} from '../src/index.js';
import { finiteDifferenceCheck, swappedCheck } from './finite_differences.js';

/** Every configuration of the sector as one batch, with the model's amplitudes. */
function fullBatch(model: WaveFunction, configs: Int8Array, dim: number, n: number): SampleBatch {
  const logAbs = new Float64Array(dim);
  const sign = new Float64Array(dim);
  for (let r = 0; r < dim; r++) {
    const p = model.logPsi(configs.subarray(r * n, (r + 1) * n));
    logAbs[r] = p.logAbs;
    sign[r] = p.sign;
  }
  return { configs, logAbs, sign, count: dim, chains: 1, acceptance: 0 };
}

/**
 * The projected Slater state built independently in Fock space: spin-orbitals
 * (site, spin) with index 2 * site + (down ? 1 : 0) (the order of tj.ts's basis
 * when no site is doubly occupied), b+_k = sum_i phi[i, k] c+_i applied one at
 * a time with Jordan-Wigner signs, down orbitals first (rightmost).
 */
function fockSlater(n: number, phiUp: Float64Array, nUp: number, phiDown: Float64Array, nDown: number): Map<number, number> {
  let state = new Map<number, number>([[0, 1]]);
  const apply = (phi: Float64Array, m: number, k: number, spin: number): void => {
    const next = new Map<number, number>();
    for (const [occ, amp] of state) {
      for (let i = 0; i < n; i++) {
        const a = 2 * i + spin;
        if (occ & (1 << a)) continue;
        let before = 0;
        for (let b = 0; b < a; b++) if (occ & (1 << b)) before++;
        const key = occ | (1 << a);
        next.set(key, (next.get(key) ?? 0) + (before % 2 ? -1 : 1) * phi[i * m + k] * amp);
      }
    }
    state = next;
  };
  for (let k = nDown - 1; k >= 0; k--) apply(phiDown, nDown, k, 1);
  for (let k = nUp - 1; k >= 0; k--) apply(phiUp, nUp, k, 0);
  return state;
}

/** (sum_ij F_ij c+_i_up c+_j_down)^m |0> in Fock space, orbitals and signs as in fockSlater. */
function fockPairing(n: number, F: Float64Array, m: number): Map<number, number> {
  let state = new Map<number, number>([[0, 1]]);
  const create = (occ: number, a: number): [number, number] | null => {
    if (occ & (1 << a)) return null;
    let before = 0;
    for (let b = 0; b < a; b++) if (occ & (1 << b)) before++;
    return [occ | (1 << a), before % 2 ? -1 : 1];
  };
  for (let p = 0; p < m; p++) {
    const next = new Map<number, number>();
    for (const [occ, amp] of state) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const d = create(occ, 2 * j + 1);
          if (!d) continue;
          const u = create(d[0], 2 * i);
          if (!u) continue;
          next.set(u[0], (next.get(u[0]) ?? 0) + d[1] * u[1] * F[i * n + j] * amp);
        }
      }
    }
    state = next;
  }
  return state;
}

/** Checks that model / jastrow is proportional to the Fock-space amplitudes on every configuration of the sector. */
function expectProportional(sj: WaveFunction, jastrow: WaveFunction, fock: Map<number, number>, h: ReturnType<typeof tjHilbert>): void {
  const n = h.n;
  const { dim, configs } = enumerateSector(h);
  let ratio = NaN;
  let compared = 0;
  for (let r = 0; r < dim; r++) {
    const x = configs.subarray(r * n, (r + 1) * n);
    let occ = 0;
    for (let i = 0; i < n; i++) if (x[i] !== 0) occ |= 1 << (2 * i + (x[i] === 1 ? 0 : 1));
    const ref = fock.get(occ) ?? 0;
    const a = sj.logPsi(x);
    const c = jastrow.logPsi(x);
    const det = a.sign * c.sign * Math.exp(a.logAbs - c.logAbs);
    if (Math.abs(ref) < 1e-9) continue;
    if (Number.isNaN(ratio)) ratio = det / ref;
    expect(det / ref).toBeCloseTo(ratio, 9);
    compared++;
  }
  expect(compared).toBeGreaterThan(dim / 2);
  expect(Math.abs(ratio)).toBeGreaterThan(1e-6);
}

describe('Slater-Jastrow state (t-J)', () => {
  it('has the amplitudes of the projected Slater determinant built with fermion operators (2x4 torus, 2 holes)', () => {
    const L = squareLattice(2, 4);
    const h = tjHilbert(8, 2);
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 3 }], outputInitScale: 2 }, 1);
    const sj = new SlaterJastrow(cnn, h, L, { noise: 0.3, form: 'slater' }, 2);
    const P = sj.params;
    const pj = cnn.numParams;
    const phiUp = P.slice(pj, pj + 8 * h.nUp);
    const phiDown = P.slice(pj + 8 * h.nUp);
    expectProportional(sj, cnn, fockSlater(8, phiUp, h.nUp, phiDown, h.nDown), h);
  });

  it('passes paramsChanged to a memoized Jastrow factor, so a parameter step is seen', () => {
    const L = squareLattice(2, 4);
    const h = tjHilbert(8, 2);
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 3 }], outputInitScale: 2 }, 1);
    const sj = new SlaterJastrow(new Memoized(cnn, h), h, L, { noise: 0.3 }, 2);
    const x = randomConfig(h, 3);
    const before = sj.logPsi(x).logAbs;
    for (let k = 0; k < cnn.numParams; k++) sj.params[k] += 0.05;
    sj.paramsChanged();
    const after = sj.logPsi(x).logAbs;
    expect(after).not.toBeCloseTo(before, 6);
    const fresh = new SlaterJastrow(cnn, h, L, { noise: 0.3 }, 2);
    fresh.params.set(sj.params);
    expect(after).toBeCloseTo(fresh.logPsi(x).logAbs, 10);
  });

  it('in pairing form has the amplitudes of the projected pair state built with fermion operators', () => {
    const L = squareLattice(2, 4);
    const h = tjHilbert(8, 2);
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 3 }], outputInitScale: 2 }, 1);
    const sj = new SlaterJastrow(cnn, h, L, { noise: 0.3, tiedPairs: false }, 2);
    expect(sj.form).toBe('pairing');
    expectProportional(sj, cnn, fockPairing(8, sj.params.slice(cnn.numParams), h.nUp), h);
  });

  it('is exact for spinless fermions (all electrons up): every local energy is the sum of the filled levels', () => {
    const L = squareLattice(2, 4);
    const op = new TJModel(L, { t: 1, j: 0.4, holes: 5 });
    const h = tjHilbert(8, 5, 3); // the operator only reads x, so it acts on this sector too
    const jastrow = new RBM(h, { initStd: 0 }, 1); // zero parameters: a constant factor
    const sj = new SlaterJastrow(jastrow, h, L, { stagger: 0, noise: 0 }, 1);
    const hop = new Float64Array(64);
    for (const [i, j] of L.bonds1) {
      hop[i * 8 + j] -= 1;
      hop[j * 8 + i] -= 1;
    }
    const levels = Array.from(symmetricEigen(hop, 8).values).sort((a, b) => a - b);
    const e0 = levels[0] + levels[1] + levels[2];
    const { dim, configs } = enumerateSector(h);
    const eloc = localEnergies(sj, op, fullBatch(sj, configs, dim, 8));
    for (const e of eloc) expect(e).toBeCloseTo(e0, 9);
  });

  it('log-derivatives (network and orbitals) equal finite differences; the fast path equals full evaluations', () => {
    const L = squareLattice(4, 4);
    const h = tjHilbert(16, 2);
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 4 }], outputInitScale: 2 }, 3);
    const sj = new SlaterJastrow(cnn, h, L, { noise: 0.1, form: 'slater' }, 4);
    expect(sj.numParams).toBe(cnn.numParams + 16 * 7 * 2);
    const x = randomConfig(h, 5);
    finiteDifferenceCheck(sj, x, 60, 3);
    const pair = new SlaterJastrow(cnn, h, L, { noise: 0.1, tiedPairs: false }, 4);
    expect(pair.numParams).toBe(cnn.numParams + 16 * 16);
    finiteDifferenceCheck(pair, x, 60, 5);
    swappedCheck(sj, x, L.bonds1);
    expect(() => new SlaterJastrow(cnn, h, squareLattice(2, 4))).toThrow(/16 sites, lattice 8/);
    expect(() => new SlaterJastrow(cnn, tjHilbert(16, 3), L, { form: 'pairing' })).toThrow(/nUp = nDown/);
  });

  it('with tied pairs, summed over the four cosets of the even shifts, is invariant under every fermionic translation', () => {
    const L = squareLattice(4, 4);
    const h = tjHilbert(16, 2);
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 4 }], outputInitScale: 2 }, 3);
    const sj = new SlaterJastrow(cnn, h, L, { noise: 0.2 }, 4);
    expect(sj.numParams).toBe(cnn.numParams + 4 * 16);
    const sym = new Symmetrized(sj, h, L, cnnSymmetries(L, { pointGroup: false, spinFlip: false }));
    const x = randomConfig(h, 6);
    // U_T |x> = s |T x>, s the sign of sorting the moved creation operators.
    const translate = (y: Int8Array, dr: number, dc: number): { y: Int8Array; s: number } => {
      const map = Array.from({ length: 16 }, (_, i) => ((Math.floor(i / 4) + dr) % 4) * 4 + ((i % 4) + dc) % 4);
      const z = new Int8Array(16);
      map.forEach((to, i) => (z[to] = y[i]));
      const moved = map.filter((_, i) => y[i] !== 0);
      let inv = 0;
      for (let a = 0; a < moved.length; a++) for (let b = a + 1; b < moved.length; b++) if (moved[a] > moved[b]) inv++;
      return { y: z, s: inv % 2 ? -1 : 1 };
    };
    const base = sym.logPsi(x);
    // The inner state is invariant under even shifts only, and only with the fermion sign.
    const t22 = translate(x, 2, 2);
    expect(sj.logPsi(t22.y).logAbs).toBeCloseTo(sj.logPsi(x).logAbs, 10);
    expect(sj.logPsi(t22.y).sign * t22.s).toBe(sj.logPsi(x).sign);
    for (const [dr, dc] of [[0, 1], [1, 0], [1, 3], [3, 2]]) {
      const { y, s } = translate(x, dr, dc);
      expect(sj.logPsi(y).logAbs).not.toBeCloseTo(sj.logPsi(x).logAbs, 6);
      const r = sym.logPsi(y);
      expect(r.logAbs).toBeCloseTo(base.logAbs, 10);
      expect(r.sign * s).toBe(base.sign);
    }
    finiteDifferenceCheck(sym, x, 40, 7);
    swappedCheck(sym, x, L.bonds1);
  });

  it('SR + SGD reaches the 2x4 t-J ground-state energy (2 holes) within 3%, where the Marshall-signed CNN stays far off', () => {
    const L = squareLattice(2, 4);
    const op = new TJModel(L, { t: 1, j: 0.4, holes: 2 });
    const exact = exactGroundEnergy(op).energy;
    const relError = (model: WaveFunction): number => {
      const sampler = new MetropolisSampler(op.hilbert, model, new ExchangeRule(L.bonds1), {}, 3);
      const driver = new VmcDriver(model, op, sampler, new Sgd(0.05), { samples: 256 });
      driver.run(60);
      return Math.abs(driver.evaluate(2048).energy - exact) / Math.abs(exact);
    };
    const net = () => new CNN(op.hilbert, L, { blocks: [{ kernel: 3, channels: 8 }] }, 1);
    expect(relError(new SlaterJastrow(net(), op.hilbert, L, {}, 2))).toBeLessThan(0.03);
    expect(relError(new MarshallSign(net(), L))).toBeGreaterThan(0.2);
  }, 120_000);
});
