import { describe, expect, it } from 'vitest';
import {
  CNN, cnnSymmetries, ExchangeRule, J1J2Heisenberg, MarshallSign, Memoized, MetropolisSampler, randomConfig, Sgd, spinHilbert,
  squareLattice, Symmetrized, tjHilbert, VmcDriver, type MemoizedConfig, type WaveFunction,
} from '../src/index.js';
import { swappedCheck } from './finite_differences.js';

const L = squareLattice(4, 4);
const h = spinHilbert(16);

/** The demo's spin ansatz: Marshall-signed CNN summed over 64 operations, optionally memoized at both levels. */
function ansatz(seed: number, memo?: MemoizedConfig): { model: WaveFunction; inner?: Memoized; outer?: Memoized } {
  const signed = new MarshallSign(new CNN(h, L, { blocks: [{ kernel: 4, channels: 4 }] }, seed), L);
  if (!memo) return { model: new Symmetrized(signed, h, L, cnnSymmetries(L)) };
  const inner = new Memoized(signed, h, memo);
  const outer = new Memoized(new Symmetrized(inner, h, L, cnnSymmetries(L)), h, { ...memo, gradients: false });
  return { model: outer, inner, outer };
}

describe('Memoized (log psi by configuration)', () => {
  for (const [name, cfg] of [['dense table, gradients', { gradients: true }], ['Map of 50 entries', { denseLimit: 0, maxEntries: 50 }]] as const) {
    it(`gives the same log psi, swapped log psi and gradients as the plain model, before and after a parameter change: ${name}`, () => {
      const plain = ansatz(3).model;
      const { model, inner, outer } = ansatz(3, cfg);
      const bonds = [...L.bonds1, ...L.bonds2];
      const P = plain.numParams;
      const g0 = new Float64Array(P);
      const g1 = new Float64Array(P);
      for (let round = 0; round < 2; round++) {
        for (let s = 0; s < 6; s++) {
          // Repeats (s % 3) so that the second visits are answered by the tables.
          const x = randomConfig(h, 40 + (s % 3));
          const a = plain.logPsi(x);
          const b = model.logPsi(x);
          expect(b.logAbs).toBeCloseTo(a.logAbs, 12);
          expect(b.sign).toBe(a.sign);
          swappedCheck(model, x, bonds);
          plain.logPsiGrad(x, g0);
          model.logPsiGrad(x, g1);
          for (let k = 0; k < P; k++) expect(g1[k]).toBeCloseTo(g0[k], 12);
        }
        expect(inner!.hits).toBeGreaterThan(0);
        expect(outer!.hits).toBeGreaterThan(0);
        // New parameters: without paramsChanged() the tables would answer with the old values.
        for (let k = 0; k < P; k++) {
          plain.params[k] += 0.05 * Math.sin(k);
          model.params[k] += 0.05 * Math.sin(k);
        }
        model.paramsChanged!();
      }
    });
  }

  // One step only: psi_sym takes equal values on symmetry-related configurations, so rounding decides
  // whether a Metropolis ratio is exactly 1 (no uniform drawn) and later steps may use other random numbers.
  it('leaves a VMC step unchanged (energy and updated parameters) while evaluating the network far less often', () => {
    const op = new J1J2Heisenberg(L, { j2: 0.5 });
    const run = (memo: boolean) => {
      const { model, inner } = ansatz(5, memo ? { gradients: true } : undefined);
      const sampler = new MetropolisSampler(h, model, new ExchangeRule([...L.bonds1, ...L.bonds2]), { chains: 4, burnIn: 5, discard: 1 }, 6);
      const driver = new VmcDriver(model, op, sampler, new Sgd(0.05), { samples: 64 });
      driver.run(1);
      return { energies: driver.history.map((x) => x.energy), params: model.params.slice(), inner };
    };
    const a = run(false);
    const b = run(true);
    expect(b.energies[0]).toBeCloseTo(a.energies[0], 9);
    for (let k = 0; k < a.params.length; k++) expect(b.params[k]).toBeCloseTo(a.params[k], 9);
    // The network ran once per distinct image; every other one of the 64 images per evaluation was a lookup.
    expect(b.inner!.hits).toBeGreaterThan(5 * b.inner!.misses);
  });

  it('rejects bad configs and gradient tables that do not fit', () => {
    const net = new CNN(h, L, { blocks: [{ kernel: 2, channels: 2 }] });
    expect(() => new Memoized(net, h, { maxEntries: -1 })).toThrow(/maxEntries/);
    expect(() => new Memoized(net, h, { denseLimit: 0, gradients: true })).toThrow(/gradients needs a dense table/);
    const tj = tjHilbert(36, 4);
    expect(() => new Memoized(new CNN(tj, squareLattice(6, 6), { blocks: [{ kernel: 2, channels: 2 }] }), tj, { gradients: true })).toThrow(/gradients/);
  });
});
