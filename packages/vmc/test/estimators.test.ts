import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { integratedAutocorrTime, localEnergies, mcStatistics, splitRHat, squareLattice, TJModel, type SampleBatch, type WaveFunction } from '../src/index.js';
import { denseHamiltonian, jacobiEigen } from './dense.js';

describe('Monte Carlo statistics', () => {
  it('iid normals: tau about 1/2, error about sigma / sqrt(N), R-hat about 1', () => {
    const rng = new Rng(1);
    const v = Float64Array.from({ length: 16 * 500 }, () => rng.normal(2, 3));
    const s = mcStatistics(v, 16);
    expect(s.mean).toBeCloseTo(2, 0);
    expect(Math.sqrt(s.variance)).toBeCloseTo(3, 1);
    expect(s.tauCorr).toBeLessThan(0.7);
    expect(s.error).toBeCloseTo(3 / Math.sqrt(v.length), 2);
    expect(Math.abs(s.rHat - 1)).toBeLessThan(0.02);
  });

  it('AR(1) with rho = 0.8: tau = (1 + rho) / (2 (1 - rho)) = 4.5', () => {
    const rng = new Rng(2);
    const rho = 0.8;
    const taus: number[] = [];
    for (let c = 0; c < 8; c++) {
      const x = new Float64Array(20000);
      for (let t = 1; t < x.length; t++) x[t] = rho * x[t - 1] + rng.normal();
      taus.push(integratedAutocorrTime(x));
    }
    const mean = taus.reduce((a, b) => a + b, 0) / taus.length;
    expect(mean).toBeGreaterThan(4);
    expect(mean).toBeLessThan(5);
  });

  it('split R-hat flags chains that sample different means', () => {
    const rng = new Rng(3);
    const v = Float64Array.from({ length: 4 * 200 }, (_, i) => rng.normal() + (i < 200 ? 3 : 0));
    expect(splitRHat(v, 4)).toBeGreaterThan(1.2);
    expect(() => mcStatistics(v, 3)).toThrow(/chains must be a positive integer dividing 800/);
  });
});

describe('local energies', () => {
  it('are constant and equal to E0 for the exact t-J ground state (fermion signs included)', () => {
    const L = squareLattice(2, 3);
    const op = new TJModel(L, { j: 0.4, holes: 2 });
    const { H, dim, configs } = denseHamiltonian(op);
    const { values, vectors } = jacobiEigen(H, dim);
    const n = L.n;
    const keyOf = (x: Int8Array) => Array.from(x).join(',');
    const amp = new Map<string, number>();
    for (let r = 0; r < dim; r++) amp.set(keyOf(configs.subarray(r * n, (r + 1) * n)), vectors[r * dim]);
    const exact: WaveFunction = {
      numParams: 0,
      params: new Float64Array(0),
      layout: [],
      logPsi: (x) => {
        const a = amp.get(keyOf(x)) ?? 0;
        return { logAbs: Math.log(Math.abs(a)), sign: a < 0 ? -1 : 1 };
      },
      logPsiGrad: () => {
        throw new Error('not needed');
      },
    };
    // Every configuration with a non-negligible amplitude, as one batch.
    const rows: number[] = [];
    for (let r = 0; r < dim; r++) if (Math.abs(vectors[r * dim]) > 1e-6) rows.push(r);
    const batch: SampleBatch = {
      configs: Int8Array.from(rows.flatMap((r) => Array.from(configs.subarray(r * n, (r + 1) * n)))),
      logAbs: Float64Array.from(rows, (r) => Math.log(Math.abs(vectors[r * dim]))),
      sign: Float64Array.from(rows, (r) => (vectors[r * dim] < 0 ? -1 : 1)),
      count: rows.length,
      chains: 1,
      acceptance: 1,
    };
    const e = localEnergies(exact, op, batch);
    for (const v of e) expect(v).toBeCloseTo(values[0], 8);
  });
});
