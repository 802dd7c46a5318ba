/**
 * Weighted k-nearest-neighbour classification on L2-normalized embeddings
 * (Wu et al. 2018, as in DINO's evaluation): the k most cosine-similar
 * training points vote with weight exp(sim / T); k = 20, T = 0.07.
 */
import type { FeatureSet } from './linear_probe.js';

export interface KnnConfig {
  k: number;
  temperature: number;
}

export const KNN_DEFAULTS: KnnConfig = { k: 20, temperature: 0.07 };

function normalizedRows(x: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length / dim; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[i * dim + j] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < dim; j++) out[i * dim + j] = x[i * dim + j] * inv;
  }
  return out;
}

/** Test accuracy of the kNN vote. */
export function knnAccuracy(train: FeatureSet, test: FeatureSet, dim: number, numClasses: number, config: Partial<KnnConfig> = {}): number {
  const { k, temperature } = { ...KNN_DEFAULTS, ...config };
  const nTrain = train.y.length;
  if (!(Number.isInteger(k) && k >= 1 && k <= nTrain)) throw new Error(`knnAccuracy: k must be an integer in [1, ${nTrain}], got ${k}`);
  if (train.x.length !== nTrain * dim || test.x.length !== test.y.length * dim) {
    throw new Error(`knnAccuracy: x must be [n, ${dim}] matching y`);
  }
  const a = normalizedRows(train.x, dim);
  const b = normalizedRows(test.x, dim);
  const sims = new Float32Array(nTrain);
  let correct = 0;
  for (let i = 0; i < test.y.length; i++) {
    for (let t = 0; t < nTrain; t++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += b[i * dim + j] * a[t * dim + j];
      sims[t] = s;
    }
    const nearest = Array.from(sims.keys()).sort((p, q) => sims[q] - sims[p]).slice(0, k);
    const votes = new Float64Array(numClasses);
    for (const t of nearest) votes[train.y[t]] += Math.exp(sims[t] / temperature);
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (votes[c] > votes[best]) best = c;
    if (best === test.y[i]) correct++;
  }
  return correct / test.y.length;
}
