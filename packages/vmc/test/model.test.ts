import { tf } from '@proj/core';
import { finiteDifferenceCheck, swappedCheck } from './finite_differences.js';
import { describe, expect, it } from 'vitest';
import {
  CNN, MarshallSign, marshallSign, randomConfig, RBM, spinHilbert, squareLattice, tjHilbert, Symmetrized, cnnSymmetries,
  type Hilbert, type SquareLattice, type WaveFunction,
} from '../src/index.js';

/** The same network with tfjs ops: periodic padding by concatenation, conv2d 'valid', maxPool, conv2dTranspose. */
function tfLogPsi(model: CNN, h: Hilbert, L: SquareLattice, x: Int8Array): { logAbs: number; sign: number } {
  return tf.tidy(() => {
    const cin = h.kind === 'spin' ? 1 : 3;
    const enc = new Float32Array(L.n * cin);
    for (let i = 0; i < L.n; i++) {
      if (cin === 1) enc[i] = x[i];
      else enc[3 * i + (x[i] === 0 ? 0 : x[i] === 1 ? 1 : 2)] = 1;
    }
    let a: tf.Tensor4D = tf.tensor4d(enc, [1, L.L1, L.L2, cin]);
    let offset = 0;
    const P = model.params;
    const take = (shape: number[]) => {
      const size = shape.reduce((p, q) => p * q, 1);
      const t = tf.tensor(Float32Array.from(P.subarray(offset, offset + size)), shape);
      offset += size;
      return t;
    };
    const blocks = model.config.blocks;
    blocks.forEach((blk, bi) => {
      const k = blk.kernel;
      const c = blk.channels;
      const cinB = a.shape[3];
      const cout = bi === blocks.length - 1 ? 1 : c;
      const lo = Math.floor((k - 1) / 2);
      const hi = k - 1 - lo;
      const wrap = (t: tf.Tensor4D, axis: 1 | 2, n: number): tf.Tensor4D => {
        const parts: tf.Tensor4D[] = [];
        // Periodic padding: lo rows from the end before, hi rows from the start after (repeating the torus when k > side).
        for (let s = -lo; s < n + hi; s++) {
          const idx = ((s % n) + n) % n;
          parts.push(axis === 1 ? tf.slice(t, [0, idx, 0, 0], [1, 1, -1, -1]) : tf.slice(t, [0, 0, idx, 0], [1, -1, 1, -1]));
        }
        return tf.concat(parts, axis);
      };
      const padded = wrap(wrap(a, 1, L.L1), 2, L.L2);
      const w = take([k, k, cinB, c]) as tf.Tensor4D;
      const b = take([c]);
      const z = tf.add(tf.conv2d(padded, w, 1, 'valid'), b) as tf.Tensor4D;
      const pooled = tf.maxPool(z, 2, 2, 'valid');
      const v = tf.transpose(take([2, 2, c, cout]), [0, 1, 3, 2]) as tf.Tensor4D;
      const vb = take([cout]);
      a = tf.add(tf.conv2dTranspose(pooled, v, [1, L.L1, L.L2, cout], 2, 'valid'), vb) as tf.Tensor4D;
    });
    const out = a.dataSync();
    let logAbs = 0;
    let sign = 1;
    for (const o of out) {
      logAbs += Math.log(Math.abs(o));
      if (o < 0) sign = -sign;
    }
    return { logAbs, sign };
  });
}

describe('CNN (Liang et al. 2018)', () => {
  const L44 = squareLattice(4, 4);
  const cases: [string, Hilbert, SquareLattice, ConstructorParameters<typeof CNN>[2]][] = [
    ['shallow, spins, 4x4', spinHilbert(16), L44, { blocks: [{ kernel: 4, channels: 5 }] }],
    ['two blocks, spins, 4x4, kernel 5 > side', spinHilbert(16), L44, { blocks: [{ kernel: 5, channels: 4 }, { kernel: 3, channels: 3 }] }],
    ['shallow, t-J one-hot input, 4x2', tjHilbert(8, 2), squareLattice(4, 2), { blocks: [{ kernel: 3, channels: 4 }] }],
  ];

  for (const [name, h, L, cfg] of cases) {
    it(`forward equals tfjs conv2d / maxPool / conv2dTranspose: ${name}`, () => {
      const model = new CNN(h, L, cfg, 5);
      // Random parameters of size 1 so every sign and winner of the max-pool is exercised.
      for (let i = 0; i < model.numParams; i++) model.params[i] = Math.sin(1.7 * i + 0.3);
      for (let s = 0; s < 5; s++) {
        const x = randomConfig(h, 100 + s);
        const ours = model.logPsi(x);
        const ref = tfLogPsi(model, h, L, x);
        expect(ours.sign).toBe(ref.sign);
        expect(ours.logAbs).toBeCloseTo(ref.logAbs, 3);
      }
    });

    it(`log-derivatives equal central finite differences: ${name}`, () => {
      const model = new CNN(h, L, cfg, 6);
      for (let s = 0; s < 3; s++) finiteDifferenceCheck(model, randomConfig(h, 200 + s), 40, s);
    });
  }

  it('logPsiSwapped (incremental first convolution) equals logPsi of each swapped x, with and without Marshall sign', () => {
    for (const [h, L, cfg] of cases.map((c) => [c[1], c[2], c[3]] as const)) {
      const cnn = new CNN(h, L, cfg, 8);
      for (const model of [cnn, new MarshallSign(cnn, L)] as WaveFunction[]) {
        const x = randomConfig(h, 31);
        swappedCheck(model, x, [...L.bonds1, ...L.bonds2]);
      }
    }
  });

  it('counts parameters per block and rejects odd sides and bad x', () => {
    const m = new CNN(spinHilbert(16), L44, { blocks: [{ kernel: 4, channels: 16 }] });
    expect(m.numParams).toBe(4 * 4 * 16 + 16 + 4 * 16 + 1);
    expect(() => new CNN(spinHilbert(6), squareLattice(2, 3))).toThrow(/even lattice sides/);
    expect(() => m.logPsi(new Int8Array(5))).toThrow(/16 sites/);
  });
});

describe('RBM and Marshall sign', () => {
  it('RBM log-derivatives equal finite differences (spin and t-J inputs)', () => {
    finiteDifferenceCheck(new RBM(spinHilbert(8), { alpha: 1, initStd: 0.5 }, 1), randomConfig(spinHilbert(8), 1), 40, 1);
    finiteDifferenceCheck(new RBM(tjHilbert(8, 2), { alpha: 1, initStd: 0.5 }, 2), randomConfig(tjHilbert(8, 2), 2), 40, 2);
  });

  it('Marshall sign is (-1)^(up spins on sublattice A) and leaves gradients alone', () => {
    const L = squareLattice(2, 2);
    // Sublattice A = sites 0 and 3.
    expect(marshallSign(Int8Array.from([1, -1, -1, 1]), L.sublattice)).toBe(1);
    expect(marshallSign(Int8Array.from([1, 1, -1, -1]), L.sublattice)).toBe(-1);
    const h = spinHilbert(4);
    const inner = new RBM(h, { initStd: 0.3 }, 3);
    const m = new MarshallSign(inner, L);
    const x = Int8Array.from([1, 1, -1, -1]);
    expect(m.logPsi(x).sign).toBe(-1);
    const g1 = new Float64Array(inner.numParams);
    const g2 = new Float64Array(inner.numParams);
    inner.logPsiGrad(x, g1);
    m.logPsiGrad(x, g2);
    expect(g2).toEqual(g1);
  });
});

describe('symmetrization (space group and spin flip)', () => {
  const L = squareLattice(4, 4);
  const h = spinHilbert(16);
  const transform = (y: Int8Array, f: (r: number, c: number) => [number, number], flip = false) => {
    const z = new Int8Array(16);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        const [a, b] = f(r, c);
        z[(((a % 4) + 4) % 4) * 4 + (((b % 4) + 4) % 4)] = flip ? -y[r * 4 + c] : y[r * 4 + c];
      }
    }
    return z;
  };

  it('with translations only, makes the CNN invariant under every shift (4 cosets of the even shifts)', () => {
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 4 }], outputInitScale: 2 }, 3);
    const ops = cnnSymmetries(L, { pointGroup: false, spinFlip: false });
    expect(ops.length).toBe(4);
    const sym = new Symmetrized(new MarshallSign(cnn, L), h, L, ops);
    const x = randomConfig(h, 4);
    const base = sym.logPsi(x);
    // The bare CNN is only invariant under even shifts; the symmetrized one under all.
    expect(cnn.logPsi(transform(x, (r, c) => [r, c + 1])).logAbs).not.toBeCloseTo(cnn.logPsi(x).logAbs, 6);
    expect(cnn.logPsi(transform(x, (r, c) => [r + 2, c + 2])).logAbs).toBeCloseTo(cnn.logPsi(x).logAbs, 10);
    for (const [dr, dc] of [[0, 1], [1, 0], [1, 3], [3, 2]]) {
      const r = sym.logPsi(transform(x, (a, b) => [a + dr, b + dc]));
      expect(r.logAbs).toBeCloseTo(base.logAbs, 10);
      expect(r.sign).toBe(base.sign);
    }
    // Not invariant under a reflection: that needs the point group.
    const y = transform(x, (r, c) => [c, r]);
    expect(y).not.toEqual(x);
    expect(sym.logPsi(y).logAbs).not.toBeCloseTo(base.logAbs, 6);
  });

  it('with the point group and spin flip (64 operations), is invariant under rotations, reflections, shifts and flips', () => {
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 4 }], outputInitScale: 2 }, 3);
    const ops = cnnSymmetries(L);
    expect(ops.length).toBe(64);
    const sym = new Symmetrized(new MarshallSign(cnn, L), h, L, ops);
    const x = randomConfig(h, 5);
    const base = sym.logPsi(x);
    const gs: [(r: number, c: number) => [number, number], boolean][] = [
      [(r, c) => [c, -r], false], // rotation by 90 degrees
      [(r, c) => [r + 1, -c], false], // reflection and shift
      [(r, c) => [c + 3, r + 1], false], // diagonal reflection and shift
      [(r, c) => [r, c], true], // spin flip
      [(r, c) => [-c, r + 1], true],
    ];
    for (const [g, flip] of gs) {
      const r = sym.logPsi(transform(x, g, flip));
      expect(r.logAbs).toBeCloseTo(base.logAbs, 10);
      expect(r.sign).toBe(base.sign);
    }
    finiteDifferenceCheck(sym, x, 30, 11);
    // Its fast path for local energies agrees with evaluating each swapped configuration.
    swappedCheck(sym, x, [...L.bonds1, ...L.bonds2]);
  });

  it('rejects fermions, open boundaries, spin flips outside Sz = 0 and maps that are not permutations', () => {
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 2 }] }, 3);
    expect(() => new Symmetrized(cnn, tjHilbert(16, 2), L)).toThrow(/spin Hilbert spaces only/);
    expect(() => new Symmetrized(cnn, h, squareLattice(4, 4, { pbc: false }))).toThrow(/periodic/);
    expect(() => new Symmetrized(cnn, spinHilbert(16, 1), L)).toThrow(/total Sz = 0/);
    expect(() => new Symmetrized(cnn, h, L, [{ map: new Int32Array(16), flip: false }])).toThrow(/ops\[0\]\.map must be a permutation/);
  });
});
