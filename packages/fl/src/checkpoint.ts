/**
 * A server checkpoint: the global parameters, the number of rounds done and
 * the round history, written atomically as one safetensors file after every
 * round, so a server that crashes resumes from the last completed round.
 * Strategy-internal state (SCAFFOLD's control variates, FedDyn's drift,
 * FedFTG's generator) is not in it: a resumed run equals an uninterrupted
 * one for the stateless FedAvg and FedProx only.
 */
import { existsSync } from 'node:fs';
import { encodeSafetensors, loadSafetensors, writeFileAtomic } from '@proj/core';
import type { RoundRecord } from './server.js';

export interface Checkpoint {
  strategy: string;
  round: number;
  global: Float32Array;
  history: RoundRecord[];
}

export function saveCheckpoint(path: string, ck: Checkpoint): void {
  const bytes = encodeSafetensors(
    { global: { dtype: 'F32', shape: [ck.global.length], data: ck.global } },
    { strategy: ck.strategy, round: String(ck.round), history: JSON.stringify(ck.history) },
  );
  writeFileAtomic(path, bytes);
}

/** The checkpoint at `path`, or undefined when there is none yet. */
export function loadCheckpoint(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  const { tensors, metadata } = loadSafetensors(path);
  const global = tensors.global?.data;
  const round = Number(metadata.round);
  if (!(global instanceof Float32Array) || !Number.isInteger(round) || metadata.history === undefined) {
    throw new Error(`loadCheckpoint: ${path} is not a server checkpoint (needs an F32 "global" and round/history metadata)`);
  }
  return { strategy: metadata.strategy ?? '', round, global, history: JSON.parse(metadata.history) as RoundRecord[] };
}
