import type { Rng } from '@proj/core';
import { MASK_ID } from './bpe.js';

/**
 * mBART's noise (Liu et al. 2020, after BART's text infilling and sentence
 * permutation): the sentences of a document are shuffled, then spans of words
 * with Poisson(3.5) lengths are each replaced by one `<mask>` until 35% of the
 * words are masked; a zero-length span inserts a `<mask>`. The model restores
 * the original document.
 */
export interface DenoisingConfig {
  /** Fraction of words masked; mBART: 0.35. */
  maskRatio: number;
  /** Mean span length; mBART: lambda = 3.5. */
  poissonLambda: number;
  /** Shuffle the sentence order; mBART: yes. */
  permuteSentences: boolean;
}

export const MBART_DENOISING: DenoisingConfig = { maskRatio: 0.35, poissonLambda: 3.5, permuteSentences: true };

export interface NoisedDocument {
  /** Noised token ids (encoder input, before the end and language tokens). */
  source: number[];
  /** Original token ids, sentences in their order. */
  target: number[];
  /** Words masked, for rate checks. */
  maskedWords: number;
  words: number;
}

/** A document is a list of sentences, each a list of words, each a list of subword ids. */
export function mbartNoise(doc: readonly (readonly (readonly number[])[])[], rng: Rng, cfg: DenoisingConfig = MBART_DENOISING): NoisedDocument {
  const { maskRatio, poissonLambda, permuteSentences } = cfg;
  if (!(maskRatio >= 0 && maskRatio <= 1)) throw new Error(`mbartNoise: maskRatio must be in [0, 1], got ${maskRatio}`);
  if (!(poissonLambda >= 0)) throw new Error(`mbartNoise: poissonLambda must be >= 0, got ${poissonLambda}`);
  const target = doc.flat(2);
  const order = permuteSentences ? Array.from(rng.permutation(doc.length)) : doc.map((_, i) => i);
  const words = order.flatMap((i) => doc[i]);
  const n = words.length;
  const goal = Math.round(maskRatio * n);
  const masked = new Uint8Array(n);
  const insertBefore = new Uint8Array(n + 1);
  let count = 0;
  // Bounded: each span draw either masks a word or inserts a mask.
  for (let guard = 0; count < goal && guard < 100 * n + 100; guard++) {
    const len = rng.poisson(poissonLambda);
    const start = rng.int(n);
    if (len === 0) {
      insertBefore[start] = 1;
      continue;
    }
    for (let j = start; j < Math.min(n, start + len) && count < goal; j++) {
      if (!masked[j]) {
        masked[j] = 1;
        count++;
      }
    }
  }
  const source: number[] = [];
  for (let j = 0; j < n; j++) {
    if (insertBefore[j]) source.push(MASK_ID);
    if (!masked[j]) source.push(...words[j]);
    // A run of masked words becomes one mask token.
    else if (j === 0 || !masked[j - 1]) source.push(MASK_ID);
  }
  if (insertBefore[n]) source.push(MASK_ID);
  return { source, target, maskedWords: count, words: n };
}
