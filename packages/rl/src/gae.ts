/**
 * Generalized advantage estimation (Schulman et al. 2016, eq. 16):
 *
 *   delta_t = r_t + gamma (1 - term_t) V(s_{t+1}) - V(s_t)
 *   A_t     = delta_t + gamma lambda (1 - end_t) A_{t+1}
 *
 * where end_t = term_t or trunc_t cuts the sum at episode boundaries, and a
 * truncated step bootstraps from V(final observation) instead of 0 (Pardo et
 * al. 2018, "Time limits in RL"). The lambda-return targets are A_t + V(s_t).
 * lambda = 1 gives Monte-Carlo advantages, lambda = 0 the one-step TD error.
 */

export interface GaeInput {
  /** [T * N] rewards, row t holds the N envs of step t. */
  rewards: ArrayLike<number>;
  /** [T * N] V(s_t). */
  values: ArrayLike<number>;
  /** [T * N] 1 where step t ended in a terminal state. */
  terminated: ArrayLike<number>;
  /** [T * N] 1 where step t was cut by the time limit. */
  truncated: ArrayLike<number>;
  /** [T * N] V(final observation) on truncated steps (ignored elsewhere). */
  finalValues: ArrayLike<number>;
  /** [N] V(s_T) of the observation after the last step. */
  lastValues: ArrayLike<number>;
  numEnvs: number;
  gamma: number;
  lambda: number;
}

export function gae(input: GaeInput): { advantages: Float32Array; returns: Float32Array } {
  const { rewards, values, terminated, truncated, finalValues, lastValues, numEnvs: n, gamma, lambda } = input;
  const size = rewards.length;
  if (size === 0 || size % n !== 0) throw new Error(`gae: rewards must hold T * numEnvs (${n}) entries, got ${size}`);
  for (const [name, a] of [['values', values], ['terminated', terminated], ['truncated', truncated], ['finalValues', finalValues]] as const) {
    if (a.length !== size) throw new Error(`gae: ${name} must have ${size} entries like rewards, got ${a.length}`);
  }
  if (lastValues.length !== n) throw new Error(`gae: lastValues must have numEnvs = ${n} entries, got ${lastValues.length}`);
  if (!(gamma >= 0 && gamma <= 1)) throw new Error(`gae: gamma must be in [0, 1], got ${gamma}`);
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`gae: lambda must be in [0, 1], got ${lambda}`);
  const T = size / n;
  const advantages = new Float32Array(size);
  const returns = new Float32Array(size);
  for (let i = 0; i < n; i++) {
    let next = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * n + i;
      const nextValue = truncated[k] ? finalValues[k] : t === T - 1 ? lastValues[i] : values[k + n];
      const bootstrap = terminated[k] ? 0 : gamma * nextValue;
      const delta = rewards[k] + bootstrap - values[k];
      const ended = terminated[k] || truncated[k];
      next = delta + (ended ? 0 : gamma * lambda * next);
      advantages[k] = next;
      returns[k] = next + values[k];
    }
  }
  return { advantages, returns };
}
