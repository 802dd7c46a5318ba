/**
 * The client's local solver: plain SGD over the local data, as in the
 * FedDyn/FedFTG code base (SGD, weight decay 1e-3, batch 50, gradients
 * data gradients clipped to norm 10), on the strategy's local objective (see LocalObjective).
 */
import { batches, clipByGlobalNorm, modelVariables, tf, toTensors, type Dataset } from '@proj/core';
import { checkObjective, type LocalObjective } from './local_objective.js';

export interface LocalTrainConfig {
  /** Passes over the local data; 5 in FedFTG's setup. */
  epochs: number;
  /** 50 in FedFTG's setup. */
  batchSize: number;
  /** SGD step size; 0.1 in the FedDyn/FedFTG code (decayed per round by the server). */
  lr: number;
  /** L2 weight decay; 1e-3 in the FedDyn/FedFTG code. */
  weightDecay: number;
  /** Global gradient-norm clip; 10 in the FedDyn/FedFTG code. */
  clipNorm: number;
}

export const LOCAL_TRAIN_DEFAULTS: LocalTrainConfig = { epochs: 5, batchSize: 50, lr: 0.1, weightDecay: 1e-3, clipNorm: 10 };

/** Slices of a flat vector shaped like the model's variables (caller disposes). */
function sliced(vector: Float32Array, vars: tf.Variable[]): tf.Tensor[] {
  let offset = 0;
  return vars.map((v) => {
    const t = tf.tensor(vector.subarray(offset, offset + v.size), v.shape, 'float32');
    offset += v.size;
    return t;
  });
}

/**
 * Trains `model` in place on `data` for `config.epochs` epochs of shuffled
 * mini-batches (order seeded by `seed`), minimizing cross-entropy + weight
 * decay + the objective's terms. Returns the number of SGD steps taken
 * (SCAFFOLD needs it for its control-variate update).
 */
export async function localTrain(
  model: tf.LayersModel,
  data: Dataset,
  config: LocalTrainConfig,
  objective: LocalObjective,
  seed: number,
): Promise<number> {
  if (data.size === 0) throw new Error('localTrain: data is empty');
  if (!(config.lr > 0)) throw new Error(`localTrain: lr must be > 0, got ${config.lr}`);
  if (!Number.isInteger(config.epochs) || config.epochs < 1) throw new Error(`localTrain: epochs must be an integer >= 1, got ${config.epochs}`);
  const vars = Object.values(modelVariables(model));
  const size = vars.reduce((s, v) => s + v.size, 0);
  checkObjective(objective, size);
  const linear = objective.linear ? sliced(objective.linear, vars) : undefined;
  const anchor = objective.proximal ? sliced(objective.proximal.anchor, vars) : undefined;
  const mu = objective.proximal?.mu ?? 0;
  const optimizer = tf.train.sgd(config.lr);
  let steps = 0;
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      for (const batch of batches(data, { batchSize: config.batchSize, seed, epoch })) {
        tf.tidy(() => {
          const { x, y } = toTensors(batch, { oneHot: true });
          const { grads } = tf.variableGrads(
            () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
            vars,
          );
          // Clip the data gradient only: torch applies weight_decay after clip_grad_norm_ in the FedDyn code.
          // (That code also clips its linear terms; here every objective term is left unclipped.)
          const clipped = config.clipNorm > 0 ? clipByGlobalNorm(grads, config.clipNorm).grads : grads;
          const full: tf.NamedTensorMap = {};
          vars.forEach((v, i) => {
            let g = tf.add(clipped[v.name], tf.mul(config.weightDecay, v));
            if (linear) g = tf.add(g, linear[i]);
            if (anchor) g = tf.add(g, tf.mul(mu, tf.sub(v, anchor[i])));
            full[v.name] = g;
          });
          optimizer.applyGradients(full);
        });
        steps++;
      }
    }
  } finally {
    optimizer.dispose();
    tf.dispose([...(linear ?? []), ...(anchor ?? [])]);
  }
  return steps;
}
