import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@proj/core';

/**
 * Byte-pair-encoding subword tokenizer (Sennrich et al. 2016) with
 * SentencePiece's word-boundary mark: each word starts with `▁`, so decoding
 * is concatenation and whitespace is restored exactly (up to collapsing runs).
 * mBART's special tokens and its language-id tokens are part of the vocabulary.
 */
export const WORD_START = '\u2581';

/** mBART's specials: padding, sentence start/end, unknown, and the denoising mask. */
export const SPECIAL_TOKENS = ['<pad>', '<s>', '</s>', '<unk>', '<mask>'] as const;
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;
export const MASK_ID = 4;

/** The language-id token of a language code, mBART's `[en_XX]` shortened to `[en]`. */
export const langToken = (lang: string) => `[${lang}]`;

export interface BpeTrainOptions {
  /** Total vocabulary size including specials, language tokens and characters. */
  vocabSize: number;
  /** Language codes that get an id token, e.g. `['en', 'de', 'fr']`. */
  langs: readonly string[];
  /** Characters seen fewer times become `<unk>`; default 2 (drops stray symbols). */
  minCharCount?: number;
}

interface SavedBpe {
  format: 'proj-nlg-bpe';
  version: 1;
  langs: string[];
  vocab: string[];
  merges: [string, string][];
}

const splitWords = (text: string) => text.split(/\s+/).filter((w) => w !== '');

export class BpeTokenizer {
  readonly vocab: readonly string[];
  readonly langs: readonly string[];
  readonly merges: readonly (readonly [string, string])[];
  private readonly ids: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, number[]>();

  constructor(vocab: readonly string[], merges: readonly (readonly [string, string])[], langs: readonly string[]) {
    SPECIAL_TOKENS.forEach((t, i) => {
      if (vocab[i] !== t) throw new Error(`BpeTokenizer: vocab[${i}] must be ${t}, got ${vocab[i]}`);
    });
    this.vocab = vocab;
    this.merges = merges;
    this.langs = langs;
    this.ids = new Map(vocab.map((t, i) => [t, i]));
    if (this.ids.size !== vocab.length) throw new Error('BpeTokenizer: vocab has duplicate tokens');
    for (const l of langs) if (!this.ids.has(langToken(l))) throw new Error(`BpeTokenizer: vocab lacks the language token ${langToken(l)}`);
    this.ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
  }

  get size(): number {
    return this.vocab.length;
  }

  /** The id of a language's token. */
  langId(lang: string): number {
    const id = this.ids.get(langToken(lang));
    if (id === undefined) throw new Error(`BpeTokenizer: unknown language ${JSON.stringify(lang)}; known: ${this.langs.join(', ')}`);
    return id;
  }

  tokenId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Subword pieces of one word (without the `▁` mark), merges applied by rank. */
  private encodeWord(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let sym = [WORD_START + word[0], ...word.slice(1)].flatMap((s, i) => (i === 0 && !this.ids.has(s) ? [WORD_START, s.slice(1)] : [s]));
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < sym.length; i++) {
        const r = this.ranks.get(`${sym[i]} ${sym[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      sym = [...sym.slice(0, best), sym[best] + sym[best + 1], ...sym.slice(best + 2)];
    }
    const ids = sym.map((s) => this.ids.get(s) ?? UNK_ID);
    this.cache.set(word, ids);
    return ids;
  }

  /** Token ids of a text (no specials added). */
  encode(text: string): number[] {
    return splitWords(text).flatMap((w) => this.encodeWord(w));
  }

  /** Subword ids of each word of a text, for word-level noising that must not split a word. */
  encodeWords(text: string): number[][] {
    return splitWords(text).map((w) => this.encodeWord(w));
  }

  /** Text of token ids; specials and language tokens are dropped. */
  decode(ids: readonly number[]): string {
    const nSpecial = SPECIAL_TOKENS.length + this.langs.length;
    let s = '';
    for (const id of ids) {
      if (id === UNK_ID) s += '\u2047';
      else if (id >= nSpecial && id < this.vocab.length) s += this.vocab[id];
    }
    return s.split(WORD_START).filter((w) => w !== '').join(' ');
  }

  toJSON(): SavedBpe {
    return { format: 'proj-nlg-bpe', version: 1, langs: [...this.langs], vocab: [...this.vocab], merges: this.merges.map(([a, b]) => [a, b]) };
  }

  static fromJSON(json: unknown): BpeTokenizer {
    const j = json as Partial<SavedBpe>;
    if (j?.format !== 'proj-nlg-bpe' || j.version !== 1 || !Array.isArray(j.vocab) || !Array.isArray(j.merges) || !Array.isArray(j.langs)) {
      throw new Error('BpeTokenizer.fromJSON: not a proj-nlg-bpe version 1 tokenizer');
    }
    return new BpeTokenizer(j.vocab, j.merges, j.langs);
  }

  save(path: string): void {
    writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(this.toJSON())));
  }

  static load(path: string): BpeTokenizer {
    return BpeTokenizer.fromJSON(JSON.parse(readFileSync(path, 'utf8')));
  }
}

/**
 * Learns BPE merges on a corpus: start from characters (each word's first
 * one carries `▁`), repeatedly merge the most frequent adjacent pair (ties
 * broken by the pair's text, so training is deterministic) until the
 * vocabulary is full. Pair counts are updated only for the words a merge touches.
 */
export function trainBpe(texts: Iterable<string>, opts: BpeTrainOptions): BpeTokenizer {
  const { vocabSize, langs, minCharCount = 2 } = opts;
  const wordFreq = new Map<string, number>();
  for (const t of texts) for (const w of splitWords(t)) wordFreq.set(w, (wordFreq.get(w) ?? 0) + 1);
  const charFreq = new Map<string, number>();
  const words: string[][] = [];
  const freqs: number[] = [];
  for (const [w, f] of [...wordFreq].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const sym = [WORD_START + w[0], ...w.slice(1)];
    words.push(sym);
    freqs.push(f);
    for (const c of [WORD_START, ...w]) charFreq.set(c, (charFreq.get(c) ?? 0) + f);
  }
  const base = [...SPECIAL_TOKENS, ...langs.map(langToken)];
  const chars = [...charFreq].filter(([, f]) => f >= minCharCount).map(([c]) => c).sort();
  const vocab = [...base, ...chars];
  // Word-initial symbols `▁x` are tokens of their own from the start.
  const initial = new Map<string, number>();
  words.forEach((w, i) => initial.set(w[0], (initial.get(w[0]) ?? 0) + freqs[i]));
  for (const [s, f] of [...initial].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (f >= minCharCount && !vocab.includes(s)) vocab.push(s);
  if (vocab.length > vocabSize) throw new Error(`trainBpe: vocabSize ${vocabSize} is below the ${vocab.length} specials and characters`);

  const pairCount = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const addWord = (i: number, sign: number) => {
    const w = words[i];
    for (let j = 0; j + 1 < w.length; j++) {
      const k = `${w[j]} ${w[j + 1]}`;
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freqs[i]);
      if (sign > 0) {
        let s = pairWords.get(k);
        if (!s) pairWords.set(k, (s = new Set()));
        s.add(i);
      }
    }
  };
  for (let i = 0; i < words.length; i++) addWord(i, 1);
  const merges: [string, string][] = [];
  const known = new Set(vocab);
  while (vocab.length < vocabSize) {
    let best = '';
    let bestCount = 0;
    for (const [k, c] of pairCount) if (c > bestCount || (c === bestCount && c > 0 && k < best)) [best, bestCount] = [k, c];
    if (bestCount < 2) break;
    const [a, b] = best.split(' ');
    const merged = a + b;
    merges.push([a, b]);
    if (!known.has(merged)) {
      known.add(merged);
      vocab.push(merged);
    }
    for (const i of pairWords.get(best) ?? []) {
      addWord(i, -1);
      const w = words[i];
      const out: string[] = [];
      for (let j = 0; j < w.length; j++) {
        if (j + 1 < w.length && w[j] === a && w[j + 1] === b) {
          out.push(merged);
          j++;
        } else out.push(w[j]);
      }
      words[i] = out;
      addWord(i, 1);
    }
    pairWords.delete(best);
    pairCount.delete(best);
  }
  return new BpeTokenizer(vocab, merges, langs);
}
