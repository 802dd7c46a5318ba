import { describe, expect, it } from 'vitest';
import { connectedElements, J1J2Heisenberg, sectorRanker, squareLattice, TJModel, type Operator } from '../src/index.js';
import { denseHamiltonian } from './dense.js';

/** Connected elements as a map from the connected configuration (as a string) to H_xx'. */
function elements(op: Operator, x: number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const { x: y, mel } of connectedElements(op, Int8Array.from(x))) out.set(Array.from(y).join(','), (out.get(Array.from(y).join(',')) ?? 0) + mel);
  return out;
}

describe('lattice', () => {
  it('4x4 torus has 32 J1 and 32 J2 bonds, 2x2 torus counts wrapped bonds once', () => {
    const L = squareLattice(4, 4);
    expect(L.bonds1.length).toBe(32);
    expect(L.bonds2.length).toBe(32);
    const s = squareLattice(2, 2);
    expect(s.bonds1.map((b) => b.join('-')).sort()).toEqual(['0-1', '0-2', '1-3', '2-3']);
    expect(s.bonds2.map((b) => b.join('-')).sort()).toEqual(['0-3', '1-2']);
    const open = squareLattice(2, 3, { pbc: false });
    expect(open.bonds1.length).toBe(7);
  });

  it('rejects a side below 2', () => {
    expect(() => squareLattice(1, 4)).toThrow(/L1 must be an integer >= 2/);
  });
});

describe('J1-J2 Heisenberg (S.S units)', () => {
  it('matches hand-computed elements on the 2x2 torus', () => {
    const op = new J1J2Heisenberg(squareLattice(2, 2), { j1: 1, j2: 0.3 });
    // Neel state: four antiparallel J1 bonds (-1/4 each), two parallel J2 bonds (+1/4 each).
    const m = elements(op, [1, -1, -1, 1]);
    expect(m.get('1,-1,-1,1')).toBeCloseTo(-1 + 0.3 * 0.5, 12);
    // Each J1 bond flip-flops with element J1/2; the J2 bonds are parallel.
    expect(m.get('-1,1,-1,1')).toBeCloseTo(0.5, 12);
    expect(m.get('-1,-1,1,1')).toBeCloseTo(0.5, 12);
    expect(m.get('1,1,-1,-1')).toBeCloseTo(0.5, 12);
    expect(m.get('1,-1,1,-1')).toBeCloseTo(0.5, 12);
    expect(m.size).toBe(5);
    // Stripe state: J1 bonds (0,1),(2,3) parallel, (0,2),(1,3) antiparallel (J1 terms cancel); both J2 bonds antiparallel.
    const st = elements(op, [1, 1, -1, -1]);
    expect(st.get('1,1,-1,-1')).toBeCloseTo(0 - 0.3 * 0.5, 12);
    expect(st.get('-1,1,1,-1')).toBeCloseTo(0.5, 12); // J1 bond (0,2)
    expect(st.get('1,-1,-1,1')).toBeCloseTo(0.5, 12); // J1 bond (1,3)
    expect(st.get('-1,1,-1,1')).toBeCloseTo(0.15, 12); // J2 bond (0,3)
    expect(st.get('1,-1,1,-1')).toBeCloseTo(0.15, 12); // J2 bond (1,2)
    expect(st.size).toBe(5);
  });
});

/**
 * Independent t-J construction by second quantization: spin-orbitals ordered
 * (site, spin) with index 2 * site + (spin down ? 1 : 0), Jordan-Wigner signs
 * for every creation and annihilation operator applied one at a time.
 */
function fermionTJ(L: ReturnType<typeof squareLattice>, t: number, J: number, configs: Int8Array, dim: number): Float64Array {
  const n = L.n;
  const toOcc = (x: Int8Array): number[] => {
    const occ = new Array(2 * n).fill(0);
    for (let i = 0; i < n; i++) if (x[i] !== 0) occ[2 * i + (x[i] === 1 ? 0 : 1)] = 1;
    return occ;
  };
  const fromOcc = (occ: number[]): Int8Array | null => {
    const x = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      if (occ[2 * i] && occ[2 * i + 1]) return null;
      x[i] = occ[2 * i] ? 1 : occ[2 * i + 1] ? -1 : 0;
    }
    return x;
  };
  // Applies ops right to left: each op [orbital, create?]; returns sign and new occupation or null.
  const apply = (occ0: number[], ops: [number, boolean][]): { sign: number; occ: number[] } | null => {
    const occ = occ0.slice();
    let sign = 1;
    for (let k = ops.length - 1; k >= 0; k--) {
      const [a, create] = ops[k];
      if (occ[a] === (create ? 1 : 0)) return null;
      let before = 0;
      for (let b = 0; b < a; b++) before += occ[b];
      if (before % 2 === 1) sign = -sign;
      occ[a] = create ? 1 : 0;
    }
    return { sign, occ };
  };
  const rank = sectorRanker({ kind: 'tj', n, localStates: 3, ...sectorOf(configs, n) });
  const H = new Float64Array(dim * dim);
  for (let r = 0; r < dim; r++) {
    const x = configs.subarray(r * n, (r + 1) * n);
    const occ = toOcc(x);
    const add = (res: { sign: number; occ: number[] } | null, coef: number): void => {
      if (!res) return;
      const y = fromOcc(res.occ);
      if (!y) return; // projected out: double occupancy
      const c = rank(y);
      // H[c, r] = <y| H |x>.
      H[c * dim + r] += coef * res.sign;
    };
    for (const [i, j] of L.bonds1) {
      for (const s of [0, 1]) {
        add(apply(occ, [[2 * i + s, true], [2 * j + s, false]]), -t);
        add(apply(occ, [[2 * j + s, true], [2 * i + s, false]]), -t);
      }
      // S+_i S-_j + S-_i S+_j with S+ = c+_up c_down.
      add(apply(occ, [[2 * i, true], [2 * i + 1, false], [2 * j + 1, true], [2 * j, false]]), J / 2);
      add(apply(occ, [[2 * j, true], [2 * j + 1, false], [2 * i + 1, true], [2 * i, false]]), J / 2);
      const szi = (occ[2 * i] - occ[2 * i + 1]) / 2;
      const szj = (occ[2 * j] - occ[2 * j + 1]) / 2;
      const ni = occ[2 * i] + occ[2 * i + 1];
      const nj = occ[2 * j] + occ[2 * j + 1];
      H[r * dim + r] += J * (szi * szj - (ni * nj) / 4);
    }
  }
  return H;
}

function sectorOf(configs: Int8Array, n: number): { nUp: number; nDown: number } {
  let nUp = 0;
  let nDown = 0;
  for (let i = 0; i < n; i++) {
    if (configs[i] === 1) nUp++;
    if (configs[i] === -1) nDown++;
  }
  return { nUp, nDown };
}

describe('t-J model', () => {
  it('matches hand-computed elements on the open 2x3 lattice, including a fermion sign', () => {
    // Sites 0 1 2 / 3 4 5; x = [0, up, 0, up, down, down].
    const op = new TJModel(squareLattice(2, 3, { pbc: false }), { t: 1, j: 0.4, holes: 2 });
    const m = elements(op, [0, 1, 0, 1, -1, -1]);
    expect(m.get('0,1,0,1,-1,-1')).toBeCloseTo(-0.4, 12); // two antiparallel bonds, -J/2 each
    expect(m.get('1,0,0,1,-1,-1')).toBeCloseTo(-1, 12); // hop 1 -> 0, nothing in between
    expect(m.get('0,0,1,1,-1,-1')).toBeCloseTo(-1, 12); // hop 1 -> 2
    // Hop 3 -> 0 passes sites 1 (occupied) and 2 (empty): one fermion, sign flips.
    expect(m.get('1,1,0,0,-1,-1')).toBeCloseTo(+1, 12);
    // Hop 5 -> 2 passes sites 3 and 4 (both occupied): even, no flip.
    expect(m.get('0,1,-1,1,-1,0')).toBeCloseTo(-1, 12);
    expect(m.get('0,1,0,-1,1,-1')).toBeCloseTo(0.2, 12); // spin flip-flop on (3,4): +J/2
    expect(m.get('0,-1,0,1,1,-1')).toBeCloseTo(0.2, 12); // on (1,4)
    expect(m.size).toBe(7);
  });

  it('equals the Hamiltonian built from fermion operators with Jordan-Wigner signs (2x3 torus, 2 holes)', () => {
    const L = squareLattice(2, 3);
    const op = new TJModel(L, { t: 1, j: 0.4, holes: 2 });
    const { H, dim, configs } = denseHamiltonian(op);
    expect(dim).toBe(90);
    const ref = fermionTJ(L, 1, 0.4, configs, dim);
    let maxDiff = 0;
    let negatives = 0;
    for (let k = 0; k < H.length; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(H[k] - ref[k]));
      if (ref[k] > 0.5) negatives++; // +t elements: hops with a fermion sign
    }
    expect(maxDiff).toBeLessThan(1e-12);
    expect(negatives).toBeGreaterThan(0);
  });
});
