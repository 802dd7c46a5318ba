/**
 * The server's stand-in for one networked client: a `FederatedClient` whose
 * `fit` sends the instructions down the client's gRPC stream and waits for
 * its update. The slot exists from the start (the server samples over ids
 * 0..K-1); a stream attaches when the client joins. A fit fails, and the
 * round goes on without the client, when it is not connected, its stream
 * breaks, or it takes longer than the timeout.
 */
import type { FederatedClient, FitInstructions } from './client.js';
import type { SessionStream } from './federation_service.js';
import type { ClientInfo, FitResult } from './strategy.js';
import type { WireMessage, WireTensor } from './wire.js';

interface Pending {
  round: number;
  resolve: (r: FitResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class RemoteClient implements FederatedClient {
  /** numExamples is what the client reported when it joined (1 until then). */
  readonly info: ClientInfo;
  private stream: SessionStream | undefined;
  private pending: Pending | undefined;

  constructor(
    id: number,
    /** Milliseconds a client may take for one round's fit. */
    private readonly timeoutMs: number,
  ) {
    this.info = { id, numExamples: 1 };
  }

  get connected(): boolean {
    return this.stream !== undefined;
  }

  /** Attaches a joined client's stream (replacing an older one of the same id). */
  attach(stream: SessionStream, numExamples: number): void {
    this.detach(new Error(`client ${this.info.id} reconnected`));
    this.stream = stream;
    this.info.numExamples = numExamples;
  }

  /** The stream ended or broke: the fit in flight, if any, fails. */
  detach(reason: Error, stream?: SessionStream): void {
    if (stream !== undefined && stream !== this.stream) return;
    this.stream = undefined;
    this.settle()?.reject(reason);
  }

  /** Tells the client the run is over and closes its stream. */
  finish(rounds: number): void {
    this.stream?.write({ header: { kind: 'done', rounds }, tensors: {} });
    this.stream?.end();
    this.stream = undefined;
  }

  fit(ins: FitInstructions): Promise<FitResult> {
    const stream = this.stream;
    if (!stream) return Promise.reject(new Error(`client ${this.info.id} is not connected`));
    return new Promise<FitResult>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle()?.reject(new Error(`client ${this.info.id} timed out after ${this.timeoutMs} ms in round ${ins.round + 1}`)),
        this.timeoutMs,
      );
      this.pending = { round: ins.round, resolve, reject, timer };
      const { linear, proximal } = ins.objective;
      const tensors: Record<string, WireTensor> = { params: ins.params };
      if (linear) tensors.linear = linear;
      // FedProx and FedDyn anchor at the global parameters: do not send them twice.
      const anchorIsParams = proximal?.anchor === ins.params;
      if (proximal && !anchorIsParams) tensors.anchor = proximal.anchor;
      stream.write({
        header: { kind: 'fit', round: ins.round, lr: ins.lr, seed: ins.seed, ...(proximal ? { mu: proximal.mu, anchorIsParams } : {}) },
        tensors,
      });
    });
  }

  /** An `update` message from this client's stream. */
  receive(msg: WireMessage): void {
    const h = msg.header;
    if (!this.pending || h.round !== this.pending.round) return; // late answer to a round that already moved on
    const { params, labelCounts } = msg.tensors;
    const pending = this.settle()!;
    if (!(params instanceof Float32Array) || !(labelCounts instanceof Int32Array)) {
      pending.reject(new Error(`update of client ${this.info.id} rejected: it needs F32 params and I32 labelCounts`));
      return;
    }
    pending.resolve({
      clientId: Number(h.clientId),
      params,
      labelCounts,
      numExamples: Number(h.numExamples),
      steps: Number(h.steps),
      lr: Number(h.lr),
    });
  }

  private settle(): Pending | undefined {
    const p = this.pending;
    if (p) clearTimeout(p.timer);
    this.pending = undefined;
    return p;
  }
}
