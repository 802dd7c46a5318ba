/**
 * FedFTG's two uses of the selected clients' label counts n_k^c
 * (official code: methods/train_gan_fn.py).
 */
import type { Rng } from '@proj/core';

/**
 * Customized label sampling: `total` labels whose class frequencies follow
 * the summed counts sum_k n_k^c. As in the official generate_labels, class c
 * gets the examples between floor(total * F(c-1)) and floor(total * F(c)) of
 * the cumulative shares F, then the labels are shuffled.
 */
export function sampleLabels(total: number, classTotals: ArrayLike<number>, rng: Rng): Int32Array {
  if (!Number.isInteger(total) || total < 1) throw new Error(`sampleLabels: total must be an integer >= 1, got ${total}`);
  let sum = 0;
  for (let c = 0; c < classTotals.length; c++) {
    if (!(classTotals[c] >= 0)) throw new Error(`sampleLabels: classTotals[${c}] = ${classTotals[c]} must be >= 0`);
    sum += classTotals[c];
  }
  if (!(sum > 0)) throw new Error('sampleLabels: classTotals sum to 0 (the selected clients hold no labels)');
  const labels = new Int32Array(total);
  let cumulative = 0;
  let start = 0;
  for (let c = 0; c < classTotals.length; c++) {
    cumulative += classTotals[c];
    const end = c === classTotals.length - 1 ? total : Math.floor((cumulative / sum) * total);
    labels.fill(c, start, end);
    start = Math.max(start, end);
  }
  return rng.shuffle(labels);
}

/**
 * Class-level ensemble weights: weight[c][k] = n_k^c / (sum_j n_j^c + 1e-6),
 * teacher k's say on class c (the 1e-6 of the official code keeps an absent
 * class at weight 0 instead of NaN).
 */
export function ensembleWeights(counts: readonly ArrayLike<number>[]): Float64Array[] {
  if (counts.length === 0) throw new Error('ensembleWeights: counts is empty (no teachers)');
  const numClasses = counts[0].length;
  counts.forEach((row, k) => {
    if (row.length !== numClasses) throw new Error(`ensembleWeights: counts[${k}] has ${row.length} classes, counts[0] has ${numClasses}`);
  });
  const out: Float64Array[] = [];
  for (let c = 0; c < numClasses; c++) {
    let total = 0;
    for (const row of counts) total += row[c];
    out.push(Float64Array.from(counts, (row) => row[c] / (total + 1e-6)));
  }
  return out;
}
