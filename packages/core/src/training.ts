import * as tf from '@tensorflow/tfjs-core';
import { silentProgress, type ProgressReporter } from './progress.js';

/** What hooks see after each optimizer step. */
export interface StepContext {
  /** Global step, counted from 1. */
  step: number;
  /** Epoch, counted from 0. */
  epoch: number;
  /** This step's training loss. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

export interface TrainOptions<B> {
  /** The variables to update (for a Layers model: `Object.values(modelVariables(model))`). */
  variables: tf.Variable[];
  optimizer: tf.Optimizer;
  /** Scalar loss of one batch; called inside `tf.tidy`. */
  loss: (batch: B) => tf.Scalar;
  /** The batches of one epoch; called once per epoch. */
  batches: (epoch: number) => Iterable<B>;
  epochs: number;
  /** Batches per epoch, for the progress total (optional). */
  stepsPerEpoch?: number;
  /** Rescale gradients whose global L2 norm exceeds this. */
  clipNorm?: number;
  /**
   * Called with each step's gradients (by variable name, before clipping) just
   * before the optimizer applies them, e.g. to score weights for regrowth
   * (RigL). The tensors are freed when the step ends: read what you need.
   */
  onGradients?: Array<(grads: tf.NamedTensorMap, ctx: { step: number; epoch: number }) => void>;
  /** Run after every optimizer step, e.g. re-applying pruning masks. */
  afterStep?: Array<(ctx: StepContext) => void>;
  /** Evaluation, run after each epoch and every `evalEvery` steps if given. */
  evaluate?: () => Record<string, number> | Promise<Record<string, number>>;
  evalEvery?: number;
  /** Called with the batch before it is used, e.g. to dispose its tensors afterwards. */
  disposeBatch?: (batch: B) => void;
  reporter?: ProgressReporter;
}

export interface TrainHistory {
  /** Training loss at every step. */
  loss: number[];
  evals: Array<{ step: number; epoch: number; metrics: Record<string, number> }>;
}

/** New gradients scaled so that their global L2 norm is at most `clipNorm`, and the norm before scaling. */
export function clipByGlobalNorm(
  grads: tf.NamedTensorMap,
  clipNorm: number,
): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  if (!(clipNorm > 0)) throw new Error(`clipByGlobalNorm: clipNorm must be > 0, got ${clipNorm}`);
  return tf.tidy(() => {
    const norm = globalNorm(grads);
    const scale = tf.minimum(tf.scalar(1), tf.div(clipNorm, tf.maximum(norm, 1e-12)));
    const out: tf.NamedTensorMap = {};
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return { grads: out, norm };
  });
}

function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * Steps an optimizer over batches: loss and gradients in one `tf.tidy`, optional
 * global-norm clipping, hooks after each step, periodic evaluation and progress.
 * Tensor count stays constant across steps (the only tensors kept are the
 * variables and the optimizer's slots).
 */
export async function train<B>(opts: TrainOptions<B>): Promise<TrainHistory> {
  if (opts.variables.length === 0) throw new Error('train: variables is empty; nothing to train');
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new Error(`train: epochs must be an integer >= 1, got ${opts.epochs}`);
  const reporter = opts.reporter ?? silentProgress;
  const history: TrainHistory = { loss: [], evals: [] };
  const runEval = async (step: number, epoch: number) => {
    if (!opts.evaluate) return;
    const metrics = await opts.evaluate();
    history.evals.push({ step, epoch, metrics });
  };

  reporter.start(opts.stepsPerEpoch ? opts.stepsPerEpoch * opts.epochs : 0, 'train');
  let step = 0;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      for (const batch of opts.batches(epoch)) {
        step++;
        const [lossT, normT] = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => opts.loss(batch), opts.variables);
          for (const hook of opts.onGradients ?? []) hook(grads, { step, epoch });
          const clipped = opts.clipNorm ? clipByGlobalNorm(grads, opts.clipNorm) : { grads, norm: globalNorm(grads) };
          opts.optimizer.applyGradients(clipped.grads);
          return [value, clipped.norm];
        });
        opts.disposeBatch?.(batch);
        const loss = (await lossT.data())[0];
        const gradNorm = (await normT.data())[0];
        lossT.dispose();
        normT.dispose();
        if (!Number.isFinite(loss)) throw new Error(`train: loss became ${loss} at step ${step} (epoch ${epoch})`);
        history.loss.push(loss);
        const ctx: StepContext = { step, epoch, loss, gradNorm };
        for (const hook of opts.afterStep ?? []) hook(ctx);
        reporter.tick({ loss });
        if (opts.evalEvery && step % opts.evalEvery === 0) await runEval(step, epoch);
      }
      if (!opts.evalEvery || step % opts.evalEvery !== 0) await runEval(step, epoch);
    }
  } finally {
    reporter.end();
  }
  return history;
}
