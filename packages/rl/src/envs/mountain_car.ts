/**
 * MountainCarContinuous-v0 (Gymnasium `classic_control/continuous_mountain_car.py`,
 * Moore 1990): drive an under-powered car up the right hill with force
 * a in [-1, 1].
 *
 *   v' = clip(v + 0.0015 a - 0.0025 cos(3 x), -0.07, 0.07)
 *   x' = clip(x + v', -1.2, 0.6);  v' = 0 if x' = -1.2 and v' < 0
 *   reward = 100 [reached] - 0.1 a^2;  terminated when x' >= 0.45 and v' >= 0
 *
 * Truncated after 999 steps. Initial x ~ U[-0.6, -0.4], v = 0.
 * Observation [x, v].
 */
import type { Rng } from '@proj/core';
import { checkAction, type BoxSpace, type Env, type StepResult } from '../env.js';

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.45;
const GOAL_VELOCITY = 0;
const POWER = 0.0015;

export class MountainCarContinuous implements Env {
  readonly name = 'MountainCarContinuous-v0';
  readonly observationSize = 2;
  readonly actionSpace: BoxSpace = { kind: 'box', low: [-1], high: [1] };
  readonly maxEpisodeSteps = 999;
  /** [x, v]; public so that tests can set an exact state. */
  state = new Float64Array(2);
  private t = 0;

  reset(rng: Rng): Float64Array {
    this.state[0] = rng.uniformRange(-0.6, -0.4);
    this.state[1] = 0;
    this.t = 0;
    return Float64Array.from(this.state);
  }

  step(action: number | ArrayLike<number>): StepResult {
    checkAction(this.name, this.actionSpace, action);
    const force = Math.min(Math.max((action as ArrayLike<number>)[0], -1), 1);
    let [x, v] = this.state;
    v += force * POWER - 0.0025 * Math.cos(3 * x);
    v = Math.min(Math.max(v, -MAX_SPEED), MAX_SPEED);
    x += v;
    x = Math.min(Math.max(x, MIN_POSITION), MAX_POSITION);
    if (x === MIN_POSITION && v < 0) v = 0;
    this.state[0] = x;
    this.state[1] = v;
    this.t++;
    const terminated = x >= GOAL_POSITION && v >= GOAL_VELOCITY;
    // Gymnasium squares the unclipped action in the cost.
    const a0 = (action as ArrayLike<number>)[0];
    const reward = (terminated ? 100 : 0) - 0.1 * a0 * a0;
    return {
      observation: Float64Array.from(this.state),
      reward,
      terminated,
      truncated: this.t >= this.maxEpisodeSteps,
    };
  }
}
