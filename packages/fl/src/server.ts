/**
 * The federation's server loop, the same for simulation and deployment: each
 * round it samples a fraction of the clients (seeded by (seed, round), so a
 * resumed run samples as an uninterrupted one), asks the strategy for their
 * local objectives, trains them (one after another, or concurrently when they
 * are remote), aggregates and evaluates. With `onClientFailure` a client that
 * fails or sends a bad update is left out of the round instead of ending the run.
 */
import { Rng } from '@proj/core';
import type { FederatedClient } from './client.js';
import { sampleClients } from './client_sampling.js';
import type { FitResult, RoundContext, Strategy } from './strategy.js';
import { checkUpdate } from './update_check.js';

export interface ServerConfig {
  /** Share of clients trained per round; 0.1 in FedFTG's setup. */
  fraction: number;
  /** Local SGD step size at round 0; 0.1 in the FedDyn/FedFTG code. */
  lr: number;
  /** Local step size is lr * lrDecay^round; 0.998 in the FedDyn/FedFTG code. */
  lrDecay: number;
  seed: number;
  /** Central evaluation of the global parameters after each round (e.g. test accuracy). */
  evaluate?: (global: Float32Array, round: number) => Promise<Record<string, number>>;
  /** Train the sampled clients concurrently (remote clients); otherwise in order, one model in memory at a time. */
  concurrent?: boolean;
  /**
   * Called when a sampled client's fit fails (drop, timeout) or its update is
   * rejected (wrong length, non-finite values). When set, the round goes on
   * with the other clients; when absent, the failure ends the run.
   */
  onClientFailure?: (failure: ClientFailure) => void;
}

export interface ClientFailure {
  round: number;
  clientId: number;
  error: Error;
}

export interface RoundRecord {
  round: number;
  clients: number[];
  /** Sampled clients left out of the aggregation (failed or rejected). */
  failed: number[];
  /** Bytes of parameters sent both ways this round (float32). */
  bytes: number;
  metrics: Record<string, number>;
}

export class Server {
  global: Float32Array;
  /** Rounds completed. */
  round = 0;
  readonly history: RoundRecord[] = [];

  constructor(
    readonly clients: readonly FederatedClient[],
    readonly strategy: Strategy,
    initial: Float32Array,
    readonly config: ServerConfig,
  ) {
    if (clients.length === 0) throw new Error('Server: clients is empty');
    clients.forEach((c, i) => {
      if (c.info.id !== i) throw new Error(`Server: clients[${i}] has id ${c.info.id}; ids must be 0..${clients.length - 1} in order`);
    });
    if (!(config.lr > 0)) throw new Error(`Server: lr must be > 0, got ${config.lr}`);
    if (!(config.lrDecay > 0 && config.lrDecay <= 1)) throw new Error(`Server: lrDecay must be in (0, 1], got ${config.lrDecay}`);
    this.global = initial.slice();
  }

  /** Total bytes sent so far. */
  get bytesSent(): number {
    return this.history.reduce((s, r) => s + r.bytes, 0);
  }

  async runRound(): Promise<RoundRecord> {
    const round = this.round;
    const rng = new Rng(this.config.seed).split();
    // One independent stream per round, reachable without replaying earlier rounds.
    const roundRng = new Rng((rng.nextUint32() ^ Math.imul(round + 1, 0x9e3779b1)) >>> 0);
    const ids = sampleClients(this.clients.length, this.config.fraction, roundRng);
    const ctx: RoundContext = {
      round,
      global: this.global,
      clients: ids.map((id) => this.clients[id].info),
      numClients: this.clients.length,
    };
    const objectives = this.strategy.configureRound(ctx);
    if (objectives.length !== ids.length) {
      throw new Error(`Server: ${this.strategy.name}.configureRound gave ${objectives.length} objectives for ${ids.length} clients`);
    }
    const lr = this.config.lr * Math.pow(this.config.lrDecay, round);
    // One batch-order seed per sampled client, drawn in sampling order (as when they trained one by one).
    const seeds = ids.map(() => roundRng.tfSeed());
    const fit = async (i: number): Promise<FitResult> => {
      const result = await this.clients[ids[i]].fit({ round, params: this.global, objective: objectives[i], lr, seed: seeds[i] });
      checkUpdate(result, this.global.length, ids[i]);
      return result;
    };
    const outcomes = this.config.concurrent ? await Promise.allSettled(ids.map((_, i) => fit(i))) : [];
    for (let i = outcomes.length; i < ids.length; i++) {
      if (!this.config.onClientFailure) outcomes.push({ status: 'fulfilled', value: await fit(i) });
      else outcomes.push(await fit(i).then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason })));
    }
    const results: FitResult[] = [];
    const failed: number[] = [];
    outcomes.forEach((o, i) => {
      if (o.status === 'fulfilled') return void results.push(o.value);
      const error = o.reason instanceof Error ? o.reason : new Error(String(o.reason));
      if (!this.config.onClientFailure) throw error;
      failed.push(ids[i]);
      this.config.onClientFailure({ round, clientId: ids[i], error });
    });
    // The strategy sees only the clients that delivered; with none, the global model stays as it was.
    if (results.length > 0) {
      this.global = await this.strategy.aggregate({ ...ctx, clients: ctx.clients.filter((c) => !failed.includes(c.id)) }, results);
    }
    const { down, up } = this.strategy.wireVectors;
    const bytes = 4 * this.global.length * (down * ids.length + up * results.length);
    const metrics = {
      ...(await this.strategy.evaluate?.(round, this.global)),
      ...(await this.config.evaluate?.(this.global, round)),
    };
    const record: RoundRecord = { round, clients: ids, failed, bytes, metrics };
    this.history.push(record);
    this.round++;
    return record;
  }

  async run(rounds: number, onRound?: (r: RoundRecord) => void): Promise<RoundRecord[]> {
    if (!Number.isInteger(rounds) || rounds < 0) throw new Error(`Server.run: rounds must be an integer >= 0, got ${rounds}`);
    for (let r = 0; r < rounds; r++) {
      const record = await this.runRound();
      onRound?.(record);
    }
    return this.history;
  }
}
