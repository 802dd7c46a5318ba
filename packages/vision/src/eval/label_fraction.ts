/** Label efficiency: training on a stratified fraction (1%, 10%, 100%) of the labelled images. */
import { toRng, type Rng } from '@proj/core';

/** Stratified subset: from each class, round(fraction x count) indices (at least 1), drawn without replacement. */
export function labelFraction(labels: Int32Array, fraction: number, seed: number | Rng): Int32Array {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`labelFraction: fraction must be in (0, 1], got ${fraction}`);
  const rng = toRng(seed);
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => {
    const members = byClass.get(l);
    if (members) members.push(i);
    else byClass.set(l, [i]);
  });
  const out: number[] = [];
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(key)!;
    const perm = rng.permutation(members.length);
    const m = Math.max(1, Math.round(fraction * members.length));
    for (let i = 0; i < m; i++) out.push(members[perm[i]]);
  }
  return Int32Array.from(out.sort((a, b) => a - b));
}
