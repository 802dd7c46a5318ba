import { initBackend, Rng, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSmallVgg } from '../src/experiments/small_vgg.js';

beforeAll(async () => {
  await initBackend();
});

describe('buildSmallVgg', () => {
  it('stacks conv-BN-relu stages with max pools, global average pooling and 10 logits; the parameter count is the one by hand', () => {
    const model = buildSmallVgg({ widths: [8, 16], convsPerStage: 2 }, new Rng(0));
    const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs.map((l) => (l.getWeights()[0] as tf.Tensor).shape)).toEqual([[3, 3, 1, 8], [3, 3, 8, 8], [3, 3, 8, 16], [3, 3, 16, 16]]);
    expect(model.layers.filter((l) => l.getClassName() === 'MaxPooling2D').length).toBe(1);
    // kernels 72 + 576 + 1152 + 2304, batch norm 4 per channel (8, 8, 16, 16), dense 16 * 10 + 10.
    expect(model.countParams()).toBe(72 + 576 + 1152 + 2304 + 4 * (8 + 8 + 16 + 16) + 170);
    const y = tf.tidy(() => model.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor);
    expect(y.shape).toEqual([2, 10]);
    y.dispose();
    model.dispose();
  });

  it('is seeded: the same rng seed gives the same kernels', () => {
    const a = buildSmallVgg({ widths: [4], convsPerStage: 1 }, new Rng(3));
    const b = buildSmallVgg({ widths: [4], convsPerStage: 1 }, new Rng(3));
    const c = buildSmallVgg({ widths: [4], convsPerStage: 1 }, new Rng(4));
    const k = (m: tf.Sequential) => Array.from(m.layers[0].getWeights()[0].dataSync());
    expect(k(a)).toEqual(k(b));
    expect(k(a)).not.toEqual(k(c));
    for (const m of [a, b, c]) m.dispose();
  });

  it('rejects empty or fractional widths and a zero conv count', () => {
    expect(() => buildSmallVgg({ widths: [], convsPerStage: 1 }, new Rng(0))).toThrow(/widths/);
    expect(() => buildSmallVgg({ widths: [8.5], convsPerStage: 1 }, new Rng(0))).toThrow(/widths/);
    expect(() => buildSmallVgg({ widths: [8], convsPerStage: 0 }, new Rng(0))).toThrow(/convsPerStage/);
  });
});
