/**
 * Pendulum-v1 (Gymnasium `classic_control/pendulum.py`): swing a pendulum up
 * and hold it upright with a torque u in [-2, 2].
 *
 *   thdot' = clip(thdot + (3g/(2l) sin th + 3/(m l^2) u) dt, -8, 8)
 *   th'    = th + thdot' dt                     (semi-implicit Euler, dt = 0.05)
 *   reward = -(norm(th)^2 + 0.1 thdot^2 + 0.001 u^2),  norm(th) in [-pi, pi)
 *
 * Observation [cos th, sin th, thdot]; th = 0 is upright. Never terminates;
 * truncated after 200 steps. Initial th ~ U[-pi, pi], thdot ~ U[-1, 1].
 */
import type { Rng } from '@proj/core';
import { checkAction, type BoxSpace, type Env, type StepResult } from '../env.js';

export interface PendulumConfig {
  /** Gravity; Gymnasium's default 10.0 (not 9.81). */
  g: number;
  /** Mass and length; Gymnasium's defaults 1.0. */
  m: number;
  l: number;
}

export const PENDULUM_DEFAULTS: PendulumConfig = { g: 10.0, m: 1.0, l: 1.0 };

const MAX_SPEED = 8;
const MAX_TORQUE = 2;
const DT = 0.05;

/** Angle wrapped to [-pi, pi), as Gymnasium's `angle_normalize`. */
export function angleNormalize(x: number): number {
  const twoPi = 2 * Math.PI;
  return ((((x + Math.PI) % twoPi) + twoPi) % twoPi) - Math.PI;
}

export class Pendulum implements Env {
  readonly name = 'Pendulum-v1';
  readonly observationSize = 3;
  readonly actionSpace: BoxSpace = { kind: 'box', low: [-MAX_TORQUE], high: [MAX_TORQUE] };
  readonly maxEpisodeSteps = 200;
  /** [th, thdot]; public so that tests can set an exact state. */
  state = new Float64Array(2);
  private t = 0;
  private readonly cfg: PendulumConfig;

  constructor(cfg: Partial<PendulumConfig> = {}) {
    this.cfg = { ...PENDULUM_DEFAULTS, ...cfg };
  }

  reset(rng: Rng): Float64Array {
    this.state[0] = rng.uniformRange(-Math.PI, Math.PI);
    this.state[1] = rng.uniformRange(-1, 1);
    this.t = 0;
    return this.observe();
  }

  step(action: number | ArrayLike<number>): StepResult {
    checkAction(this.name, this.actionSpace, action);
    const { g, m, l } = this.cfg;
    const u = Math.min(Math.max((action as ArrayLike<number>)[0], -MAX_TORQUE), MAX_TORQUE);
    const [th, thdot] = this.state;
    const cost = angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2;
    let newThdot = thdot + ((3 * g) / (2 * l) * Math.sin(th) + (3 / (m * l * l)) * u) * DT;
    newThdot = Math.min(Math.max(newThdot, -MAX_SPEED), MAX_SPEED);
    this.state[0] = th + newThdot * DT;
    this.state[1] = newThdot;
    this.t++;
    return { observation: this.observe(), reward: -cost, terminated: false, truncated: this.t >= this.maxEpisodeSteps };
  }

  private observe(): Float64Array {
    return Float64Array.of(Math.cos(this.state[0]), Math.sin(this.state[0]), this.state[1]);
  }
}
