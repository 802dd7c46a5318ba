/**
 * Running mean and variance of a stream of vectors (Chan, Golub & LeVeque
 * 1979, the parallel form of Welford's update, as Stable-Baselines3's
 * RunningMeanStd), and the two normalizers built on it: observations
 * (x - mean) / sqrt(var + eps) clipped to +-clip, and rewards divided by the
 * running std of the discounted return (SB3 VecNormalize, CleanRL's
 * NormalizeReward).
 */

export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  /** Starts at a tiny count (SB3's epsilon = 1e-4) so that the first batch is not divided by 0. */
  count = 1e-4;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`RunningMeanStd: size must be an integer >= 1, got ${size}`);
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
  }

  /** Folds in a batch of `rows.length / size` vectors (row-major). */
  update(rows: ArrayLike<number>): void {
    const d = this.size;
    if (rows.length === 0 || rows.length % d !== 0) {
      throw new Error(`RunningMeanStd.update: rows must hold a positive multiple of ${d} numbers, got ${rows.length}`);
    }
    const n = rows.length / d;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += rows[i * d + j];
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (rows[i * d + j] - m) ** 2;
      v /= n;
      const total = this.count + n;
      const delta = m - this.mean[j];
      this.mean[j] += (delta * n) / total;
      this.var[j] = (this.var[j] * this.count + v * n + (delta * delta * this.count * n) / total) / total;
    }
    this.count += n;
  }
}

/** Observation normalizer; `frozen` stops updates (evaluation, a loaded checkpoint). */
export class ObservationNormalizer {
  readonly stats: RunningMeanStd;
  frozen = false;

  /** Defaults from SB3 VecNormalize: clip_obs = 10, epsilon = 1e-8. */
  constructor(size: number, readonly clip = 10, readonly epsilon = 1e-8) {
    this.stats = new RunningMeanStd(size);
  }

  /** Normalized copy of `rows` as float32 (the network's input); updates the statistics first unless frozen. */
  normalize(rows: Float64Array): Float32Array {
    if (!this.frozen) this.stats.update(rows);
    return this.apply(rows);
  }

  /** Normalized copy of `rows` with the current statistics, leaving them unchanged. */
  apply(rows: ArrayLike<number>): Float32Array {
    const d = this.stats.size;
    const out = new Float32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const j = i % d;
      const z = (rows[i] - this.stats.mean[j]) / Math.sqrt(this.stats.var[j] + this.epsilon);
      out[i] = Math.min(Math.max(z, -this.clip), this.clip);
    }
    return out;
  }
}

/** Scales rewards by 1 / std of the running discounted return, per env (SB3 VecNormalize with norm_reward). */
export class RewardScaler {
  readonly stats = new RunningMeanStd(1);
  private readonly returns: Float64Array;

  /** Defaults from SB3 VecNormalize: clip_reward = 10, epsilon = 1e-8. */
  constructor(numEnvs: number, readonly gamma: number, readonly clip = 10, readonly epsilon = 1e-8) {
    this.returns = new Float64Array(numEnvs);
  }

  /** Scaled rewards of one vector step; `done[i]` restarts env i's discounted return. */
  scale(rewards: Float64Array, done: ArrayLike<number>): Float64Array {
    for (let i = 0; i < rewards.length; i++) this.returns[i] = this.returns[i] * this.gamma + rewards[i];
    this.stats.update(this.returns);
    const std = Math.sqrt(this.stats.var[0] + this.epsilon);
    const out = new Float64Array(rewards.length);
    for (let i = 0; i < rewards.length; i++) {
      out[i] = Math.min(Math.max(rewards[i] / std, -this.clip), this.clip);
      if (done[i]) this.returns[i] = 0;
    }
    return out;
  }
}
