import { describe, expect, it } from 'vitest';
import { corpusBleu, corpusChrf, lowFrequencyAccuracy, tokenize13a, warmupDecay } from '../src/index.js';

// sacreBLEU's README example (sacrebleu 2.x, `BLEU()` and `CHRF()` defaults).
const sys = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const refs = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];

describe('BLEU with sacreBLEU conventions', () => {
  it("reproduces sacreBLEU's documented example: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 hyp_len = 17 ref_len = 18)", () => {
    const b = corpusBleu(sys, refs);
    expect(b.score).toBeCloseTo(48.53, 2);
    expect(b.precisions.map((p) => Math.round(p * 10) / 10)).toEqual([82.4, 50.0, 45.5, 37.5]);
    expect(b.bp).toBeCloseTo(0.943, 3);
    expect([b.sysLen, b.refLen]).toEqual([17, 18]);
  });

  it('tokenizes like mteval-v13a', () => {
    expect(tokenize13a("It wasn't surprising.")).toBe("It wasn't surprising .");
    expect(tokenize13a('Cost: 3,000.50 (approx) &amp; more-or-less')).toBe('Cost : 3,000.50 ( approx ) & more-or-less');
    expect(tokenize13a('1999-2000')).toBe('1999 - 2000');
  });

  it('gives 0 without smoothing when an order has no match, and the mteval 1/2^k value with exp', () => {
    // hyp "a b c d" vs ref "a b x d": 1-grams 3/4, 2-grams 1/3, 3-grams 0/2, 4-grams 0/1, BP 1.
    expect(corpusBleu(['a b c d'], [['a b x d']]).score).toBe(0);
    const exp = corpusBleu(['a b c d'], [['a b x d']], { smooth: 'exp' });
    const expected = 100 * Math.exp((Math.log(3 / 4) + Math.log(1 / 3) + Math.log(1 / (2 * 2)) + Math.log(1 / (4 * 1))) / 4);
    expect(exp.score).toBeCloseTo(expected, 10);
    expect(corpusBleu(['x'], [['x y z w']]).bp).toBeCloseTo(Math.exp(1 - 4), 10);
    expect(() => corpusBleu(['a'], [['a', 'b']])).toThrow(/refs\[0\] has 2 sentences/);
  });
});

describe('chrF', () => {
  it("reproduces sacreBLEU's documented example: chrF2 = 59.73", () => {
    expect(corpusChrf(sys, refs)).toBeCloseTo(59.73, 2);
  });

  it('is 100 for identical text, ignores whitespace, and matches a hand count', () => {
    expect(corpusChrf(['abc def'], [['abcdef']])).toBeCloseTo(100, 10);
    // "ab" vs "ac": 1-grams P=R=1/2; 2-grams P=R=0 (one each); orders 3..6 absent. avg P=R=1/4 -> F=1/4.
    expect(corpusChrf(['ab'], [['ac']])).toBeCloseTo(25, 10);
  });
});

describe('low-frequency word accuracy', () => {
  it('counts only reference words rare in the training targets, with clipping', () => {
    const train = ['common word common', 'common'];
    const r = lowFrequencyAccuracy(['rare common', 'nothing'], ['rare rare common', 'other'], train, 1);
    // Rare reference tokens: rare, rare, other (common occurs 3 times; 'word' once but absent). Hits: one 'rare'.
    expect(r).toEqual({ accuracy: 1 / 3, words: 3 });
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly and decays linearly to zero', () => {
    const s = { peak: 1, warmupSteps: 4, totalSteps: 12 };
    expect([0, 1, 3, 4, 8, 12].map((t) => warmupDecay(t, s))).toEqual([0.25, 0.5, 1, 1, 0.5, 0]);
    expect(() => warmupDecay(0, { peak: 1, warmupSteps: 5, totalSteps: 5 })).toThrow(/warmupSteps < totalSteps/);
  });
});
