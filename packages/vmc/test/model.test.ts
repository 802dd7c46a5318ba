import { tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import {
  CNN, MarshallSign, marshallSign, randomConfig, RBM, spinHilbert, squareLattice, tjHilbert, TranslationSymmetric,
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

function finiteDifferenceCheck(model: WaveFunction, x: Int8Array, checks: number, seed: number): void {
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
        const pairs: number[] = [];
        for (const [i, j] of [...L.bonds1, ...L.bonds2]) if (x[i] !== x[j]) pairs.push(i, j);
        const m = pairs.length / 2;
        const la = new Float64Array(m);
        const sg = new Float64Array(m);
        model.logPsiSwapped!(x, Int32Array.from(pairs), m, la, sg);
        for (let k = 0; k < m; k++) {
          const y = x.slice();
          y[pairs[2 * k]] = x[pairs[2 * k + 1]];
          y[pairs[2 * k + 1]] = x[pairs[2 * k]];
          const ref = model.logPsi(y);
          expect(la[k]).toBeCloseTo(ref.logAbs, 10);
          expect(sg[k]).toBe(ref.sign);
        }
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

describe('translation symmetrization', () => {
  it('makes the CNN invariant under every translation, and its log-derivatives match finite differences', () => {
    const L = squareLattice(4, 4);
    const h = spinHilbert(16);
    const cnn = new CNN(h, L, { blocks: [{ kernel: 3, channels: 4 }], outputInitScale: 2 }, 3);
    const sym = new TranslationSymmetric(new MarshallSign(cnn, L), h, L);
    const x = randomConfig(h, 4);
    const shift = (y: Int8Array, dr: number, dc: number) => {
      const z = new Int8Array(16);
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) z[((r + dr) % 4) * 4 + ((c + dc) % 4)] = y[r * 4 + c];
      return z;
    };
    const base = sym.logPsi(x);
    // The bare CNN is only invariant under even shifts; the symmetrized one under all.
    expect(cnn.logPsi(shift(x, 0, 1)).logAbs).not.toBeCloseTo(cnn.logPsi(x).logAbs, 6);
    expect(cnn.logPsi(shift(x, 2, 2)).logAbs).toBeCloseTo(cnn.logPsi(x).logAbs, 10);
    for (const [dr, dc] of [[0, 1], [1, 0], [1, 3], [3, 2]]) {
      const r = sym.logPsi(shift(x, dr, dc));
      expect(r.logAbs).toBeCloseTo(base.logAbs, 10);
      expect(r.sign).toBe(base.sign);
    }
    finiteDifferenceCheck(sym, x, 40, 9);
    // Its fast path for local energies agrees with evaluating each swapped configuration.
    const pairs = Int32Array.from(L.bonds1.filter(([i, j]) => x[i] !== x[j]).flat());
    const m = pairs.length / 2;
    const la = new Float64Array(m);
    const sg = new Float64Array(m);
    sym.logPsiSwapped!(x, pairs, m, la, sg);
    for (let k = 0; k < m; k++) {
      const y = x.slice();
      y[pairs[2 * k]] = x[pairs[2 * k + 1]];
      y[pairs[2 * k + 1]] = x[pairs[2 * k]];
      expect(la[k]).toBeCloseTo(sym.logPsi(y).logAbs, 10);
      expect(sg[k]).toBe(sym.logPsi(y).sign);
    }
    expect(() => new TranslationSymmetric(cnn, tjHilbert(16, 2), L)).toThrow(/spin Hilbert spaces only/);
  });
});
