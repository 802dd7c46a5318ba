import { describe, expect, it } from 'vitest';
import { exactGroundEnergy, J1J2Heisenberg, lanczosLowest, publishedJ1J2Energy, squareLattice, TJModel, tridiagonalLowest } from '../src/index.js';
import { denseHamiltonian, jacobiEigen } from './dense.js';

describe('Lanczos', () => {
  it('tridiagonal bisection finds the lowest eigenvalue of [[2,1],[1,2]] and of a 3x3 chain', () => {
    expect(tridiagonalLowest([2, 2], [1], 2)).toBeCloseTo(1, 14);
    // Path graph Laplacian-like [[0,1,0],[1,0,1],[0,1,0]]: eigenvalues -sqrt2, 0, sqrt2.
    expect(tridiagonalLowest([0, 0, 0], [1, 1], 3)).toBeCloseTo(-Math.SQRT2, 14);
  });

  for (const [name, make] of [
    ['J1-J2 (J2 = 0.3) on the 2x3 torus', () => new J1J2Heisenberg(squareLattice(2, 3), { j2: 0.3 })],
    ['t-J (2 holes, J = 0.4) on the 2x3 torus', () => new TJModel(squareLattice(2, 3), { j: 0.4, holes: 2 })],
    ['t-J (1 hole, J = 0.4) on the open 2x3 lattice', () => new TJModel(squareLattice(2, 3, { pbc: false }), { j: 0.4, holes: 1 })],
  ] as const) {
    it(`equals the dense eigendecomposition: ${name}`, () => {
      const op = make();
      const { H, dim } = denseHamiltonian(op);
      for (let r = 0; r < dim; r++) for (let c = 0; c < r; c++) expect(H[r * dim + c]).toBeCloseTo(H[c * dim + r], 14);
      const dense = jacobiEigen(H, dim).values[0];
      const lz = exactGroundEnergy(op, { seed: 3 });
      expect(lz.dim).toBe(dim);
      expect(lz.converged).toBe(true);
      expect(Math.abs(lz.energy - dense)).toBeLessThan(1e-9);
    });
  }

  it('the start vector is seeded: same seed, same iterations and value', () => {
    const diag = Float64Array.from({ length: 50 }, (_, i) => i * 0.1 - 1);
    const mv = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < 50; i++) out[i] = diag[i] * v[i] + 0.05 * ((i > 0 ? v[i - 1] : 0) + (i < 49 ? v[i + 1] : 0));
    };
    const a = lanczosLowest(mv, 50, { seed: 7 });
    const b = lanczosLowest(mv, 50, { seed: 7 });
    expect(a).toEqual(b);
  });
});

describe('exact diagonalization of 4x4 tori', () => {
  // The 4x4 ED runs once each and checks both the published value and our table's entry for it.
  it('J1-J2, J2 = 0: E = -11.228483 (E/N = -0.701780, Schulz, Ziman & Poilblanc 1996), as the table says', () => {
    const r = exactGroundEnergy(new J1J2Heisenberg(squareLattice(4, 4), { j2: 0 }));
    expect(r.dim).toBe(12870);
    expect(r.energy).toBeCloseTo(-11.228483, 5);
    expect(publishedJ1J2Energy(4, 4, 0)?.energyPerSite).toBeCloseTo(r.energy / 16, 5);
  });

  it('J1-J2, J2 = 0.5: E/N = -0.528620 (Schulz, Ziman & Poilblanc 1996), as the table says', () => {
    const r = exactGroundEnergy(new J1J2Heisenberg(squareLattice(4, 4), { j2: 0.5 }));
    expect(r.energy / 16).toBeCloseTo(-0.52862, 5);
    expect(publishedJ1J2Energy(4, 4, 0.5)?.energyPerSite).toBeCloseTo(r.energy / 16, 5);
  });

  it('the published-energy table answers square tori it lists, and nothing else', () => {
    expect(publishedJ1J2Energy(6, 6, 0.5)?.energyPerSite).toBe(-0.50381);
    expect(publishedJ1J2Energy(10, 10, 0)?.method).toBe('QMC');
    expect(publishedJ1J2Energy(4, 6, 0)).toBeUndefined();
    expect(publishedJ1J2Energy(8, 8, 0.5)).toBeUndefined();
  });

  // ~5 s alone but ~1 min on the shared CI machine, where blocking a vitest
  // worker that long trips its RPC timeout: opt in with VMC_SLOW=1
  // (`proj-demo vmc-ed --model tj` computes the same number).
  it.skipIf(!process.env.VMC_SLOW)('t-J, 2 holes, t = 1, J = 0.4: 411,840 states, E = -10.68392 (our value, no published number found; VMC_SLOW=1)', () => {
    const r = exactGroundEnergy(new TJModel(squareLattice(4, 4), { t: 1, j: 0.4, holes: 2 }));
    expect(r.dim).toBe(411840);
    expect(r.energy).toBeCloseTo(-10.68392, 4);
  }, 60_000);
});
