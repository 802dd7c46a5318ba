/**
 * Multiple-instance pooling of a bag of tile embeddings [n, k, dim] into one
 * image embedding [n, dim]. Max and mean are fixed; attention pooling learns
 * one weight per tile and returns the weights for display.
 */
import type { tf } from '@proj/core';

export type PoolingName = 'max' | 'mean' | 'attention' | 'gated';

export const POOLING_NAMES: readonly PoolingName[] = ['max', 'mean', 'attention', 'gated'];

export interface PooledBag {
  /** Image embeddings [n, dim]. */
  z: tf.Tensor2D;
  /** Tile weights [n, k] summing to 1 per image (attention pooling only). */
  attention?: tf.Tensor2D;
}

export interface MilPooling {
  readonly name: PoolingName;
  /** Learned parameters (none for max and mean). */
  readonly variables: tf.Variable[];
  pool(bags: tf.Tensor3D): PooledBag;
}

/** Throws unless bags is [n, k, dim]. */
export function checkBags(bags: tf.Tensor, what: string, dim?: number): void {
  if (bags.rank !== 3 || (dim !== undefined && bags.shape[2] !== dim)) {
    throw new Error(`${what}: bags must be [n, tiles, ${dim ?? 'dim'}], got [${bags.shape.join(', ')}]`);
  }
}
