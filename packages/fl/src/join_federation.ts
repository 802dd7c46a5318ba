/**
 * The client side of the deployment: connects to a `FederationServer`, joins
 * with its id, and for every `fit` it receives trains locally with the same
 * `FederatedClient` (e.g. a `Client` and its local trainer) as the
 * simulation, then sends the update back. Ends when the server says `done`.
 */
import * as grpc from '@grpc/grpc-js';
import type { FederatedClient } from './client.js';
import { CHANNEL_OPTIONS, FEDERATION_SERVICE } from './federation_service.js';
import type { LocalObjective } from './local_objective.js';
import { decodeMessage, encodeMessage, type WireMessage } from './wire.js';

export interface JoinOptions {
  /** How long to wait for the server to come up (ms, default 30 s). */
  connectTimeoutMs?: number;
  log?: (msg: string) => void;
}

export interface FederationSession {
  /** Resolves with the number of rounds this client trained once the server says done. */
  done: Promise<number>;
  /** Leaves the federation at once (the server sees a dropped client). */
  close(): void;
}

function objectiveOf(msg: WireMessage): LocalObjective {
  const { params, linear, anchor } = msg.tensors;
  const h = msg.header;
  return {
    ...(linear instanceof Float32Array ? { linear } : {}),
    ...(h.mu !== undefined ? { proximal: { mu: Number(h.mu), anchor: (h.anchorIsParams ? params : anchor) as Float32Array } } : {}),
  };
}

export function joinFederation(address: string, client: FederatedClient, options: JoinOptions = {}): FederationSession {
  const log = options.log ?? (() => {});
  const stub = new grpc.Client(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  let call: grpc.ClientDuplexStream<WireMessage, WireMessage> | undefined;
  let closed = false;
  const done = new Promise<number>((resolve, reject) => {
    const fail = (e: Error) => {
      call?.cancel();
      stub.close();
      reject(e);
    };
    stub.waitForReady(Date.now() + (options.connectTimeoutMs ?? 30_000), (err) => {
      if (err) return fail(new Error(`joinFederation: server ${address} not reachable: ${err.message}`));
      if (closed) return fail(new Error('joinFederation: closed by the client'));
      const c = stub.makeBidiStreamRequest(FEDERATION_SERVICE.session.path, encodeMessage, decodeMessage);
      call = c;
      let rounds = 0;
      let finished = false;
      let work = Promise.resolve();
      c.on('data', (msg: WireMessage) => {
        const h = msg.header;
        if (h.kind === 'done') {
          finished = true;
          c.end();
          return;
        }
        if (h.kind !== 'fit') return;
        const params = msg.tensors.params as Float32Array;
        work = work
          .then(async () => {
            const round = Number(h.round);
            const r = await client.fit({ round, params, objective: objectiveOf(msg), lr: Number(h.lr), seed: Number(h.seed) });
            c.write({
              header: { kind: 'update', clientId: r.clientId, round, numExamples: r.numExamples, steps: r.steps, lr: r.lr },
              tensors: { params: r.params, labelCounts: r.labelCounts },
            });
            rounds++;
            log(`client ${client.info.id}: round ${round + 1} sent`);
          })
          .catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
      });
      c.on('status', (s: grpc.StatusObject) => {
        stub.close();
        if (finished) resolve(rounds);
        else reject(new Error(`joinFederation: session ended before the run was done (${grpc.status[s.code]}: ${s.details})`));
      });
      c.on('error', () => {}); // reported through 'status'
      c.write({ header: { kind: 'join', clientId: client.info.id, numExamples: client.info.numExamples }, tensors: {} });
    });
  });
  return {
    done,
    close: () => {
      closed = true;
      call?.cancel();
    },
  };
}
