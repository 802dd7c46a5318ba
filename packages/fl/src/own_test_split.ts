/**
 * Personalized evaluation: a test split for each client drawn from the test
 * set in proportion to that client's own training label counts, as
 * personalized-FL papers (FedSpa, DisPFL) evaluate each client on data from
 * its own distribution.
 */
import { toRng, type Rng } from '@proj/core';

/**
 * Indices into the test set for each client: about `perClient` examples,
 * round(perClient * n_k^c / n_k) of class c drawn without replacement
 * (clients may share test examples). Classes the client never saw get none.
 */
export function ownTestSplits(testLabels: ArrayLike<number>, counts: readonly ArrayLike<number>[], perClient: number, seed: number | Rng): Int32Array[] {
  if (!Number.isInteger(perClient) || perClient < 1) throw new Error(`ownTestSplits: perClient must be an integer >= 1, got ${perClient}`);
  const rng = toRng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < testLabels.length; i++) {
    const c = testLabels[i];
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  return counts.map((row, k) => {
    let total = 0;
    for (let c = 0; c < row.length; c++) total += row[c];
    if (!(total > 0)) throw new Error(`ownTestSplits: counts[${k}] is all zero`);
    const out: number[] = [];
    const r = rng.split();
    for (let c = 0; c < row.length; c++) {
      const want = Math.round((perClient * row[c]) / total);
      if (want === 0) continue;
      const pool = byClass.get(c) ?? [];
      if (pool.length < want) throw new Error(`ownTestSplits: client ${k} needs ${want} test examples of class ${c}, the test set has ${pool.length}`);
      const perm = r.permutation(pool.length);
      for (let j = 0; j < want; j++) out.push(pool[perm[j]]);
    }
    return Int32Array.from(out.sort((a, b) => a - b));
  });
}
