import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/**
 * Recycled output arrays (src/kernels/output.ts): a disposed output is reused
 * by the next output of its length, but never while anything else can still
 * see it (dataSync/data, a shared data id, a view in another tensor).
 */
import * as tf from '../src/tf.js';
import { registerFastKernels, unregisterFastKernels, useNative } from '../src/kernels/index.js';
import type { CpuLikeBackend } from '../src/kernels/cpu_data.js';
import { outputPoolStats, overwrittenOutput, recycleOutputs, releaseOutputPool } from '../src/kernels/output.js';
import { Rng } from '../src/rng.js';

const N = 4096;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  releaseOutputPool();
  recycleOutputs(true);
});

afterAll(() => {
  unregisterFastKernels();
  useNative(false);
});

const backend = (): CpuLikeBackend => tf.backend() as unknown as CpuLikeBackend;

/** A tensor made the way our native kernels make outputs, filled with `value`. */
function output(value: number, shape: number[] = [N]): { t: tf.Tensor; array: Float32Array } {
  const array = overwrittenOutput(backend(), shape.reduce((a, b) => a * b, 1));
  array.fill(value);
  return { t: tf.engine().makeTensorFromTensorInfo(backend().makeTensorInfo(shape, 'float32', array)), array };
}

const valuesOf = (t: tf.Tensor): unknown => backend().data.get(t.dataId).values;

describe('recycled output arrays', () => {
  it('reuse a disposed output for the next output of the same length only', () => {
    const a = output(1);
    a.t.dispose();
    expect(outputPoolStats()).toEqual({ bytes: N * 4, arrays: 1 });
    const other = output(2, [N + 1]);
    expect(other.array).not.toBe(a.array);
    const b = output(3);
    expect(b.array).toBe(a.array);
    expect(outputPoolStats().arrays).toBe(0);
    tf.dispose([other.t, b.t]);
  });

  it('never reuse an array handed out by dataSync or data', async () => {
    const a = output(1);
    const seen = a.t.dataSync();
    a.t.dispose();
    const b = output(2);
    const c = output(3);
    const later = await c.t.data();
    c.t.dispose();
    const d = output(4);
    expect(b.array).not.toBe(a.array);
    expect(d.array).not.toBe(c.array);
    expect(seen[0]).toBe(1);
    expect(later[N - 1]).toBe(3);
    tf.dispose([b.t, d.t]);
  });

  it('wait for every holder of a shared data id (reshape, clone, variable)', () => {
    const a = output(1);
    const r = tf.reshape(a.t, [64, 64]);
    const c = tf.clone(a.t);
    const v = tf.variable(a.t);
    a.t.dispose();
    r.dispose();
    expect(output(9).array).not.toBe(a.array);
    c.dispose();
    expect(output(9).array).not.toBe(a.array);
    expect(Array.from(v.dataSync().slice(0, 2))).toEqual([1, 1]);
    const b = output(2);
    v.assign(b.t); // the variable now holds b's data id (dataSync above made a's escape anyway)
    b.t.dispose();
    expect(output(3).array).not.toBe(b.array);
    v.dispose();
    expect(output(4).array).toBe(b.array);
  });

  it('never reuse an array that a stock kernel turned into a view of another tensor', () => {
    const a = output(7);
    const s = tf.slice(a.t, [N / 2], [N / 4]); // the cpu backend returns a subarray view
    expect((valuesOf(s) as Float32Array).buffer).toBe(a.array.buffer);
    a.t.dispose();
    const b = output(8);
    expect(b.array).not.toBe(a.array);
    expect(s.dataSync()[0]).toBe(7);
    tf.dispose([s, b.t]);
  });

  it('never reuse an array written into a second tensor', () => {
    const a = output(5);
    const twin = tf.engine().makeTensorFromTensorInfo(backend().makeTensorInfo([N], 'float32', a.array));
    a.t.dispose();
    expect(output(6).array).not.toBe(a.array);
    twin.dispose();
    expect(output(6).array).not.toBe(a.array);
  });

  it('can be turned off, and the pool released', () => {
    expect(recycleOutputs(false)).toBe(true);
    const a = output(1);
    a.t.dispose();
    expect(output(2).array).not.toBe(a.array);
    recycleOutputs(true);
    const b = output(3);
    b.t.dispose();
    expect(outputPoolStats().arrays).toBe(1);
    releaseOutputPool();
    expect(outputPoolStats()).toEqual({ bytes: 0, arrays: 0 });
    expect(output(4).array).not.toBe(b.array);
  });

  it('leave a native CNN training run bit-identical to one without recycling', () => {
    if (!useNative(true).available) {
      useNative(false);
      return;
    }
    registerFastKernels();
    const run = (): number[] => {
      const rng = new Rng(3);
      const x = tf.tensor(rng.normalArray(8 * 12 * 12 * 3), [8, 12, 12, 3]);
      const w1 = tf.variable(tf.mul(tf.tensor(rng.normalArray(3 * 3 * 3 * 16), [3, 3, 3, 16]), 0.2));
      const w2 = tf.variable(tf.mul(tf.tensor(rng.normalArray(6 * 6 * 16 * 4), [6 * 6 * 16, 4]), 0.05));
      const b1 = tf.variable(tf.zeros([16]));
      const opt = tf.train.adam(0.001);
      const losses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const loss = opt.minimize(() => {
          const h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Variable<tf.Rank.R4>, 1, 'same'), b1) as tf.Tensor4D), 2, 2, 'valid');
          return tf.mean(tf.square(tf.matMul(tf.reshape(h, [8, -1]), w2)));
        }, true) as tf.Scalar;
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      }
      tf.dispose([x, w1, w2, b1]);
      opt.dispose();
      return losses;
    };
    const recycled = run();
    expect(outputPoolStats().arrays).toBeGreaterThan(0);
    recycleOutputs(false);
    const fresh = run();
    expect(recycled).toEqual(fresh);
    expect(recycled[5]).toBeLessThan(recycled[0]);
    useNative(false);
  });
});
