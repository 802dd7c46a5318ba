/**
 * FedFTG (Zhang et al., CVPR 2022, arXiv:2203.09249): after the base
 * strategy aggregates, the server fine-tunes the global model by data-free
 * knowledge distillation from the round's client models, and sends the
 * fine-tuned model out next round. It wraps any Strategy.
 *
 * Each round (official code: train_global_model_cgan_bs_weight_iloop_fz_dis):
 * labels are drawn in proportion to the selected clients' summed label
 * counts; each class's teachers are weighted by their share of that class.
 * Then `iterations` times (10):
 *  - generator, once per teacher k (Adam):
 *      L_G = -mean_i w_ik |s(x_i) - t_k(x_i)|_1/C      (hard samples: where student and teacher disagree)
 *            + lambda_cls mean_i w_ik CE(t_k(x_i), y_i)  (fidelity: teacher recognizes the label)
 *            + lambda_dis/K L_div(z, x)                   (diversity)
 *    with x = G(z, y) and the teacher's logits held fixed in the first term;
 *  - student, `studentSteps` (5) SGD steps on the same batch:
 *      L_S = mean_{i,c} -log softmax(s(x_i))_c * sum_k w_ik softmax(t_k(x_i))_c.
 * The generator persists across rounds; its optimizer is fresh each round.
 */
import { adam, modelVariables, Rng, tf } from '@proj/core';
import type { ModelFactory } from './client.js';
import { conditionalGenerator } from './conditional_generator.js';
import { diversityLoss } from './diversity_loss.js';
import { ensembleWeights, sampleLabels } from './fedftg_labels.js';
import type { LocalObjective } from './local_objective.js';
import { getParams, setParams } from './model_params.js';
import type { FitResult, RoundContext, Strategy } from './strategy.js';

export interface FedFTGConfig {
  numClasses: number;
  /** Model input [h, w, c], h and w divisible by 4. */
  imageShape: readonly [number, number, number];
  /** Generator noise dimension; 100 (official code, CIFAR-10/MNIST). */
  noiseDim: number;
  /** Generator width; 64 (official code). */
  ngf: number;
  /** Outer iterations per round; 10 (official code). */
  iterations: number;
  /** Generator passes over the teachers per iteration; 1 (official code). */
  generatorSteps: number;
  /** Student steps per iteration; 5 (official code). */
  studentSteps: number;
  /** Synthetic batch size; the clients' batch size, 50 (official setup). */
  batchSize: number;
  /** Generator Adam step size at round 0; 0.01 (official code). */
  generatorLr: number;
  /** Student SGD step size at round 0; 0.1 (official code, the global model's lr). */
  studentLr: number;
  /** Both step sizes decay by this per round; 0.998 (official code). */
  lrDecay: number;
  /** Student weight decay; 1e-3 (official code). */
  weightDecay: number;
  /** Weight of the teacher cross-entropy in L_G; 1 (official code). */
  lambdaCls: number;
  /** Weight of the diversity loss in L_G (divided by the number of teachers); 1 (official code). */
  lambdaDis: number;
  seed: number;
  /** Builds the generator (inputs [z, one-hot label]); default: the official convolutional `conditionalGenerator`. */
  generator?: (rng: Rng) => tf.LayersModel;
}

export const FEDFTG_DEFAULTS: Omit<FedFTGConfig, 'numClasses' | 'imageShape' | 'seed' | 'generator'> = {
  noiseDim: 100,
  ngf: 64,
  iterations: 10,
  generatorSteps: 1,
  studentSteps: 5,
  batchSize: 50,
  generatorLr: 0.01,
  studentLr: 0.1,
  lrDecay: 0.998,
  weightDecay: 1e-3,
  lambdaCls: 1,
  lambdaDis: 1,
};

/** Identity whose gradient is zero: torch's `.detach()`. */
const detach = tf.customGrad((...inputs) => {
  const x = inputs[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** Losses of the last fine-tuning, for logs and plots. */
export interface FedFTGStats {
  generatorLoss: number;
  studentLoss: number;
}

export class FedFTG implements Strategy {
  readonly name: string;
  readonly wireVectors: { down: number; up: number };
  readonly config: FedFTGConfig;
  private generator: tf.LayersModel | undefined;
  private readonly rng: Rng;
  lastStats: FedFTGStats | undefined;

  constructor(
    readonly inner: Strategy,
    private readonly modelFactory: ModelFactory,
    config: Pick<FedFTGConfig, 'numClasses' | 'imageShape' | 'seed'> & Partial<FedFTGConfig>,
  ) {
    this.config = { ...FEDFTG_DEFAULTS, ...config };
    for (const k of ['iterations', 'generatorSteps', 'studentSteps', 'batchSize', 'numClasses'] as const) {
      const v = this.config[k];
      if (!Number.isInteger(v) || v < 1) throw new Error(`FedFTG: ${k} must be an integer >= 1, got ${v}`);
    }
    this.name = `${inner.name}+ftg`;
    // Fine-tuning happens on the server: nothing extra on the wire.
    this.wireVectors = inner.wireVectors;
    this.rng = new Rng(this.config.seed);
  }

  configureRound(ctx: RoundContext): LocalObjective[] {
    return this.inner.configureRound(ctx);
  }

  evaluate(round: number, global: Float32Array): Promise<Record<string, number>> {
    return this.inner.evaluate?.(round, global) ?? Promise.resolve({});
  }

  async aggregate(ctx: RoundContext, results: readonly FitResult[]): Promise<Float32Array> {
    const aggregated = await this.inner.aggregate(ctx, results);
    return this.fineTune(ctx.round, aggregated, results);
  }

  /** Frees the generator. */
  dispose(): void {
    this.generator?.dispose();
    this.generator = undefined;
  }

  private buildGenerator(): tf.LayersModel {
    const cfg = this.config;
    const g = cfg.generator ? cfg.generator(this.rng.split()) : conditionalGenerator({ ...cfg, seed: this.rng.split() });
    const [z, y] = g.inputs.map((t) => t.shape[1]);
    if (g.inputs.length !== 2 || z !== cfg.noiseDim || y !== cfg.numClasses) {
      g.dispose();
      throw new Error(`FedFTG: the generator must take inputs [[batch, noiseDim = ${cfg.noiseDim}], [batch, numClasses = ${cfg.numClasses}]], got ${g.inputs.length} inputs of widths [${g.inputs.map((t) => t.shape[1]).join(', ')}]`);
    }
    return g;
  }

  /** The data-free distillation of one round: `global` fine-tuned on the ensemble of `results`' models. */
  async fineTune(round: number, global: Float32Array, results: readonly FitResult[]): Promise<Float32Array> {
    const cfg = this.config;
    const { numClasses, batchSize: B } = cfg;
    const K = results.length;
    results.forEach((r) => {
      if (r.labelCounts.length !== numClasses) throw new Error(`FedFTG: client ${r.clientId} reports ${r.labelCounts.length} label counts, numClasses is ${numClasses}`);
    });
    this.generator ??= this.buildGenerator();
    const generator = this.generator;
    const decay = Math.pow(cfg.lrDecay, round);
    const weights = ensembleWeights(results.map((r) => r.labelCounts));
    const classTotals = Array.from({ length: numClasses }, (_, c) => results.reduce((s, r) => s + r.labelCounts[c], 0));
    const labelsAll = sampleLabels(cfg.iterations * B, classTotals, this.rng);
    const student = this.modelFactory();
    const teachers = results.map((r) => {
      const t = this.modelFactory();
      setParams(t, r.params);
      return t;
    });
    const genVars = Object.values(modelVariables(generator));
    const studentVars = Object.values(modelVariables(student));
    const genOpt = adam(cfg.generatorLr * decay);
    const studentOpt = tf.train.sgd(cfg.studentLr * decay);
    const stats: FedFTGStats = { generatorLoss: 0, studentLoss: 0 };
    try {
      setParams(student, global);
      for (let e = 0; e < cfg.iterations; e++) {
        const labels = labelsAll.subarray(e * B, (e + 1) * B);
        // w[i][k]: teacher k's weight for sample i's class.
        const w = new Float32Array(B * K);
        for (let i = 0; i < B; i++) for (let k = 0; k < K; k++) w[i * K + k] = weights[labels[i]][k];
        const [z, y, wT] = tf.tidy(() => [
          tf.randomNormal([B, cfg.noiseDim], 0, 1, 'float32', this.rng.tfSeed()),
          tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), 'float32'),
          tf.tensor2d(w, [B, K]),
        ]);
        try {
          for (let g = 0; g < cfg.generatorSteps; g++) {
            for (let k = 0; k < K; k++) {
              const loss = tf.tidy(() => {
                const wk = tf.reshape(tf.slice(wT, [0, k], [B, 1]), [B]);
                const { value, grads } = tf.variableGrads(() => {
                  const x = generator.apply([z, y], { training: true }) as tf.Tensor;
                  const t = teachers[k].apply(x) as tf.Tensor;
                  const s = student.apply(x) as tf.Tensor;
                  const hard = tf.neg(tf.mean(tf.mul(tf.mean(tf.abs(tf.sub(s, detach(t))), 1), wk)));
                  const fidelity = tf.mean(tf.mul(tf.losses.softmaxCrossEntropy(y, t, undefined, undefined, tf.Reduction.NONE), wk));
                  const diversity = diversityLoss(z as tf.Tensor2D, x);
                  return tf.addN([hard, tf.mul(cfg.lambdaCls, fidelity), tf.mul(cfg.lambdaDis / K, diversity)]) as tf.Scalar;
                }, genVars);
                genOpt.applyGradients(grads);
                return value;
              });
              stats.generatorLoss = (await loss.data())[0];
              loss.dispose();
            }
          }
          const [x, target] = tf.tidy(() => {
            const fake = generator.apply([z, y], { training: true }) as tf.Tensor;
            const parts = teachers.map((t, k) =>
              tf.mul(tf.softmax(t.apply(fake) as tf.Tensor), tf.slice(wT, [0, k], [B, 1])),
            );
            return [fake, tf.addN(parts)];
          });
          try {
            for (let s = 0; s < cfg.studentSteps; s++) {
              const loss = tf.tidy(() => {
                const { value, grads } = tf.variableGrads(
                  () => tf.mean(tf.mul(tf.neg(tf.logSoftmax(student.apply(x, { training: true }) as tf.Tensor)), target)) as tf.Scalar,
                  studentVars,
                );
                const decayed: tf.NamedTensorMap = {};
                for (const v of studentVars) decayed[v.name] = tf.add(grads[v.name], tf.mul(cfg.weightDecay, v));
                studentOpt.applyGradients(decayed);
                return value;
              });
              stats.studentLoss = (await loss.data())[0];
              loss.dispose();
            }
          } finally {
            tf.dispose([x, target]);
          }
        } finally {
          tf.dispose([z, y, wT]);
        }
      }
      if (!Number.isFinite(stats.generatorLoss) || !Number.isFinite(stats.studentLoss)) {
        throw new Error(`FedFTG: fine-tuning diverged at round ${round} (generator loss ${stats.generatorLoss}, student loss ${stats.studentLoss})`);
      }
      this.lastStats = stats;
      return getParams(student);
    } finally {
      genOpt.dispose();
      studentOpt.dispose();
      student.dispose();
      for (const t of teachers) t.dispose();
    }
  }
}
