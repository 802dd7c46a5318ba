import { Rng, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '@proj/core';
import { SpectralNorm } from '../src/index.js';

let id = 0;
const variable = (values: Float32Array, shape: number[]) => tf.variable(tf.tensor(values, shape), true, `sn_test_${id++}`);

/** Largest singular value of M [rows, cols] as sqrt(max eig(M^T M)). */
function topSingularValue(m: Float32Array, rows: number, cols: number): number {
  const mtm = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) for (let r = 0; r < rows; r++) mtm[i * cols + j] += m[r * cols + i] * m[r * cols + j];
  return Math.sqrt(Math.max(...symmetricEigen(mtm, cols).values));
}

describe('SpectralNorm', () => {
  it('finds the known singular value of a rank-one kernel a b^T: |a| |b|', () => {
    const a = [1, 2, 2]; // |a| = 3
    const b = [0, 3, 4]; // |b| = 5
    const m = new Float32Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[i * 3 + j] = a[i] * b[j];
    const w = variable(m, [3, 3]);
    const sn = new SpectralNorm(w, new Rng(0));
    const s = sn.sigma();
    expect(s.dataSync()[0]).toBeCloseTo(15, 4);
    tf.dispose([s, w]);
  });

  it('converges to the top singular value of a conv kernel [3, 3, 4, 8] (from an eigensolve of M^T M)', () => {
    const rng = new Rng(1);
    const values = rng.normalArray(3 * 3 * 4 * 8);
    const w = variable(values, [3, 3, 4, 8]);
    const sn = new SpectralNorm(w, rng);
    for (let i = 0; i < 200; i++) sn.powerIteration();
    const expected = topSingularValue(values, 36, 8);
    const s = sn.sigma();
    expect(s.dataSync()[0]).toBeCloseTo(expected, 3);
    // The normalized kernel's top singular value is 1.
    const normalized = sn.normalized(false);
    expect(topSingularValue(normalized.dataSync() as Float32Array, 36, 8)).toBeCloseTo(1, 3);
    tf.dispose([s, normalized, w]);
  });

  it('gives d sigma / dW = v u^T, matching finite differences', () => {
    const rng = new Rng(2);
    const values = rng.normalArray(12);
    const w = variable(values, [4, 3]);
    const sn = new SpectralNorm(w, rng);
    for (let i = 0; i < 100; i++) sn.powerIteration();
    const { grads } = tf.variableGrads(() => sn.sigma(), [w]);
    const g = grads[w.name].dataSync();
    const eps = 1e-2;
    for (const k of [0, 5, 11]) {
      const at = (delta: number) => {
        const v = Float32Array.from(values);
        v[k] += delta;
        return topSingularValue(v, 4, 3);
      };
      expect(g[k]).toBeCloseTo((at(eps) - at(-eps)) / (2 * eps), 2);
    }
    tf.dispose([w, grads[w.name]]);
  });

  it('rejects a rank-1 tensor', () => {
    const w = tf.variable(tf.zeros([3]), true, `sn_test_${id++}`);
    expect(() => new SpectralNorm(w, new Rng(0))).toThrow(/rank >= 2/);
    w.dispose();
  });
});
