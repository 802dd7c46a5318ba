import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  applyMask,
  deserializeMasks,
  intersectMasks,
  maskStats,
  maskTensor,
  onesMask,
  serializeMasks,
  unionMasks,
  weightMask,
} from '../src/masks.js';

describe('masks', () => {
  it('zeroes exactly the pruned entries of a variable, to +0', () => {
    const v = tf.variable(tf.tensor2d([[1, -2, 3], [4, -5, 6]]));
    applyMask({ w: v }, { w: weightMask([2, 3], [1, 0, 1, 0, 0, 1]) });
    // toEqual tells -0 from +0 (Object.is): a product with the mask would leave -0 at -2 and -5.
    expect(Array.from(v.dataSync())).toEqual([1, 0, 3, 0, 0, 6]);
    const t = maskTensor(tf.ones([2]), weightMask([2], [0, 1]));
    expect(Array.from(t.dataSync())).toEqual([0, 1]);
    tf.dispose([v, t]);
  });

  it('counts kept weights globally and per layer', () => {
    const s = maskStats({ a: weightMask([4], [1, 1, 0, 0]), b: weightMask([2, 2], [1, 1, 1, 0]) });
    expect(s).toEqual({ kept: 5, total: 8, density: 5 / 8, perLayer: { a: 0.5, b: 0.75 } });
  });

  it('intersects and unions element-wise', () => {
    const a = { w: weightMask([4], [1, 1, 0, 0]) };
    const b = { w: weightMask([4], [1, 0, 1, 0]) };
    expect(Array.from(intersectMasks(a, b).w.data)).toEqual([1, 0, 0, 0]);
    expect(Array.from(unionMasks(a, b).w.data)).toEqual([1, 1, 1, 0]);
    expect(() => intersectMasks(a, { v: weightMask([4], [1, 1, 1, 1]) })).toThrow(/different weights/);
  });

  it('round-trips through bit-packed JSON', () => {
    const m = { conv: weightMask([3, 3], [1, 0, 0, 1, 1, 0, 1, 0, 1]), dense: weightMask([2], [0, 1]) };
    const s = serializeMasks(m);
    // 9 bits, least significant first: bits 0,3,4,6 -> 1+8+16+64 = 0x59, then bit 8 -> 0x01
    expect(Buffer.from(s.masks.conv.bits, 'base64')).toEqual(Buffer.from([0x59, 0x01]));
    const back = deserializeMasks(JSON.parse(JSON.stringify(s)));
    expect(Array.from(back.conv.data)).toEqual(Array.from(m.conv.data));
    expect(back.dense.shape).toEqual([2]);
  });

  it('rejects bad masks with named errors', () => {
    expect(() => weightMask([2], [1, 2])).toThrow(/not 0 or 1/);
    expect(() => weightMask([3], [1, 0])).toThrow(/do not fill shape/);
    const v = tf.variable(tf.zeros([2]));
    expect(() => applyMask({ v }, { w: weightMask([2], [1, 1]) })).toThrow(/mask 'w' names no variable/);
    expect(() => applyMask({ v }, { v: weightMask([3], [1, 1, 1]) })).toThrow(/shape \[3\], weight has \[2\]/);
    expect(maskStats(onesMask({ v })).density).toBe(1);
    v.dispose();
  });
});
