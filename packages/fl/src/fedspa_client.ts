/**
 * A FedSpa client (Huang et al. 2022, arXiv:2201.11380): it keeps a
 * personalized sparse mask with a fixed number of active weights, initialized
 * at ERK layer densities with random positions (@proj/sparse), trains only
 * its sparse model, and after local training prunes the smallest-magnitude
 * active weights at a cosine-annealed rate and regrows as many by |gradient|
 * of one dense batch or at random (@proj/sparse's DynamicSparsity). It sends
 * back only its active weights and its new mask.
 */
import { batches, classCounts, modelVariables, tf, toRng, toTensors, train, type Batch, type Dataset, type Rng } from '@proj/core';
import { DynamicSparsity, layerDensities, MaskedWeights, prunableLayers, randomMasks } from '@proj/sparse';
import type { ModelFactory } from './client.js';
import { flattenMask, maskParams, unflattenMask } from './flat_mask.js';
import type { LocalTrainConfig } from './local_trainer.js';
import { getParams, setParams } from './model_params.js';
import type { ClientInfo } from './strategy.js';

/** The prune-and-regrow step after local training. */
export interface RegrowConfig {
  /** Share of each layer's active weights pruned at round 0; decays to 0 by a cosine over `endRound` rounds (0.5 -> 0, REFERENCES.md). */
  pruneFraction: number;
  /** The cosine's horizon: the total number of rounds. */
  endRound: number;
  /** Regrow where |gradient| of one dense batch is largest, or at random. */
  grow: 'gradient' | 'random';
}

export interface SparseFitInstructions {
  round: number;
  /** The global parameters; the client trains them under its own mask. */
  params: Float32Array;
  lr: number;
  /** Seeds the batch order and random regrowth. */
  seed: number;
  /** Omit to train without changing the mask (e.g. a final personalization pass). */
  regrow?: RegrowConfig;
}

export interface SparseFitResult {
  clientId: number;
  /** Parameters after local training, 0 outside `mask` (global layout). */
  values: Float32Array;
  /** The client's mask after prune-and-regrow (same active count as before). */
  mask: Uint8Array;
  numExamples: number;
}

export class FedSpaClient {
  readonly info: ClientInfo;
  readonly labelCounts: Int32Array;
  private current: Uint8Array;

  /**
   * `density`: the share of prunable (kernel) weights active; layer densities
   * by ERK (Evci et al. 2020, as FedSpa/DisPFL), positions drawn from `seed`.
   */
  constructor(
    id: number,
    readonly data: Dataset,
    private readonly modelFactory: ModelFactory,
    private readonly train: Omit<LocalTrainConfig, 'lr'>,
    sparsity: { density: number; seed: number | Rng },
  ) {
    if (data.size === 0) throw new Error(`FedSpaClient ${id}: data is empty`);
    this.info = { id, numExamples: data.size };
    this.labelCounts = classCounts(data);
    const model = modelFactory();
    try {
      const layers = prunableLayers(model);
      if (layers.length === 0) throw new Error(`FedSpaClient ${id}: the model has no prunable (dense or conv) kernels`);
      const densities = layerDensities(layers, { scheme: 'erk', density: sparsity.density });
      this.current = flattenMask(model, randomMasks(layers, densities, toRng(sparsity.seed)));
    } finally {
      model.dispose();
    }
  }

  /** The personalized mask over the flat parameter vector (a copy). */
  get mask(): Uint8Array {
    return this.current.slice();
  }

  /** The client's personalized model: global values under its own mask. */
  personalize(global: Float32Array): Float32Array {
    return maskParams(global, this.current);
  }

  async fit(ins: SparseFitInstructions): Promise<SparseFitResult> {
    if (!(ins.lr > 0)) throw new Error(`FedSpaClient.fit: lr must be > 0, got ${ins.lr}`);
    const model = this.modelFactory();
    const optimizer = tf.train.sgd(ins.lr);
    try {
      setParams(model, ins.params);
      const vars = modelVariables(model);
      const masked = new MaskedWeights(vars, unflattenMask(model, this.current));
      masked.apply();
      const { epochs, batchSize, weightDecay, clipNorm } = this.train;
      const ce = (batch: Batch) => {
        const { x, y } = toTensors(batch, { oneHot: true });
        return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
      };
      // Sparse training: SGD on the whole model, pruned entries reset to 0 after every step.
      await train({
        variables: Object.values(vars),
        optimizer,
        loss: (batch: Batch) => {
          const decay = tf.mul(weightDecay / 2, tf.addN(Object.values(vars).map((v) => tf.sum(tf.square(v)))));
          return tf.add(ce(batch), decay) as tf.Scalar;
        },
        batches: (epoch) => batches(this.data, { batchSize, seed: ins.seed, epoch }),
        epochs,
        clipNorm: clipNorm > 0 ? clipNorm : undefined,
        afterStep: [masked.afterStep],
      });
      if (ins.regrow) {
        const { pruneFraction, endRound, grow } = ins.regrow;
        const ds = new DynamicSparsity(masked, { updateEvery: 1, pruneFraction, schedule: 'cosine', endStep: endRound, grow, seed: ins.seed });
        let grads: tf.NamedTensorMap | undefined;
        if (grow === 'gradient') {
          // One dense batch: the gradient of every weight, pruned ones included.
          const batch = batches(this.data, { batchSize, seed: ins.seed, epoch: epochs })[Symbol.iterator]().next().value as Batch;
          grads = tf.tidy(() => tf.variableGrads(() => ce(batch), Object.values(masked.variables)).grads);
        }
        try {
          ds.update(ins.round, grads);
        } finally {
          if (grads) tf.dispose(Object.values(grads));
        }
        this.current = flattenMask(model, masked.masks);
      }
      return { clientId: this.info.id, values: getParams(model), mask: this.current.slice(), numExamples: this.data.size };
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  }
}
