import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  assignParams,
  countParams,
  flattenParams,
  mapParams,
  paramLayout,
  unflattenParams,
} from '../src/params.js';

describe('params', () => {
  it('lays weights out in name order with offsets', () => {
    const layout = paramLayout({ a: { shape: [2, 3] }, b: { shape: [4] }, c: { shape: [] } });
    expect(layout.size).toBe(11);
    expect(layout.entries.map((e) => [e.name, e.offset, e.size])).toEqual([
      ['a', 0, 6],
      ['b', 6, 4],
      ['c', 10, 1],
    ]);
  });

  it('flatten then unflatten is the identity', () => {
    const w = { k: tf.tensor2d([[1, 2], [3, 4]]), b: tf.tensor1d([5, 6, 7]) };
    const { vector, layout } = flattenParams(w);
    expect(Array.from(vector)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(countParams(w)).toBe(7);
    const back = unflattenParams(vector, layout);
    expect(back.k.shape).toEqual([2, 2]);
    expect(Array.from(back.k.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(back.b.dataSync())).toEqual([5, 6, 7]);
    tf.dispose([w, back]);
  });

  it('assignParams writes a vector back into variables', () => {
    const vars = { k: tf.variable(tf.zeros([2, 2])), b: tf.variable(tf.zeros([1])) };
    assignParams(vars, new Float32Array([1, 2, 3, 4, 9]));
    expect(Array.from(vars.k.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(vars.b.dataSync())).toEqual([9]);
    expect(() => assignParams(vars, new Float32Array(3))).toThrow(/length 3, layout expects 5/);
    tf.dispose([vars.k, vars.b]);
  });

  it('rejects non-float weights and maps over names', () => {
    const i = tf.tensor1d([1, 2], 'int32');
    expect(() => flattenParams({ i })).toThrow(/'i' has dtype int32/);
    const doubled = mapParams({ x: tf.ones([2]) }, (w, name) => (name === 'x' ? tf.mul(w, 2) : w));
    expect(Array.from(doubled.x.dataSync())).toEqual([2, 2]);
    tf.dispose([i, doubled]);
  });
});
