/**
 * Client partitions of a labelled dataset: which example indices each client
 * holds. Three schemes of the federated-learning literature: IID, label skew
 * by a Dirichlet prior (Hsu et al. 2019; the min-size resampling of NIID-Bench,
 * Li et al. 2021, also used by the FedDyn/FedFTG code bases) and pathological
 * shards (McMahan et al. 2017).
 */
import { toRng, type Rng } from '@proj/core';

/** Example indices per client: `clients[k]` indexes into the partitioned labels. */
export type Partition = Int32Array[];

function checkClients(fn: string, numClients: number, n: number): void {
  if (!Number.isInteger(numClients) || numClients < 1) throw new Error(`${fn}: numClients must be an integer >= 1, got ${numClients}`);
  if (numClients > n) throw new Error(`${fn}: numClients (${numClients}) exceeds the number of examples (${n})`);
}

/** A uniformly random split into `numClients` parts whose sizes differ by at most one. */
export function iidPartition(numExamples: number, numClients: number, seed: number | Rng): Partition {
  checkClients('iidPartition', numClients, numExamples);
  const order = toRng(seed).permutation(numExamples);
  const out: Partition = [];
  for (let k = 0; k < numClients; k++) {
    const start = Math.floor((k * numExamples) / numClients);
    const end = Math.floor(((k + 1) * numExamples) / numClients);
    out.push(order.slice(start, end).sort());
  }
  return out;
}

export interface DirichletOptions {
  /** Concentration of the per-class Dirichlet(alpha) over clients; small alpha, few classes per client. */
  alpha: number;
  /** Every client gets at least this many examples (resampled until so; NIID-Bench uses 10). */
  minSize?: number;
  /** Redraws allowed before giving up (a minSize too big for the data never succeeds). */
  maxTries?: number;
  seed: number | Rng;
}

/**
 * Label-skewed partition: for each class c, proportions p_c ~ Dir(alpha 1_K)
 * over the K clients split that class's examples. As in NIID-Bench, a client
 * already holding N/K examples gets no more (p_ck set to 0 and p_c renormalized),
 * and the whole draw is repeated until every client holds at least `minSize`.
 */
export function dirichletPartition(labels: ArrayLike<number>, numClients: number, opts: DirichletOptions): Partition {
  const n = labels.length;
  checkClients('dirichletPartition', numClients, n);
  const { alpha, minSize = 10, maxTries = 1000 } = opts;
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new Error(`dirichletPartition: alpha must be a finite number > 0, got ${alpha}`);
  if (!Number.isInteger(minSize) || minSize < 0 || minSize * numClients > n) {
    throw new Error(`dirichletPartition: minSize must be an integer in [0, ${Math.floor(n / numClients)}] (examples / clients), got ${minSize}`);
  }
  const rng = toRng(opts.seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0) throw new Error(`dirichletPartition: labels[${i}] = ${c} is not a class id >= 0`);
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const cap = n / numClients;
  const concentration = new Float64Array(numClients).fill(alpha);
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const parts: number[][] = Array.from({ length: numClients }, () => []);
    for (const c of classes) {
      const idx = rng.shuffle([...byClass.get(c)!]);
      const p = rng.dirichlet(concentration);
      let sum = 0;
      for (let k = 0; k < numClients; k++) {
        if (parts[k].length >= cap) p[k] = 0;
        sum += p[k];
      }
      // All clients full (only possible at the very end): fall back to the raw draw.
      const q = sum > 0 ? p.map((v) => v / sum) : rng.dirichlet(concentration);
      let start = 0;
      let acc = 0;
      for (let k = 0; k < numClients; k++) {
        acc += q[k];
        const end = k === numClients - 1 ? idx.length : Math.min(idx.length, Math.floor(acc * idx.length));
        for (let j = start; j < end; j++) parts[k].push(idx[j]);
        start = Math.max(start, end);
      }
    }
    if (parts.every((p) => p.length >= minSize)) return parts.map((p) => Int32Array.from(p).sort());
  }
  throw new Error(`dirichletPartition: no draw in ${maxTries} tries gave every client >= ${minSize} examples (alpha ${alpha}); lower minSize or raise alpha`);
}

export interface ShardOptions {
  /** Shards (label-sorted runs of equal length) per client; 2 in McMahan et al. 2017. */
  shardsPerClient?: number;
  seed: number | Rng;
}

/**
 * Pathological non-IID split (McMahan et al. 2017): sort the examples by
 * label, cut them into numClients * shardsPerClient equal shards and deal
 * each client `shardsPerClient` random shards, so a client sees at most that
 * many classes.
 */
export function shardPartition(labels: ArrayLike<number>, numClients: number, opts: ShardOptions): Partition {
  const n = labels.length;
  checkClients('shardPartition', numClients, n);
  const { shardsPerClient = 2 } = opts;
  const numShards = numClients * shardsPerClient;
  if (!Number.isInteger(shardsPerClient) || shardsPerClient < 1 || numShards > n) {
    throw new Error(`shardPartition: shardsPerClient must be an integer in [1, ${Math.floor(n / numClients)}], got ${shardsPerClient}`);
  }
  const rng = toRng(opts.seed);
  // Stable sort by label after a shuffle: within a class the order is random.
  const order = Array.from(rng.permutation(n)).sort((a, b) => labels[a] - labels[b]);
  const shards = rng.permutation(numShards);
  const out: Partition = [];
  for (let k = 0; k < numClients; k++) {
    const mine: number[] = [];
    for (let s = 0; s < shardsPerClient; s++) {
      const shard = shards[k * shardsPerClient + s];
      const start = Math.floor((shard * n) / numShards);
      const end = Math.floor(((shard + 1) * n) / numShards);
      for (let j = start; j < end; j++) mine.push(order[j]);
    }
    out.push(Int32Array.from(mine).sort());
  }
  return out;
}

/** counts[k][c]: examples of class c held by client k (the n_k^c of FedFTG's label sampling). */
export function labelCounts(labels: ArrayLike<number>, partition: Partition, numClasses: number): Int32Array[] {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`labelCounts: numClasses must be an integer >= 1, got ${numClasses}`);
  return partition.map((idx, k) => {
    const counts = new Int32Array(numClasses);
    for (const i of idx) {
      const c = labels[i];
      if (!(c >= 0 && c < numClasses)) throw new Error(`labelCounts: client ${k} holds example ${i} with label ${c}, outside [0, ${numClasses})`);
      counts[c]++;
    }
    return counts;
  });
}
