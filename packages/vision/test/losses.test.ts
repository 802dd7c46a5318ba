import { initBackend, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { barlowTwinsLoss, byolLoss, ntXentLoss, sinkhorn, swavLoss } from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

const t2 = (rows: number[][]) => tf.tensor2d(rows);
const value = (s: tf.Scalar) => {
  const v = s.dataSync()[0];
  s.dispose();
  return v;
};

/** NT-Xent by its definition, with explicit loops. */
function ntXentReference(z1: number[][], z2: number[][], t: number): number {
  const z = [...z1, ...z2].map((r) => {
    const n = Math.hypot(...r);
    return r.map((v) => v / n);
  });
  const m = z.length;
  const sim = (a: number, b: number) => z[a].reduce((s, v, j) => s + v * z[b][j], 0) / t;
  let total = 0;
  for (let i = 0; i < m; i++) {
    const j = (i + m / 2) % m;
    let denom = 0;
    for (let k = 0; k < m; k++) if (k !== i) denom += Math.exp(sim(i, k));
    total += -Math.log(Math.exp(sim(i, j)) / denom);
  }
  return total / m;
}

describe('NT-Xent (SimCLR)', () => {
  it('equals log(2 + e) - 1 for two orthogonal pairs at temperature 1', () => {
    // Each view: positive similarity 1, negatives 0 and 0.
    const z = [[1, 0], [0, 1]];
    expect(value(ntXentLoss(t2(z), t2(z), 1))).toBeCloseTo(Math.log(2 + Math.E) - 1, 5);
  });

  it('matches the definition on an unnormalized batch of three pairs', () => {
    const z1 = [[1, 2, 0], [0.5, -1, 2], [3, 0, 1]];
    const z2 = [[1, 1.5, 0.2], [-1, 0, 1], [2, 1, -1]];
    expect(value(ntXentLoss(t2(z1), t2(z2), 0.5))).toBeCloseTo(ntXentReference(z1, z2, 0.5), 4);
  });

  it('has the gradient that finite differences give', () => {
    const z1 = [[1, 2], [0.5, -1], [3, 0.5]];
    const z2 = [[1, 1.5], [-1, 0.3], [2, 1]];
    const x = tf.variable(t2(z1));
    const { grads } = tf.variableGrads(() => ntXentLoss(x as unknown as tf.Tensor2D, t2(z2), 0.5), [x]);
    const g = grads[x.name].arraySync() as number[][];
    const h = 1e-3;
    for (const [i, j] of [[0, 0], [1, 1], [2, 0]]) {
      const plus = z1.map((r) => [...r]);
      const minus = z1.map((r) => [...r]);
      plus[i][j] += h;
      minus[i][j] -= h;
      const fd = (ntXentReference(plus, z2, 0.5) - ntXentReference(minus, z2, 0.5)) / (2 * h);
      expect(g[i][j]).toBeCloseTo(fd, 3);
    }
    tf.dispose([x, ...Object.values(grads)]);
  });

  it('rejects mismatched views and a batch of one', () => {
    expect(() => ntXentLoss(t2([[1, 0]]), t2([[1, 0]]))).toThrow(/at least 2 pairs/);
    expect(() => ntXentLoss(t2([[1, 0], [0, 1]]), t2([[1, 0, 0], [0, 1, 0]]))).toThrow(/one shape/);
  });
});

describe('BYOL loss', () => {
  it('is 2 - 2 cos: 2 - sqrt(2) at 45 degrees, 0 when aligned, 4 when opposite (batch mean)', () => {
    expect(value(byolLoss(t2([[1, 0]]), t2([[1, 1]])))).toBeCloseTo(2 - Math.SQRT2, 5);
    expect(value(byolLoss(t2([[2, 0], [0, 3]]), t2([[5, 0], [0, -1]])))).toBeCloseTo((0 + 4) / 2, 5);
  });

  it('sends no gradient into the target', () => {
    const p = tf.variable(t2([[1, 0.5]]));
    const z = tf.variable(t2([[0.2, 1]]));
    const { grads } = tf.variableGrads(() => byolLoss(p as unknown as tf.Tensor2D, z as unknown as tf.Tensor2D), [p, z]);
    expect(Math.abs(tf.sum(tf.abs(grads[p.name])).dataSync()[0])).toBeGreaterThan(0.01);
    expect(tf.sum(tf.abs(grads[z.name])).dataSync()[0]).toBe(0);
    tf.dispose([p, z, ...Object.values(grads)]);
  });
});

describe('Sinkhorn-Knopp (SwAV)', () => {
  const scores = t2([
    [0.9, 0.1, -0.3, 0.2],
    [0.5, 0.7, 0.0, -0.1],
    [-0.2, 0.3, 0.8, 0.4],
    [0.1, -0.5, 0.6, 0.9],
    [0.3, 0.3, 0.3, 0.3],
    [0.95, 0.9, -0.9, 0.0],
  ]);

  it('gives rows that sum to 1 after any number of iterations', () => {
    for (const iterations of [1, 3]) {
      const q = sinkhorn(scores, { iterations });
      for (const s of tf.sum(q, 1).arraySync() as number[]) expect(s).toBeCloseTo(1, 5);
      q.dispose();
    }
  });

  it('gives columns that sum to batch / prototypes when it converges', () => {
    const q = sinkhorn(scores, { iterations: 200, epsilon: 0.5 });
    for (const s of tf.sum(q, 0).arraySync() as number[]) expect(s).toBeCloseTo(6 / 4, 3);
    for (const s of tf.sum(q, 1).arraySync() as number[]) expect(s).toBeCloseTo(1, 5);
    q.dispose();
  });

  it('keeps the codes of a doubly-symmetric matrix at the softmax (already balanced)', () => {
    const q = sinkhorn(t2([[1, 0], [0, 1]]), { epsilon: 1, iterations: 3 });
    const a = Math.E / (1 + Math.E);
    expect(q.arraySync()).toEqual([
      [expect.closeTo(a, 5), expect.closeTo(1 - a, 5)],
      [expect.closeTo(1 - a, 5), expect.closeTo(a, 5)],
    ]);
    q.dispose();
  });
});

describe('SwAV loss', () => {
  it('equals the entropy of the codes when both views score alike at tau = epsilon = 1', () => {
    const s = [[1, 0], [0, 1]];
    const a = Math.E / (1 + Math.E);
    const entropy = -(a * Math.log(a) + (1 - a) * Math.log(1 - a));
    expect(value(swavLoss(t2(s), t2(s), 1, { epsilon: 1, iterations: 3 }))).toBeCloseTo(entropy, 5);
  });

  it('is symmetric in the two views', () => {
    const s1 = t2([[0.9, 0.1, -0.3], [0.5, 0.7, 0.0], [-0.2, 0.3, 0.8]]);
    const s2 = t2([[0.2, 0.6, 0.1], [0.4, -0.7, 0.3], [0.1, 0.1, 0.9]]);
    expect(value(swavLoss(s1, s2))).toBeCloseTo(value(swavLoss(s2, s1)), 5);
  });
});

describe('Barlow Twins loss', () => {
  it('is (1 - C11)^2 + (1 - C22)^2 + lambda (C12^2 + C21^2) on a hand-computed case', () => {
    // Standardized columns are +-1; C = [[1, -1], [1, -1]] up to the 1e-5 variance epsilon.
    const c = 1 / Math.sqrt(1 + 1e-5) ** 2;
    const expected = (1 - c) ** 2 + (1 + c) ** 2 + 0.1 * (c * c + c * c);
    expect(value(barlowTwinsLoss(t2([[1, 1], [-1, -1]]), t2([[1, -1], [-1, 1]]), 0.1))).toBeCloseTo(expected, 4);
  });

  it('is 0 for identical views with uncorrelated, standardized features', () => {
    const z = [[1, 1], [1, -1], [-1, 1], [-1, -1]];
    expect(value(barlowTwinsLoss(t2(z), t2(z)))).toBeCloseTo(0, 4);
  });

  it('does not depend on the scale or offset of the features', () => {
    const z1 = [[1, 2, 0], [0.5, -1, 2], [3, 0, 1], [0, 1, 1]];
    const z2 = [[1, 1.5, 0.2], [-1, 0, 1], [2, 1, -1], [0.3, 0.3, 0]];
    const shifted = z1.map((r) => r.map((v) => 3 * v + 7));
    expect(value(barlowTwinsLoss(t2(shifted), t2(z2)))).toBeCloseTo(value(barlowTwinsLoss(t2(z1), t2(z2))), 3);
  });
});
