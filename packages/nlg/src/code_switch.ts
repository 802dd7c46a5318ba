import type { Rng } from '@proj/core';
import type { BilingualDictionary } from './dictd.js';

/**
 * The code-switched input of CSR (Zan et al. 2022, arXiv:2204.07834): word
 * starts are chosen at rate 35%, each opens a span of Poisson(3.5) words, and
 * every word inside a span is replaced by one of its top-3 dictionary
 * translations, chosen uniformly; words without a translation stay. The
 * model is trained to restore the original sentence from it.
 */
export interface CodeSwitchConfig {
  /** Fraction of words chosen as span starts; the paper: 0.35. */
  startRate: number;
  /** Mean span length in words; the paper: 3.5. */
  poissonLambda: number;
  /** How many of a word's best translations to choose from; the paper: 3. */
  topK: number;
}

export const CSR_CODE_SWITCH: CodeSwitchConfig = { startRate: 0.35, poissonLambda: 3.5, topK: 3 };

export interface CodeSwitchedSentence {
  text: string;
  /** Per word: inside a span. */
  covered: boolean[];
  /** Per word: actually replaced (covered and translatable). */
  replaced: boolean[];
  /** Lengths of the sampled spans (before clipping at the sentence end). */
  spanLengths: number[];
}

/** A word's lookup key and the punctuation around it, so `file.` switches as `file` and keeps its period. */
export function splitPunctuation(word: string): [string, string, string] {
  const m = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(word)!;
  return [m[1], m[2], m[3]];
}

export function codeSwitch(sentence: string, dict: BilingualDictionary, rng: Rng, cfg: CodeSwitchConfig = CSR_CODE_SWITCH): CodeSwitchedSentence {
  const { startRate, poissonLambda, topK } = cfg;
  if (!(startRate >= 0 && startRate <= 1)) throw new Error(`codeSwitch: startRate must be in [0, 1], got ${startRate}`);
  if (!(Number.isInteger(topK) && topK >= 1)) throw new Error(`codeSwitch: topK must be an integer >= 1, got ${topK}`);
  const words = sentence.split(/\s+/).filter((w) => w !== '');
  const n = words.length;
  const covered = new Array<boolean>(n).fill(false);
  const spanLengths: number[] = [];
  // Stochastic rounding keeps the expected share of starts at startRate for any sentence length.
  const nStarts = Math.min(n, Math.floor(startRate * n + rng.uniform()));
  const starts = Array.from(rng.permutation(n)).slice(0, nStarts);
  for (const s of starts) {
    const len = rng.poisson(poissonLambda);
    spanLengths.push(len);
    for (let j = s; j < Math.min(n, s + len); j++) covered[j] = true;
  }
  const replaced = new Array<boolean>(n).fill(false);
  const out = words.map((w, j) => {
    if (!covered[j]) return w;
    const [pre, core, post] = splitPunctuation(w);
    const options = dict.get(core.toLowerCase())?.slice(0, topK);
    if (!options || options.length === 0) return w;
    replaced[j] = true;
    return pre + options[rng.int(options.length)] + post;
  });
  return { text: out.join(' '), covered, replaced, spanLengths };
}
