import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { codeSwitch, CSR_CODE_SWITCH, MASK_ID, mbartNoise, splitPunctuation } from '../src/index.js';

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const variance = (a: number[]) => mean(a.map((x) => (x - mean(a)) ** 2));

describe('code-switching generator (CSR)', () => {
  const dict = new Map(['open', 'the', 'file', 'window', 'close', 'save'].map((w) => [w, [`${w.toUpperCase()}1`, `${w.toUpperCase()}2`, `${w.toUpperCase()}3`, `${w.toUpperCase()}4`]]));
  const words = ['open', 'the', 'file', 'window', 'close', 'save', 'unknown', 'words'];

  it('chooses 35% of words as span starts, spans Poisson(3.5), and replaces exactly the covered translatable words', () => {
    const rng = new Rng(11);
    let starts = 0;
    let total = 0;
    let wrong = 0;
    const spans: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const n = 6 + (i % 15);
      const sent = Array.from({ length: n }, (_, j) => words[(i * 7 + j * 3) % words.length]);
      const r = codeSwitch(sent.join(' '), dict, rng);
      starts += r.spanLengths.length;
      total += n;
      spans.push(...r.spanLengths);
      const out = r.text.split(' ');
      sent.forEach((w, j) => {
        const ok = r.replaced[j] === (r.covered[j] && dict.has(w)) && (r.replaced[j] ? dict.get(w)!.slice(0, 3).includes(out[j]) : out[j] === w);
        if (!ok) wrong++;
      });
    }
    expect(wrong).toBe(0);
    expect(starts / total).toBeCloseTo(0.35, 2);
    // Poisson: mean = variance = lambda.
    expect(mean(spans)).toBeGreaterThan(3.4);
    expect(mean(spans)).toBeLessThan(3.6);
    expect(variance(spans)).toBeGreaterThan(3.3);
    expect(variance(spans)).toBeLessThan(3.7);
    const p0 = spans.filter((s) => s === 0).length / spans.length;
    expect(p0).toBeCloseTo(Math.exp(-3.5), 2);
  }, 60_000);

  it('uses only the top 3 translations, each about equally often, keeps punctuation, and is seeded', () => {
    const counts = new Map<string, number>();
    const rng = new Rng(3);
    for (let i = 0; i < 3000; i++) {
      const r = codeSwitch('file', dict, rng, { ...CSR_CODE_SWITCH, startRate: 1, poissonLambda: 50 });
      counts.set(r.text, (counts.get(r.text) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['FILE1', 'FILE2', 'FILE3']);
    for (const c of counts.values()) expect(c / 3000).toBeCloseTo(1 / 3, 1);
    expect(splitPunctuation('(file).')).toEqual(['(', 'file', ').']);
    expect(codeSwitch('the file.', dict, new Rng(1), { ...CSR_CODE_SWITCH, startRate: 1, poissonLambda: 50 }).text).toMatch(/^THE\d FILE\d\.$/);
    const a = codeSwitch('open the file window', dict, new Rng(9)).text;
    expect(codeSwitch('open the file window', dict, new Rng(9)).text).toBe(a);
  });
});

describe('mBART denoising', () => {
  it('masks 35% of the words in spans replaced by single <mask> tokens and keeps the target intact', () => {
    const rng = new Rng(5);
    let masked = 0;
    let words = 0;
    for (let i = 0; i < 500; i++) {
      const doc = [Array.from({ length: 10 }, (_, j) => [100 + j]), Array.from({ length: 10 }, (_, j) => [200 + j, 300 + j])];
      const n = mbartNoise(doc, rng);
      masked += n.maskedWords;
      words += n.words;
      expect(n.target).toEqual(doc.flat(2));
      // Source = kept tokens + masks; never two masks from one run of masked words.
      const kept = n.source.filter((t) => t !== MASK_ID).length;
      const keptWords = 20 - n.maskedWords;
      expect(kept).toBeGreaterThanOrEqual(keptWords);
      expect(n.source.filter((t) => t === MASK_ID).length).toBeGreaterThan(0);
    }
    expect(masked / words).toBeCloseTo(0.35, 2);
  });

  it('permutes sentences only when asked', () => {
    const doc = [[[1]], [[2]], [[3]], [[4]], [[5]]];
    const off = mbartNoise(doc, new Rng(2), { maskRatio: 0, poissonLambda: 3.5, permuteSentences: false });
    expect(off.source).toEqual([1, 2, 3, 4, 5]);
    let moved = 0;
    for (let s = 0; s < 20; s++) {
      const on = mbartNoise(doc, new Rng(s), { maskRatio: 0, poissonLambda: 3.5, permuteSentences: true });
      expect([...on.source].sort()).toEqual([1, 2, 3, 4, 5]);
      if (on.source.join() !== '1,2,3,4,5') moved++;
    }
    expect(moved).toBeGreaterThan(15);
  });
});
