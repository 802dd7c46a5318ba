/**
 * The server-side algorithm of a federation, after Flower's `Strategy`
 * (flwr/server/strategy/strategy.py): configure a round, aggregate the
 * clients' results, optionally evaluate. FedAvg, FedProx, FedDyn and SCAFFOLD
 * are each one class against this interface; FedFTG wraps any of them. The
 * same strategy object runs in the simulation and behind a network server.
 */
import type { LocalObjective } from './local_objective.js';

/** What the server knows about a client before it trains. */
export interface ClientInfo {
  id: number;
  numExamples: number;
}

/** The state a round starts from. */
export interface RoundContext {
  /** Counted from 0. */
  round: number;
  /** Global parameters sent to the sampled clients (do not modify). */
  global: Float32Array;
  /** The sampled clients, in training order. */
  clients: readonly ClientInfo[];
  /** Size of the whole federation (FedDyn and SCAFFOLD average state over it). */
  numClients: number;
}

/** What one client sends back after local training. */
export interface FitResult {
  clientId: number;
  /** The client's parameters after local training (flat, same layout as the global vector). */
  params: Float32Array;
  numExamples: number;
  /** Examples per class held by the client (FedFTG's n_k^c). */
  labelCounts: Int32Array;
  /** Local SGD steps taken and their step size (SCAFFOLD's K and eta_l). */
  steps: number;
  lr: number;
}

export interface Strategy {
  readonly name: string;
  /**
   * Parameter-sized vectors sent to and from each sampled client per round:
   * { down: 1, up: 1 }, or 2 each way for SCAFFOLD (the server control variate
   * down, the control-variate change up). The server counts bytes with it.
   */
  readonly wireVectors: { down: number; up: number };
  /** The local objective of each sampled client, aligned with `ctx.clients`. */
  configureRound(ctx: RoundContext): LocalObjective[];
  /** The next global parameters from the round's results (a new array). */
  aggregate(ctx: RoundContext, results: readonly FitResult[]): Float32Array | Promise<Float32Array>;
  /** Server-side evaluation of the new global parameters, if the strategy has its own. */
  evaluate?(round: number, global: Float32Array): Promise<Record<string, number>>;
}
