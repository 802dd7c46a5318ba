/**
 * FedSpa's federation (Huang et al. 2022, arXiv:2201.11380): each round the
 * server samples clients as `Server` does, sends each the global values under
 * that client's mask, and aggregates the returned sparse models coordinate-wise
 * over the masks that cover each coordinate (`coveringAverage`). Bytes are
 * counted as they would travel: down, the active values only (the client knows
 * its mask); up, the active values plus the new mask (`sparse_wire.ts`).
 */
import { Rng } from '@proj/core';
import { sampleClients } from './client_sampling.js';
import { coveringAverage, type SparseAggregation } from './covering_average.js';
import { activeCount } from './flat_mask.js';
import type { FedSpaClient, RegrowConfig, SparseFitResult } from './fedspa_client.js';
import type { RoundRecord } from './server.js';
import { sparseMessageBytes } from './sparse_wire.js';

export interface FedSpaConfig {
  /** Share of clients trained per round; 0.1 as the baselines' (FedFTG) setup. */
  fraction: number;
  /** Local SGD step size at round 0, decayed by lrDecay per round (0.1 and 0.998 as the FedDyn/FedFTG code the baselines use). */
  lr: number;
  lrDecay: number;
  seed: number;
  /** Prune rate at round 0 (0.5, cosine-annealed to 0; REFERENCES.md). */
  pruneFraction: number;
  /** Growth criterion after pruning: |gradient| of one dense batch (default) or random. */
  grow: 'gradient' | 'random';
  /** The cosine schedule's horizon in rounds (the planned run length). */
  rounds: number;
  /** Coordinate-wise mean over covering masks (default, DisPFL code) or global + mean sparse update. */
  aggregation: SparseAggregation;
}

export const FEDSPA_DEFAULTS: Omit<FedSpaConfig, 'seed' | 'rounds'> = {
  fraction: 0.1,
  lr: 0.1,
  lrDecay: 0.998,
  pruneFraction: 0.5,
  grow: 'gradient',
  aggregation: 'covering',
};

export class FedSpa {
  global: Float32Array;
  round = 0;
  readonly history: RoundRecord[] = [];
  readonly config: FedSpaConfig;

  constructor(
    readonly clients: readonly FedSpaClient[],
    initial: Float32Array,
    config: Partial<FedSpaConfig> & { seed: number; rounds: number },
  ) {
    if (clients.length === 0) throw new Error('FedSpa: clients is empty');
    clients.forEach((c, i) => {
      if (c.info.id !== i) throw new Error(`FedSpa: clients[${i}] has id ${c.info.id}; ids must be 0..${clients.length - 1} in order`);
      if (c.mask.length !== initial.length) throw new Error(`FedSpa: clients[${i}]'s mask has ${c.mask.length} entries, initial has ${initial.length}`);
    });
    this.config = { ...FEDSPA_DEFAULTS, ...config };
    const { lr, lrDecay, rounds, pruneFraction } = this.config;
    if (!(lr > 0)) throw new Error(`FedSpa: lr must be > 0, got ${lr}`);
    if (!(lrDecay > 0 && lrDecay <= 1)) throw new Error(`FedSpa: lrDecay must be in (0, 1], got ${lrDecay}`);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`FedSpa: rounds must be an integer >= 1, got ${rounds}`);
    if (!(pruneFraction >= 0 && pruneFraction <= 1)) throw new Error(`FedSpa: pruneFraction must be in [0, 1], got ${pruneFraction}`);
    this.global = initial.slice();
  }

  /** Total bytes sent so far, both ways. */
  get bytesSent(): number {
    return this.history.reduce((s, r) => s + r.bytes, 0);
  }

  /** Client k's personalized model: the global values under its mask. */
  personalized(k: number): Float32Array {
    return this.clients[k].personalize(this.global);
  }

  async runRound(): Promise<RoundRecord> {
    const round = this.round;
    const { seed, fraction, lr, lrDecay, pruneFraction, grow, rounds, aggregation } = this.config;
    // The same per-round stream as Server: the same clients are sampled for the same seed.
    const rng = new Rng(seed).split();
    const roundRng = new Rng((rng.nextUint32() ^ Math.imul(round + 1, 0x9e3779b1)) >>> 0);
    const ids = sampleClients(this.clients.length, fraction, roundRng);
    const regrow: RegrowConfig = { pruneFraction, endRound: rounds, grow };
    const size = this.global.length;
    const results: SparseFitResult[] = [];
    let bytes = 0;
    for (const id of ids) {
      const client = this.clients[id];
      bytes += sparseMessageBytes(size, activeCount(client.mask), false);
      const r = await client.fit({ round, params: client.personalize(this.global), lr: lr * Math.pow(lrDecay, round), seed: roundRng.tfSeed(), regrow });
      bytes += sparseMessageBytes(size, activeCount(r.mask), true);
      results.push(r);
    }
    this.global = coveringAverage(this.global, results, aggregation);
    // The simulation has no failures: a client error ends the run.
    const record: RoundRecord = { round, clients: ids, failed: [], bytes, metrics: {} };
    this.history.push(record);
    this.round++;
    return record;
  }

  async run(rounds: number, onRound?: (r: RoundRecord) => void): Promise<RoundRecord[]> {
    if (!Number.isInteger(rounds) || rounds < 0) throw new Error(`FedSpa.run: rounds must be an integer >= 0, got ${rounds}`);
    for (let r = 0; r < rounds; r++) onRound?.(await this.runRound());
    return this.history;
  }
}
