/**
 * Positions of the k largest `scores[c]` over the candidate indices `c`, in
 * candidate order. Ties at the threshold go to the earliest candidates, so the
 * count is exactly k and the choice is deterministic. O(n log n) through one
 * native typed-array sort of the candidates' scores.
 */
export function topK(scores: ArrayLike<number>, candidates: Int32Array, k: number): Int32Array {
  const n = candidates.length;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`topK: k must be an integer in [0, ${n}], got ${k}`);
  const out = new Int32Array(k);
  if (k === 0) return out;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = scores[candidates[i]];
  sorted.sort();
  const threshold = sorted[n - k];
  let above = 0;
  for (let i = 0; i < n; i++) if (scores[candidates[i]] > threshold) above++;
  let ties = k - above;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[candidates[i]];
    if (s > threshold || (s === threshold && ties-- > 0)) out[o++] = candidates[i];
  }
  return out;
}

/** 0..n-1 as candidates. */
export function allIndices(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
