/**
 * The deployed server: a gRPC endpoint in front of the same `Server` and
 * `Strategy` objects as the simulation. Clients 0..K-1 join over the
 * network; the server waits for `minClients` of them, then runs rounds with
 * the sampled clients training concurrently in their own processes. A client
 * that drops, times out or sends a bad update (wrong length, NaN/Inf) is left
 * out of that round and logged; the global model never sees its update.
 * After every round the state is checkpointed; a server started on an
 * existing checkpoint resumes from its last completed round. Log lines
 * count rounds from 1, like the demo's.
 */
import * as grpc from '@grpc/grpc-js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CHANNEL_OPTIONS, FEDERATION_SERVICE, type SessionStream } from './federation_service.js';
import { RemoteClient } from './remote_client.js';
import { Server, type RoundRecord, type ServerConfig } from './server.js';
import type { Strategy } from './strategy.js';
import type { WireMessage } from './wire.js';

export interface FederationServerConfig extends Omit<ServerConfig, 'concurrent'> {
  /** K: clients have ids 0..K-1. */
  numClients: number;
  /** Clients that must have joined before round 0 starts (default K). */
  minClients?: number;
  /** Milliseconds a client may take for one round before it is left out (Flower's round_timeout). */
  timeoutMs: number;
  /** Checkpoint file, rewritten after every round and resumed from when it exists. */
  checkpoint?: string;
  log?: (msg: string) => void;
}

export class FederationServer {
  readonly server: Server;
  private readonly slots: RemoteClient[];
  private readonly joinWaiters: (() => void)[] = [];
  private readonly log: (msg: string) => void;

  private constructor(
    private readonly grpcServer: grpc.Server,
    /** The bound port (useful when listening on port 0). */
    readonly port: number,
    strategy: Strategy,
    initial: Float32Array,
    private readonly config: FederationServerConfig,
  ) {
    const { numClients, timeoutMs } = config;
    if (!Number.isInteger(numClients) || numClients < 1) throw new Error(`FederationServer: numClients must be an integer >= 1, got ${numClients}`);
    if (!(timeoutMs > 0)) throw new Error(`FederationServer: timeoutMs must be > 0, got ${timeoutMs}`);
    const min = config.minClients ?? numClients;
    if (!Number.isInteger(min) || min < 1 || min > numClients) throw new Error(`FederationServer: minClients must be an integer in [1, ${numClients}], got ${min}`);
    this.log = config.log ?? (() => {});
    this.slots = Array.from({ length: numClients }, (_, id) => new RemoteClient(id, timeoutMs));
    this.server = new Server(this.slots, strategy, initial, {
      ...config,
      concurrent: true,
      onClientFailure: (f) => {
        this.log(`round ${f.round + 1}: client ${f.clientId} left out: ${f.error.message}`);
        config.onClientFailure?.(f);
      },
    });
    const ck = config.checkpoint === undefined ? undefined : loadCheckpoint(config.checkpoint);
    if (ck) {
      if (ck.strategy !== strategy.name) throw new Error(`FederationServer: checkpoint ${config.checkpoint} is of strategy ${ck.strategy}, not ${strategy.name}`);
      if (ck.global.length !== initial.length) throw new Error(`FederationServer: checkpoint ${config.checkpoint} has ${ck.global.length} parameters, the model has ${initial.length}`);
      this.server.global = ck.global;
      this.server.round = ck.round;
      this.server.history.push(...ck.history);
      this.log(`resumed from ${config.checkpoint} after round ${ck.round}`);
    }
  }

  /** Binds `address` (e.g. "0.0.0.0:50051", or port 0 for any free port) and accepts clients. */
  static listen(address: string, strategy: Strategy, initial: Float32Array, config: FederationServerConfig): Promise<FederationServer> {
    const grpcServer = new grpc.Server(CHANNEL_OPTIONS);
    let self: FederationServer | undefined;
    grpcServer.addService(FEDERATION_SERVICE, {
      session: (call: SessionStream) => {
        if (self) self.session(call);
        else call.end();
      },
    });
    return new Promise((resolve, reject) => {
      grpcServer.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) return reject(new Error(`FederationServer: cannot bind ${address}: ${err.message}`));
        try {
          self = new FederationServer(grpcServer, port, strategy, initial, config);
          resolve(self);
        } catch (e) {
          grpcServer.forceShutdown();
          reject(e as Error);
        }
      });
    });
  }

  get connectedClients(): number {
    return this.slots.filter((s) => s.connected).length;
  }

  /** Waits for the minimum number of clients, runs rounds until `rounds` are done (counting resumed ones), then releases the clients. */
  async run(rounds: number, onRound?: (r: RoundRecord) => void): Promise<RoundRecord[]> {
    const min = this.config.minClients ?? this.config.numClients;
    this.log(`waiting for ${min} of ${this.config.numClients} clients on port ${this.port}`);
    while (this.connectedClients < min) await new Promise<void>((r) => this.joinWaiters.push(r));
    while (this.server.round < rounds) {
      const record = await this.server.runRound();
      if (this.config.checkpoint !== undefined) {
        const { strategy, round, global, history } = this.server;
        saveCheckpoint(this.config.checkpoint, { strategy: strategy.name, round, global, history });
      }
      onRound?.(record);
    }
    for (const s of this.slots) s.finish(this.server.round);
    return this.server.history;
  }

  /** Stops accepting calls and waits for open ones to finish. */
  close(): Promise<void> {
    return new Promise((resolve) => this.grpcServer.tryShutdown(() => resolve()));
  }

  /** Drops every connection at once (what a crash looks like to the clients). */
  kill(): void {
    this.grpcServer.forceShutdown();
  }

  private session(call: SessionStream): void {
    let slot: RemoteClient | undefined;
    const drop = (why: string) => {
      if (slot?.connected) this.log(`client ${slot.info.id} ${why}`);
      slot?.detach(new Error(`client ${slot.info.id} ${why}`), call);
    };
    call.on('data', (msg: WireMessage) => {
      const h = msg.header;
      if (h.kind === 'update' && slot) return slot.receive(msg);
      if (h.kind !== 'join') return;
      const id = Number(h.clientId);
      const n = Number(h.numExamples);
      if (!Number.isInteger(id) || id < 0 || id >= this.slots.length || !(n > 0)) {
        this.log(`refused a join with clientId ${String(h.clientId)} and numExamples ${String(h.numExamples)} (ids are 0..${this.slots.length - 1})`);
        call.end();
        return;
      }
      slot = this.slots[id];
      slot.attach(call, n);
      this.log(`client ${id} joined (${n} examples, ${this.connectedClients} connected)`);
      this.joinWaiters.splice(0).forEach((r) => r());
    });
    call.on('end', () => {
      drop('closed its stream');
      call.end();
    });
    call.on('cancelled', () => drop('disconnected'));
    call.on('error', (e) => drop(`failed: ${e.message}`));
  }
}
