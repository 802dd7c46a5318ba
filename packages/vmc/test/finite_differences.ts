/** Test helpers: log-derivatives against central finite differences; the fast swap path against full evaluations. */
import { expect } from 'vitest';
import type { WaveFunction } from '../src/index.js';

/** Checks `checks` pseudo-randomly chosen parameters (seeded) of model.logPsiGrad at x. */
export function finiteDifferenceCheck(model: WaveFunction, x: Int8Array, checks: number, seed: number): void {
  const grad = new Float64Array(model.numParams);
  model.logPsiGrad(x, grad);
  const eps = 1e-6;
  let k = seed % model.numParams;
  for (let c = 0; c < checks; c++) {
    k = (k * 7919 + 13) % model.numParams;
    const old = model.params[k];
    model.params[k] = old + eps;
    const up = model.logPsi(x).logAbs;
    model.params[k] = old - eps;
    const down = model.logPsi(x).logAbs;
    model.params[k] = old;
    const fd = (up - down) / (2 * eps);
    expect(Math.abs(grad[k] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
  }
}

/** Checks model.logPsiSwapped at x against logPsi of x with each bond in `bonds` whose two sites differ swapped. */
export function swappedCheck(model: WaveFunction, x: Int8Array, bonds: ReadonlyArray<readonly [number, number]>): void {
  const pairs = Int32Array.from(bonds.filter(([i, j]) => x[i] !== x[j]).flat());
  const m = pairs.length / 2;
  const la = new Float64Array(m);
  const sg = new Float64Array(m);
  model.logPsiSwapped!(x, pairs, m, la, sg);
  for (let k = 0; k < m; k++) {
    const y = x.slice();
    y[pairs[2 * k]] = x[pairs[2 * k + 1]];
    y[pairs[2 * k + 1]] = x[pairs[2 * k]];
    const ref = model.logPsi(y);
    expect(la[k]).toBeCloseTo(ref.logAbs, 10);
    expect(sg[k]).toBe(ref.sign);
  }
}
