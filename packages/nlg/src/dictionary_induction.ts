import type { BilingualDictionary } from './dictd.js';
import { splitPunctuation } from './code_switch.js';
import type { SentencePair } from './gettext_corpus.js';

/**
 * A bilingual dictionary induced from the task's own parallel training data.
 * The paper induces it from monolingual embeddings with an orthogonal mapping
 * (MUSE); with the task's sentence pairs at hand, this uses the simpler
 * co-occurrence statistic of word alignment work: the Dice coefficient
 * 2 c(s,t) / (c(s) + c(t)) over sentence pairs, top-K targets per source word.
 */
export interface InductionOptions {
  /** Translations kept per word; the paper uses top 3. */
  topK?: number;
  /** Pairs must co-occur at least this often; default 3. */
  minCount?: number;
  /** Pairs below this Dice coefficient are dropped; default 0.1. */
  minDice?: number;
}

// Words made of letters (and inner hyphens) only: placeholders like `%s` and option lists are not words.
const WORD = /^\p{L}[\p{L}-]*$/u;
const wordsOf = (s: string, lower: boolean) => [
  ...new Set(
    s
      .split(/\s+/)
      .map((w) => splitPunctuation(w)[1])
      .map((w) => (lower ? w.toLowerCase() : w))
      .filter((w) => WORD.test(w)),
  ),
];

export function induceDictionary(pairs: readonly SentencePair[], opts: InductionOptions = {}): BilingualDictionary {
  const { topK = 3, minCount = 3, minDice = 0.1 } = opts;
  const cs = new Map<string, number>();
  const ct = new Map<string, number>();
  const cst = new Map<string, Map<string, number>>();
  for (const p of pairs) {
    const s = wordsOf(p.src, true);
    // Target words keep their case (German nouns are capitalized).
    const t = wordsOf(p.tgt, false);
    for (const w of s) cs.set(w, (cs.get(w) ?? 0) + 1);
    for (const w of t) ct.set(w, (ct.get(w) ?? 0) + 1);
    for (const a of s) {
      let row = cst.get(a);
      if (!row) cst.set(a, (row = new Map()));
      for (const b of t) row.set(b, (row.get(b) ?? 0) + 1);
    }
  }
  const out: BilingualDictionary = new Map();
  for (const [a, row] of [...cst].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const scored = [...row]
      .filter(([, c]) => c >= minCount)
      .map(([b, c]) => ({ b, dice: (2 * c) / (cs.get(a)! + ct.get(b)!) }))
      .filter((x) => x.dice >= minDice)
      .sort((x, y) => y.dice - x.dice || (x.b < y.b ? -1 : 1))
      .slice(0, topK);
    if (scored.length > 0) out.set(a, scored.map((x) => x.b));
  }
  return out;
}

/** Each word's translations from `first`, then from `second`, without repeats, at most `topK`. */
export function mergeDictionaries(first: BilingualDictionary, second: BilingualDictionary, topK = 3): BilingualDictionary {
  const out: BilingualDictionary = new Map();
  for (const k of new Set([...first.keys(), ...second.keys()])) {
    out.set(k, [...new Set([...(first.get(k) ?? []), ...(second.get(k) ?? [])])].slice(0, topK));
  }
  return out;
}

/** The reverse dictionary (target word -> source words, in order of first appearance). */
export function invertDictionary(dict: BilingualDictionary): BilingualDictionary {
  const out: BilingualDictionary = new Map();
  for (const [a, list] of dict) {
    for (const b of list) {
      const key = b.toLowerCase();
      const row = out.get(key) ?? [];
      if (!row.includes(a)) row.push(a);
      out.set(key, row);
    }
  }
  return out;
}
