/**
 * Beam search with fairseq's length penalty: finished hypotheses are ranked
 * by sum(log p) / length^alpha (alpha = `lenpen`, 1.0 in mBART's generation
 * scripts; 0 ranks by raw log-probability). Written against a step function so
 * any model (or a toy table in tests) can drive it.
 */
export interface BeamSearchOptions {
  beamSize: number;
  maxLen: number;
  /** fairseq's `--lenpen`; mBART/CSR4mBART generate with 1.0. */
  lengthPenalty: number;
  eosId: number;
}

/** Log-probabilities of the next token for each prefix (prefixes exclude the start token). */
export type NextTokenLogProbs = (prefixes: readonly (readonly number[])[]) => Float32Array[];

export interface Hypothesis {
  tokens: number[];
  /** Sum of log-probabilities (including the end token). */
  logProb: number;
  /** logProb / length^alpha, the ranking score. */
  score: number;
}

/** The best hypotheses (best first); tokens exclude the end token. */
export function beamSearch(step: NextTokenLogProbs, opts: BeamSearchOptions): Hypothesis[] {
  const { beamSize, maxLen, lengthPenalty, eosId } = opts;
  if (!(Number.isInteger(beamSize) && beamSize >= 1)) throw new Error(`beamSearch: beamSize must be an integer >= 1, got ${beamSize}`);
  if (!(Number.isInteger(maxLen) && maxLen >= 1)) throw new Error(`beamSearch: maxLen must be an integer >= 1, got ${maxLen}`);
  const norm = (logProb: number, len: number) => logProb / Math.pow(Math.max(len, 1), lengthPenalty);
  let beams: { tokens: number[]; logProb: number }[] = [{ tokens: [], logProb: 0 }];
  const finished: Hypothesis[] = [];
  for (let t = 0; t < maxLen && beams.length > 0; t++) {
    const lp = step(beams.map((b) => b.tokens));
    const cands: { tokens: number[]; logProb: number; eos: boolean }[] = [];
    beams.forEach((b, i) => {
      const row = lp[i];
      // Only the top 2k of each row can survive the global top-k.
      const top = Array.from(row.keys())
        .sort((x, y) => row[y] - row[x])
        .slice(0, 2 * beamSize);
      for (const v of top) if (row[v] > -Infinity) cands.push({ tokens: [...b.tokens, v], logProb: b.logProb + row[v], eos: v === eosId || t === maxLen - 1 });
    });
    cands.sort((a, b) => b.logProb - a.logProb);
    beams = [];
    for (const c of cands) {
      if (beams.length >= beamSize) break;
      if (c.eos) {
        const tokens = c.tokens[c.tokens.length - 1] === eosId ? c.tokens.slice(0, -1) : c.tokens;
        // Length counts the end token, as fairseq does.
        finished.push({ tokens, logProb: c.logProb, score: norm(c.logProb, c.tokens.length) });
      } else beams.push(c);
    }
    // Stop once beamSize hypotheses finished and no live beam can beat the worst of the best.
    if (finished.length >= beamSize) {
      const kth = [...finished].sort((a, b) => b.score - a.score)[beamSize - 1].score;
      const bestLive = beams.length ? Math.max(...beams.map((b) => (lengthPenalty >= 0 && b.logProb < 0 ? norm(b.logProb, maxLen) : b.logProb))) : -Infinity;
      if (bestLive <= kth) break;
    }
  }
  return finished.sort((a, b) => b.score - a.score).slice(0, beamSize);
}
