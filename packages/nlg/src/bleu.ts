/**
 * Corpus BLEU (Papineni et al. 2002) with sacreBLEU's conventions (Post
 * 2018): the `13a` tokenizer of mteval-v13a.pl on detokenized text, clipped
 * n-gram counts (n = 1..4) summed over the corpus, the closest reference
 * length for the brevity penalty, scores in 0..100.
 */

/** sacreBLEU's `13a` tokenization (mteval-v13a's Western-language rules). */
export function tokenize13a(line: string): string {
  let s = line.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (s.includes('&')) s = s.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  s = ` ${s} `;
  // Punctuation and symbols: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  // Period and comma, unless both neighbours are digits.
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2');
  // Dash after a digit.
  s = s.replace(/([0-9])(-)/g, '$1 $2 ');
  return s.split(/\s+/).filter((t) => t !== '').join(' ');
}

export type BleuSmoothing = 'none' | 'exp' | 'floor';

export interface BleuOptions {
  /**
   * What to do with an n-gram order without matches. `'none'` (this
   * package's default, as the issue asks) gives BLEU 0 then; `'exp'` is
   * sacreBLEU's default (mteval's 1/2^k); `'floor'` uses 0.1 matches.
   * They differ only when some order has zero matches.
   */
  smooth?: BleuSmoothing;
  /** Lower-case before tokenizing; sacreBLEU default false. */
  lowercase?: boolean;
  maxOrder?: number;
}

export interface BleuScore {
  score: number;
  /** Modified n-gram precisions in percent, n = 1..maxOrder. */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
  /** Clipped matches and totals per order, for combining corpora. */
  counts: number[];
  totals: number[];
}

function ngrams(tokens: readonly string[], maxOrder: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const k = tokens.slice(i, i + n).join(' ');
      out.set(k, (out.get(k) ?? 0) + 1);
    }
  }
  return out;
}

/**
 * Corpus BLEU of hypotheses against one or more reference streams:
 * `refs[k][i]` is the k-th reference of hypothesis i, as in sacreBLEU's
 * `corpus_score(sys, refs)`.
 */
export function corpusBleu(hyps: readonly string[], refs: readonly (readonly string[])[], opts: BleuOptions = {}): BleuScore {
  const { smooth = 'none', lowercase = false, maxOrder = 4 } = opts;
  if (refs.length === 0) throw new Error('corpusBleu: refs must hold at least one reference stream');
  for (const [k, r] of refs.entries()) {
    if (r.length !== hyps.length) throw new Error(`corpusBleu: refs[${k}] has ${r.length} sentences, hyps has ${hyps.length}`);
  }
  const tok = (s: string) => {
    const t = tokenize13a(lowercase ? s.toLowerCase() : s);
    return t === '' ? [] : t.split(' ');
  };
  const counts = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  for (let i = 0; i < hyps.length; i++) {
    const h = tok(hyps[i]);
    const maxRef = new Map<string, number>();
    let closest = -1;
    for (const stream of refs) {
      const r = tok(stream[i]);
      const d = Math.abs(r.length - h.length);
      const dBest = Math.abs(closest - h.length);
      if (closest < 0 || d < dBest || (d === dBest && r.length < closest)) closest = r.length;
      for (const [g, c] of ngrams(r, maxOrder)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, c));
    }
    sysLen += h.length;
    refLen += closest;
    for (const [g, c] of ngrams(h, maxOrder)) counts[g.split(' ').length - 1] += Math.min(c, maxRef.get(g) ?? 0);
    for (let n = 1; n <= maxOrder; n++) totals[n - 1] += Math.max(0, h.length - n + 1);
  }
  const precisions = new Array<number>(maxOrder).fill(0);
  let smoothExp = 1;
  for (let n = 0; n < maxOrder; n++) {
    if (totals[n] === 0) break;
    if (counts[n] > 0) precisions[n] = (100 * counts[n]) / totals[n];
    else if (smooth === 'exp') precisions[n] = 100 / ((smoothExp *= 2) * totals[n]);
    else if (smooth === 'floor') precisions[n] = (100 * 0.1) / totals[n];
  }
  const bp = sysLen === 0 ? 0 : sysLen < refLen ? Math.exp(1 - refLen / sysLen) : 1;
  const score = precisions.every((p) => p > 0) ? bp * Math.exp(precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder) : 0;
  return { score, precisions, bp, sysLen, refLen, counts, totals };
}
