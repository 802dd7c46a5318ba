/**
 * The gRPC service of the deployment, defined by hand for @grpc/grpc-js
 * (no .proto, no code generation): one bidirectional stream per client.
 * The client opens it with a `join`, the server sends `fit` instructions and
 * finally `done`, the client answers each `fit` with an `update`. A stream
 * that ends or breaks is how the server learns that a client dropped.
 */
import * as grpc from '@grpc/grpc-js';
import { decodeMessage, encodeMessage, type WireMessage } from './wire.js';

export const FEDERATION_SERVICE = {
  session: {
    path: '/proj.fl.Federation/Session',
    requestStream: true,
    responseStream: true,
    requestSerialize: encodeMessage,
    requestDeserialize: decodeMessage,
    responseSerialize: encodeMessage,
    responseDeserialize: decodeMessage,
  },
} satisfies grpc.ServiceDefinition;

/** Model-sized messages exceed gRPC's 4 MB default. */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

export type SessionStream = grpc.ServerDuplexStream<WireMessage, WireMessage>;
