import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { choleskySolve, conjugateGradient, srDirection } from '../src/index.js';

/**
 * A problem with a known SR solution: if E_loc(x) = c + O(x).theta* exactly,
 * then f = Cov(O, E_loc) = S theta*, so (S + 0) d = f gives d = theta*.
 */
function linearProblem(M: number, P: number, seed: number): { O: Float64Array; eloc: Float64Array; theta: Float64Array } {
  const rng = new Rng(seed);
  const O = Float64Array.from({ length: M * P }, () => rng.normal());
  const theta = Float64Array.from({ length: P }, () => rng.normal());
  const eloc = new Float64Array(M);
  for (let s = 0; s < M; s++) {
    let e = -3;
    for (let k = 0; k < P; k++) e += O[s * P + k] * theta[k];
    eloc[s] = e;
  }
  return { O, eloc, theta };
}

describe('stochastic reconfiguration', () => {
  for (const solver of ['dense', 'cg'] as const) {
    it(`${solver}: recovers theta* when E_loc is linear in O (zero shift)`, () => {
      const { O, eloc, theta } = linearProblem(200, 12, 1);
      const r = srDirection(O, eloc, 12, { diagShift: 0, solver, cgTol: 1e-12 });
      for (let k = 0; k < 12; k++) expect(r.direction[k]).toBeCloseTo(theta[k], 8);
      expect(r.solver).toBe(solver);
    });
  }

  it('minSR (P > M) gives the minimum-norm solution of S d = f and agrees with CG at the same shift', () => {
    const M = 20;
    const P = 50;
    const { O, eloc } = linearProblem(M, P, 2);
    const a = srDirection(O.slice(), eloc, P, { diagShift: 1e-3, solver: 'minsr' });
    const b = srDirection(O.slice(), eloc, P, { diagShift: 1e-3, solver: 'cg', cgTol: 1e-13, cgMaxIter: 5000 });
    expect(a.solver).toBe('minsr');
    for (let k = 0; k < P; k++) expect(a.direction[k]).toBeCloseTo(b.direction[k], 6);
    // 'auto' picks minsr when parameters outnumber samples.
    expect(srDirection(O.slice(), eloc, P).solver).toBe('minsr');
  });

  it('relative shift scales the diagonal: with one parameter d = f / (S (1 + lambda))', () => {
    const O = Float64Array.from([1, 2, 3, 4]);
    const eloc = Float64Array.from([0, 1, 1, 3]);
    // S = Var(O) = 1.25, f = Cov(O, E) = 4.5 / 4 = 1.125 (population moments).
    const r = srDirection(O.slice(), eloc, 1, { diagShift: 0.1, shiftMode: 'relative' });
    expect(r.force[0]).toBeCloseTo(1.125, 12);
    expect(r.direction[0]).toBeCloseTo(1.125 / (1.25 * 1.1), 12);
    const abs = srDirection(O.slice(), eloc, 1, { diagShift: 0.1 });
    expect(abs.direction[0]).toBeCloseTo(1.125 / 1.35, 12);
  });

  it('rejects a wrong O size and a negative shift', () => {
    expect(() => srDirection(new Float64Array(5), new Float64Array(2), 3)).toThrow(/O must be 2 x 3/);
    expect(() => srDirection(new Float64Array(6), new Float64Array(2), 3, { diagShift: -1 })).toThrow(/diagShift must be >= 0/);
  });

  it('CG and Cholesky solve the same SPD system', () => {
    const rng = new Rng(5);
    const n = 30;
    const B = Float64Array.from({ length: n * n }, () => rng.normal());
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += B[k * n + i] * B[k * n + j];
      A[i * n + j] = s;
    }
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const x1 = choleskySolve(A, b, n);
    const x2 = conjugateGradient((v, out) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j] * v[j];
        out[i] = s;
      }
    }, b, { tol: 1e-13, maxIter: 1000 }).x;
    for (let i = 0; i < n; i++) expect(x2[i]).toBeCloseTo(x1[i], 7);
    expect(() => choleskySolve(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2)).toThrow(/not positive definite/);
  });
});
