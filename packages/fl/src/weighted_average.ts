/** sum_k w_k x_k / sum_k w_k over equal-length vectors (float64 accumulation). */
export function weightedAverage(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  if (vectors.length === 0) throw new Error('weightedAverage: no vectors to average');
  if (weights.length !== vectors.length) throw new Error(`weightedAverage: ${vectors.length} vectors but ${weights.length} weights`);
  const n = vectors[0].length;
  let total = 0;
  for (let k = 0; k < weights.length; k++) {
    if (!(weights[k] >= 0) || !Number.isFinite(weights[k])) throw new Error(`weightedAverage: weights[${k}] = ${weights[k]} must be finite and >= 0`);
    if (vectors[k].length !== n) throw new Error(`weightedAverage: vectors[${k}] has length ${vectors[k].length}, vectors[0] has ${n}`);
    total += weights[k];
  }
  if (!(total > 0)) throw new Error('weightedAverage: weights sum to 0');
  const acc = new Float64Array(n);
  for (let k = 0; k < vectors.length; k++) {
    const w = weights[k] / total;
    const v = vectors[k];
    for (let i = 0; i < n; i++) acc[i] += w * v[i];
  }
  return Float32Array.from(acc);
}
