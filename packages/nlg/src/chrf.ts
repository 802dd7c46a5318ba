/**
 * chrF (Popović 2015) as sacreBLEU computes it by default: character n-grams
 * of orders 1..6 with whitespace removed, beta = 2, statistics summed over the
 * corpus, F computed from the precision and recall averaged over the orders
 * that occur. With several references each sentence uses its best-scoring one.
 */
export interface ChrfOptions {
  charOrder?: number;
  beta?: number;
}

function charNgrams(s: string, n: number): Map<string, number> {
  const chars = [...s];
  const out = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const g = chars.slice(i, i + n).join('');
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Per order: [hyp n-grams, ref n-grams, matches]. */
function sentenceStats(hyp: string, ref: string, order: number): number[] {
  const h = hyp.replace(/\s+/g, '');
  const r = ref.replace(/\s+/g, '');
  const out: number[] = [];
  for (let n = 1; n <= order; n++) {
    const hg = charNgrams(h, n);
    const rg = charNgrams(r, n);
    let hTot = 0;
    let rTot = 0;
    let match = 0;
    for (const c of hg.values()) hTot += c;
    for (const [g, c] of rg) {
      rTot += c;
      match += Math.min(c, hg.get(g) ?? 0);
    }
    out.push(hTot, rTot, match);
  }
  return out;
}

function fScore(stats: readonly number[], order: number, beta: number): number {
  const f = beta * beta;
  let p = 0;
  let r = 0;
  let eff = 0;
  for (let n = 0; n < order; n++) {
    const [hTot, rTot, match] = stats.slice(3 * n, 3 * n + 3);
    if (hTot > 0 && rTot > 0) {
      p += match / hTot;
      r += match / rTot;
      eff++;
    }
  }
  if (eff === 0) return 0;
  p /= eff;
  r /= eff;
  return p + r > 0 ? (100 * (1 + f) * p * r) / (f * p + r) : 0;
}

/** Corpus chrF; `refs[k][i]` is the k-th reference of hypothesis i. */
export function corpusChrf(hyps: readonly string[], refs: readonly (readonly string[])[], opts: ChrfOptions = {}): number {
  const { charOrder = 6, beta = 2 } = opts;
  if (refs.length === 0) throw new Error('corpusChrf: refs must hold at least one reference stream');
  for (const [k, r] of refs.entries()) {
    if (r.length !== hyps.length) throw new Error(`corpusChrf: refs[${k}] has ${r.length} sentences, hyps has ${hyps.length}`);
  }
  const total = new Array<number>(3 * charOrder).fill(0);
  for (let i = 0; i < hyps.length; i++) {
    let best: number[] | null = null;
    let bestF = -1;
    for (const stream of refs) {
      const s = sentenceStats(hyps[i], stream[i], charOrder);
      const f = fScore(s, charOrder, beta);
      if (f > bestF) [best, bestF] = [s, f];
    }
    best!.forEach((v, j) => (total[j] += v));
  }
  return fScore(total, charOrder, beta);
}
