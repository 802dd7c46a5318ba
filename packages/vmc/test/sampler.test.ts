import { describe, expect, it } from 'vitest';
import {
  CNN, enumerateSector, ExchangeRule, MetropolisSampler, RBM, spinHilbert, squareLattice, tjHilbert,
  type Hilbert, type WaveFunction,
} from '../src/index.js';

/** Pearson chi-square of sampled frequencies of every sector configuration against |psi|^2. */
function chiSquare(h: Hilbert, model: WaveFunction, rule: ExchangeRule, samples: number, seed: number): { chi2: number; dof: number; acceptance: number } {
  const { dim, configs, rank } = enumerateSector(h);
  const w = new Float64Array(dim);
  let z = 0;
  for (let r = 0; r < dim; r++) {
    w[r] = Math.exp(2 * model.logPsi(configs.subarray(r * h.n, (r + 1) * h.n)).logAbs);
    z += w[r];
  }
  const sampler = new MetropolisSampler(h, model, rule, { chains: 8, burnIn: 20 }, seed);
  const batch = sampler.sample(samples);
  const counts = new Float64Array(dim);
  for (let s = 0; s < batch.count; s++) counts[rank(batch.configs.subarray(s * h.n, (s + 1) * h.n))]++;
  let chi2 = 0;
  for (let r = 0; r < dim; r++) {
    const expected = (batch.count * w[r]) / z;
    chi2 += (counts[r] - expected) ** 2 / expected;
  }
  return { chi2, dof: dim - 1, acceptance: batch.acceptance };
}

describe('Metropolis sampler with exchange moves', () => {
  it('samples |psi|^2 of a spin CNN on the 2x2 torus with J1 and J2 moves (chi-square)', () => {
    const L = squareLattice(2, 2);
    const h = spinHilbert(4);
    const model = new CNN(h, L, { blocks: [{ kernel: 2, channels: 3 }], outputInitScale: 3 }, 11);
    const { chi2, dof, acceptance } = chiSquare(h, model, new ExchangeRule([...L.bonds1, ...L.bonds2]), 40_000, 1);
    // 99.9% quantile of chi-square with 5 dof is 20.5; samples one sweep apart are nearly independent here.
    expect(dof).toBe(5);
    expect(chi2).toBeLessThan(20.5);
    expect(acceptance).toBeGreaterThan(0);
    expect(acceptance).toBeLessThan(1);
  }, 30_000);

  it('samples |psi|^2 of a t-J RBM on a 2x3 torus, where move counts n(x) differ (Hastings correction)', () => {
    const L = squareLattice(2, 3);
    const h = tjHilbert(6, 3, 2); // 3 holes, 2 up, 1 down: 60 configurations
    const model = new RBM(h, { alpha: 1, initStd: 0.4 }, 4);
    const { chi2, dof } = chiSquare(h, model, new ExchangeRule(L.bonds1), 60_000, 2);
    expect(dof).toBe(59);
    // 99.9% quantile of chi-square with 59 dof is 98.3.
    expect(chi2).toBeLessThan(98.3);
  }, 30_000);

  it('without the Hastings factor the same chain would be biased (the test can fail)', () => {
    const L = squareLattice(2, 3);
    const h = tjHilbert(6, 3, 2);
    const model = new RBM(h, { alpha: 1, initStd: 0.4 }, 4);
    const rule = new ExchangeRule(L.bonds1);
    const biased = Object.create(rule) as ExchangeRule;
    biased.propose = (x, rng) => {
      const m = rule.propose(x, rng);
      return m && { ...m, logCorrection: 0 };
    };
    expect(chiSquare(h, model, biased, 60_000, 2).chi2).toBeGreaterThan(98.3);
  }, 30_000);

  it('same seed, same samples; chains keep the sector', () => {
    const L = squareLattice(4, 4);
    const h = spinHilbert(16);
    const model = new CNN(h, L, { blocks: [{ kernel: 3, channels: 2 }] }, 1);
    const a = new MetropolisSampler(h, model, new ExchangeRule(L.bonds1), { chains: 4 }, 9).sample(64);
    const b = new MetropolisSampler(h, model, new ExchangeRule(L.bonds1), { chains: 4 }, 9).sample(64);
    expect(a.configs).toEqual(b.configs);
    for (let s = 0; s < a.count; s++) expect(a.configs.subarray(s * 16, (s + 1) * 16).reduce((p, q) => p + q, 0)).toBe(0);
    expect(() => new MetropolisSampler(h, model, new ExchangeRule(L.bonds1), { chains: 0 })).toThrow(/chains must be an integer >= 1/);
  });
});
