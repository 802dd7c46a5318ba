/**
 * FedSpa's server aggregation of sparse client models. The paper's text does
 * not pin it down; two readings are offered (REFERENCES.md):
 * - `covering` (default; the same group's DisPFL code): each coordinate is the
 *   mean of the values of the clients whose mask covers it; a coordinate no
 *   client covers keeps the previous global value.
 * - `update` (a third-party FedSpa reimplementation): the previous global plus
 *   the mean over all K clients of their sparse updates m_k (w_k - w).
 */
export type SparseAggregation = 'covering' | 'update';

export interface SparseModel {
  /** Client values in the global layout (entries outside the mask are ignored). */
  values: Float32Array;
  mask: Uint8Array;
}

export function coveringAverage(previous: Float32Array, models: readonly SparseModel[], mode: SparseAggregation = 'covering'): Float32Array {
  if (models.length === 0) throw new Error('coveringAverage: no client models to aggregate');
  if (mode !== 'covering' && mode !== 'update') throw new Error(`coveringAverage: mode must be 'covering' or 'update', got ${JSON.stringify(mode)}`);
  const n = previous.length;
  models.forEach((m, k) => {
    if (m.values.length !== n || m.mask.length !== n) {
      throw new Error(`coveringAverage: models[${k}] has ${m.values.length} values and ${m.mask.length} mask entries, the global vector has ${n}`);
    }
  });
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  for (const { values, mask } of models) {
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      sum[i] += mode === 'covering' ? values[i] : values[i] - previous[i];
      count[i]++;
    }
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (mode === 'update') out[i] = previous[i] + sum[i] / models.length;
    else out[i] = count[i] > 0 ? sum[i] / count[i] : previous[i];
  }
  return out;
}
