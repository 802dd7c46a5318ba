import { describe, expect, it } from 'vitest';
import { beamSearch, type NextTokenLogProbs } from '../src/index.js';

const EOS = 0;
/** A toy model over tokens {0: </s>, 1: a, 2: b} given as a table of next-token probabilities per prefix. */
function toyModel(table: Record<string, number[]>): NextTokenLogProbs {
  return (prefixes) => prefixes.map((p) => Float32Array.from(table[p.join(',')] ?? [1, 0, 0], (x) => Math.log(x)));
}

describe('beam search', () => {
  // Greedy takes 'a' (0.6) then must spread over three weak options (best 0.4 -> 0.24 overall);
  // 'b' (0.4) is followed by </s> with 0.9 -> 0.36, the best sequence.
  const table = {
    '': [0, 0.6, 0.4],
    '1': [0.4, 0.3, 0.3],
    '2': [0.9, 0.05, 0.05],
    '1,1': [1, 0, 0],
    '1,2': [1, 0, 0],
  };

  it('finds the known best sequence that greedy decoding misses', () => {
    const greedy = beamSearch(toyModel(table), { beamSize: 1, maxLen: 5, lengthPenalty: 0, eosId: EOS });
    expect(greedy[0].tokens).toEqual([1]);
    expect(greedy[0].logProb).toBeCloseTo(Math.log(0.6 * 0.4), 5);
    const beam = beamSearch(toyModel(table), { beamSize: 2, maxLen: 5, lengthPenalty: 0, eosId: EOS });
    expect(beam[0].tokens).toEqual([2]);
    expect(beam[0].logProb).toBeCloseTo(Math.log(0.4 * 0.9), 5);
  });

  it('ranks by logProb / length^alpha (fairseq), so a length penalty can prefer a longer hypothesis', () => {
    // Short: </s> at once, p = 0.5, length 1. Long: a a </s>, p = 0.5*0.7*1 = 0.35, length 3.
    const t = { '': [0.5, 0.5, 0], '1': [0.3, 0.7, 0], '1,1': [1, 0, 0] };
    const raw = beamSearch(toyModel(t), { beamSize: 3, maxLen: 4, lengthPenalty: 0, eosId: EOS });
    expect(raw[0].tokens).toEqual([]);
    const normed = beamSearch(toyModel(t), { beamSize: 3, maxLen: 4, lengthPenalty: 1, eosId: EOS });
    expect(normed[0].tokens).toEqual([1, 1]);
    expect(normed[0].score).toBeCloseTo(Math.log(0.35) / 3, 5);
  });

  it('stops at maxLen and validates its options', () => {
    const loop: NextTokenLogProbs = (prefixes) => prefixes.map(() => Float32Array.from([0.01, 0.98, 0.01], Math.log));
    const out = beamSearch(loop, { beamSize: 2, maxLen: 3, lengthPenalty: 1, eosId: EOS });
    expect(out[0].tokens.length).toBeLessThanOrEqual(3);
    expect(() => beamSearch(loop, { beamSize: 0, maxLen: 3, lengthPenalty: 1, eosId: EOS })).toThrow(/beamSize must be an integer >= 1/);
  });
});
