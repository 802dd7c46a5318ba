import { tokenize13a } from './bleu.js';

/**
 * Accuracy on low-frequency words, the paper's analysis of rare-word
 * translation: among reference words (13a tokens, lower-cased) that occur at
 * most `maxTrainCount` times in the training targets, the fraction (with
 * clipped counts, as BLEU's unigrams) that the hypothesis contains.
 */
export function lowFrequencyAccuracy(
  hyps: readonly string[],
  refs: readonly string[],
  trainTargets: readonly string[],
  maxTrainCount = 5,
): { accuracy: number; words: number } {
  if (hyps.length !== refs.length) throw new Error(`lowFrequencyAccuracy: ${hyps.length} hypotheses but ${refs.length} references`);
  const toks = (s: string) => tokenize13a(s.toLowerCase()).split(' ').filter((t) => t !== '' && /[\p{L}]/u.test(t));
  const freq = new Map<string, number>();
  for (const t of trainTargets) for (const w of toks(t)) freq.set(w, (freq.get(w) ?? 0) + 1);
  let hit = 0;
  let total = 0;
  for (let i = 0; i < refs.length; i++) {
    const h = new Map<string, number>();
    for (const w of toks(hyps[i])) h.set(w, (h.get(w) ?? 0) + 1);
    for (const w of toks(refs[i])) {
      if ((freq.get(w) ?? 0) > maxTrainCount) continue;
      total++;
      const c = h.get(w) ?? 0;
      if (c > 0) {
        hit++;
        h.set(w, c - 1);
      }
    }
  }
  return { accuracy: total === 0 ? 0 : hit / total, words: total };
}
