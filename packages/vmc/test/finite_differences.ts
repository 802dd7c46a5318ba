/** Test helper: log-derivatives of a wave function against central finite differences. */
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
