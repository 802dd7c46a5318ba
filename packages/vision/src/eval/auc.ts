/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability
 * that a random positive scores above a random negative, ties counting 1/2;
 * and a percentile bootstrap confidence interval (Efron & Tibshirani 1993),
 * resampling images with replacement.
 */
import { toRng, type Rng } from '@proj/core';

function checkScores(scores: ArrayLike<number>, labels: ArrayLike<number>, what: string): void {
  if (scores.length !== labels.length) throw new Error(`${what}: scores (${scores.length}) and labels (${labels.length}) must have equal length`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new Error(`${what}: labels must be 0 or 1, got labels[${i}] = ${labels[i]}`);
    if (!Number.isFinite(scores[i])) throw new Error(`${what}: scores[${i}] = ${scores[i]} is not finite`);
  }
}

/** AUC of `scores` for binary `labels`; NaN when one class is absent. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkScores(scores, labels, 'auc');
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  // Sum of the positives' mid-ranks (ties share the average rank).
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (labels[order[t]] === 1) {
      rankSum += midRank;
      positives++;
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface AucInterval {
  auc: number;
  low: number;
  high: number;
}

/** AUC with a percentile bootstrap interval; resamples lacking a class are redrawn. */
export function bootstrapAuc(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { samples?: number; confidence?: number; seed: number | Rng },
): AucInterval {
  const { samples = 1000, confidence = 0.95 } = options;
  if (!(Number.isInteger(samples) && samples >= 1)) throw new Error(`bootstrapAuc: samples must be an integer >= 1, got ${samples}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`bootstrapAuc: confidence must be in (0, 1), got ${confidence}`);
  const point = auc(scores, labels);
  if (Number.isNaN(point)) throw new Error('bootstrapAuc: labels need both classes');
  const rng = toRng(options.seed);
  const n = scores.length;
  const s = new Float64Array(n);
  const l = new Int32Array(n);
  const values: number[] = [];
  while (values.length < samples) {
    for (let i = 0; i < n; i++) {
      const k = rng.int(n);
      s[i] = scores[k];
      l[i] = labels[k];
    }
    const a = auc(s, l);
    if (!Number.isNaN(a)) values.push(a);
  }
  values.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  const at = (q: number) => values[Math.min(samples - 1, Math.max(0, Math.floor(q * samples)))];
  return { auc: point, low: at(alpha), high: at(1 - alpha) };
}
