/**
 * The deployment's message format: one safetensors file per message. The
 * tensors (parameters, objective vectors, label counts) travel as raw
 * little-endian bytes; a small JSON header (message kind, round, step size,
 * seed...) rides in the safetensors metadata under "header". No protobuf
 * code generation is needed, and a message can be inspected with any
 * safetensors reader.
 */
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '@proj/core';

export type WireTensor = Float32Array | Int32Array;

export interface WireMessage {
  header: Record<string, unknown>;
  tensors: Record<string, WireTensor>;
}

export function encodeMessage(msg: WireMessage): Buffer {
  const tensors: Record<string, SafeTensor> = {};
  for (const [name, data] of Object.entries(msg.tensors)) {
    tensors[name] = { dtype: data instanceof Float32Array ? 'F32' : 'I32', shape: [data.length], data };
  }
  const bytes = encodeSafetensors(tensors, { header: JSON.stringify(msg.header) });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeMessage(bytes: Buffer): WireMessage {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.header === undefined) throw new Error('decodeMessage: the safetensors metadata has no "header"');
  const header = JSON.parse(metadata.header) as unknown;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('decodeMessage: "header" must be a JSON object');
  const out: Record<string, WireTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t.data instanceof Float32Array || t.data instanceof Int32Array) || t.shape.length !== 1) {
      throw new Error(`decodeMessage: tensor ${name} must be a 1-D F32 or I32 vector, got ${t.dtype} of shape [${t.shape.join(', ')}]`);
    }
    out[name] = t.data;
  }
  return { header: header as Record<string, unknown>, tensors: out };
}
