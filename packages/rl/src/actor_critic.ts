/**
 * Actor and critic networks with separate MLP trunks (CleanRL's PPO agents):
 * tanh hidden layers, orthogonal initialization with gain sqrt(2) for hidden
 * layers, 0.01 for the policy head (near-uniform first policy) and 1 for the
 * value head (Andrychowicz et al. 2021, "What matters in on-policy RL").
 * A box action space gets a diagonal Gaussian with a state-independent,
 * learned log standard deviation; a discrete one a categorical over logits.
 * Sampling happens in JS from the network's outputs with a seeded Rng.
 */
import { tf, type Rng } from '@proj/core';
import { actionDim, type ActionSpace } from './env.js';
import { orthogonal } from './orthogonal_init.js';

export interface ActorCriticConfig {
  /** Hidden widths of both trunks; CleanRL's 64, 64. */
  hidden: number[];
  /** Initial log std of the Gaussian policy; CleanRL's 0 (std 1). */
  logStdInit: number;
}

export const ACTOR_CRITIC_DEFAULTS: ActorCriticConfig = { hidden: [64, 64], logStdInit: 0 };

const LOG_2PI = Math.log(2 * Math.PI);

function mlpVariables(sizes: number[], headGain: number, rng: Rng): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const gain = i + 2 === sizes.length ? headGain : Math.SQRT2;
    const w = orthogonal(sizes[i], sizes[i + 1], gain, rng);
    // tf.tidy frees the initial values (a variable keeps their data). Unnamed: tfjs names
    // must be unique per process, and several agents may coexist.
    vars.push(...tf.tidy(() => [tf.variable(tf.tensor2d(w, [sizes[i], sizes[i + 1]])), tf.variable(tf.zeros([sizes[i + 1]]))]));
  }
  return vars;
}

function mlp(vars: tf.Variable[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (let i = 0; i < vars.length; i += 2) {
    h = tf.add(tf.matMul(h, vars[i] as tf.Tensor2D), vars[i + 1]);
    if (i + 2 < vars.length) h = tf.tanh(h);
  }
  return h;
}

/** What the policy outputs for a batch: action means (box) or logits (discrete), and V(s). */
export interface PolicyOutput {
  /** [B * actionDim] means or logits. */
  head: Float32Array;
  /** [B] state values. */
  values: Float32Array;
}

export class ActorCritic {
  readonly actor: tf.Variable[];
  readonly critic: tf.Variable[];
  /** Log std of the Gaussian (box spaces only), part of the actor's parameters. */
  readonly logStd: tf.Variable | null;
  readonly actionDim: number;

  constructor(
    readonly observationSize: number,
    readonly actionSpace: ActionSpace,
    rng: Rng,
    readonly config: ActorCriticConfig = ACTOR_CRITIC_DEFAULTS,
  ) {
    this.actionDim = actionDim(actionSpace);
    const sizes = [observationSize, ...config.hidden];
    this.actor = mlpVariables([...sizes, this.actionDim], 0.01, rng);
    this.critic = mlpVariables([...sizes, 1], 1, rng);
    this.logStd = actionSpace.kind === 'box' ? tf.tidy(() => tf.variable(tf.fill([this.actionDim], config.logStdInit))) : null;
    if (this.logStd) this.actor.push(this.logStd);
  }

  /** Means (box) or logits (discrete), [B, actionDim]. */
  head(obs: tf.Tensor2D): tf.Tensor2D {
    return mlp(this.logStd ? this.actor.slice(0, -1) : this.actor, obs);
  }

  /** V(s), [B]. */
  value(obs: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(mlp(this.critic, obs), [-1]);
  }

  /** log pi(a|s) [B] and the entropy of pi(.|s) [B]; `actions` is [B, actionDim] (box) or [B] int32 (discrete). */
  logProbEntropy(obs: tf.Tensor2D, actions: tf.Tensor): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
    const head = this.head(obs);
    if (this.logStd) {
      const z = tf.div(tf.sub(actions, head), tf.exp(this.logStd));
      const perDim = tf.add(tf.mul(-0.5, tf.square(z)), tf.add(tf.neg(this.logStd), -0.5 * LOG_2PI));
      // Entropy of a diagonal Gaussian does not depend on s: sum_j (log sigma_j + (1 + log 2 pi) / 2), broadcast to [B].
      const entropy = tf.add(tf.zeros([head.shape[0]]), tf.sum(tf.add(this.logStd, 0.5 * (1 + LOG_2PI)))) as tf.Tensor1D;
      return { logProb: tf.sum(perDim, 1) as tf.Tensor1D, entropy };
    }
    const logp = tf.logSoftmax(head);
    const onehot = tf.oneHot(tf.cast(actions, 'int32') as tf.Tensor1D, this.actionDim);
    return {
      logProb: tf.sum(tf.mul(onehot, logp), 1) as tf.Tensor1D,
      entropy: tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Tensor1D,
    };
  }

  /** Forward pass for acting: no gradients, plain arrays back. */
  act(obs: Float32Array): PolicyOutput {
    const b = obs.length / this.observationSize;
    const [head, values] = tf.tidy(() => {
      const x = tf.tensor2d(obs, [b, this.observationSize]);
      return [this.head(x), this.value(x)];
    });
    const out = { head: head.dataSync() as Float32Array, values: values.dataSync() as Float32Array };
    tf.dispose([head, values]);
    return out;
  }

  /** Current log std as numbers (box spaces); empty for discrete. */
  logStdValues(): Float32Array {
    return this.logStd ? (this.logStd.dataSync() as Float32Array) : new Float32Array(0);
  }

  /** Every variable under a stable name (actor/w0, actor/b0, ..., actor/log_std, critic/w0, ...), for checkpoints. */
  namedVariables(): Record<string, tf.Variable> {
    const named = (prefix: string, vars: tf.Variable[]) => vars.map((v, i) => [`${prefix}/${i % 2 === 0 ? 'w' : 'b'}${i >> 1}`, v] as const);
    const trunk = this.logStd ? this.actor.slice(0, -1) : this.actor;
    return Object.fromEntries([
      ...named('actor', trunk),
      ...(this.logStd ? [['actor/log_std', this.logStd] as const] : []),
      ...named('critic', this.critic),
    ]);
  }

  dispose(): void {
    tf.dispose([...this.actor, ...this.critic]);
  }
}

/**
 * Draws one action per row of `head` and returns it with its log-probability
 * (computed in JS, equal to what `logProbEntropy` gives for the same action).
 * Box actions are returned unclipped (the environment clips), as in CleanRL.
 */
export function sampleActions(
  head: Float32Array,
  logStd: Float32Array,
  space: ActionSpace,
  rng: Rng,
): { actions: Float32Array; logProbs: Float32Array } {
  const k = actionDim(space);
  const b = head.length / k;
  const logProbs = new Float32Array(b);
  if (space.kind === 'discrete') {
    const actions = new Float32Array(b);
    const p = new Float64Array(k);
    for (let i = 0; i < b; i++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, head[i * k + j]);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += p[j] = Math.exp(head[i * k + j] - max);
      const a = rng.categorical(p);
      actions[i] = a;
      logProbs[i] = Math.log(p[a] / sum);
    }
    return { actions, logProbs };
  }
  const actions = new Float32Array(b * k);
  for (let i = 0; i < b; i++) {
    let lp = 0;
    for (let j = 0; j < k; j++) {
      const z = rng.normal();
      actions[i * k + j] = head[i * k + j] + Math.exp(logStd[j]) * z;
      lp += -0.5 * z * z - logStd[j] - 0.5 * LOG_2PI;
    }
    logProbs[i] = lp;
  }
  return { actions, logProbs };
}

/** The deterministic action of each row: the mean (box) or the arg-max logit (discrete). */
export function greedyActions(head: Float32Array, space: ActionSpace): Float32Array {
  if (space.kind === 'box') return head.slice();
  const k = space.n;
  const out = new Float32Array(head.length / k);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (head[i * k + j] > head[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}
