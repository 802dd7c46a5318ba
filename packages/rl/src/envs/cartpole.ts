/**
 * CartPole-v1 (Gymnasium `classic_control/cartpole.py`, Barto, Sutton &
 * Anderson 1983): push a cart left (action 0) or right (action 1) with force
 * 10 N to keep a pole upright. Explicit Euler with tau = 0.02 s:
 *
 *   temp   = (F + m_p l thdot^2 sin th) / (m_c + m_p)
 *   thacc  = (g sin th - cos th temp) / (l (4/3 - m_p cos^2 th / (m_c + m_p)))
 *   xacc   = temp - m_p l thacc cos th / (m_c + m_p)
 *   x' = x + tau xdot, xdot' = xdot + tau xacc, th' = th + tau thdot, thdot' = thdot + tau thacc
 *
 * (l = 0.5 is half the pole.) Reward 1 every step, including the last;
 * terminated when |x| > 2.4 or |th| > 12 degrees; truncated after 500 steps.
 * Initial state ~ U[-0.05, 0.05]^4. Observation [x, xdot, th, thdot].
 */
import type { Rng } from '@proj/core';
import { checkAction, type DiscreteSpace, type Env, type StepResult } from '../env.js';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_CART + MASS_POLE;
const HALF_LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;

export class CartPole implements Env {
  readonly name = 'CartPole-v1';
  readonly observationSize = 4;
  readonly actionSpace: DiscreteSpace = { kind: 'discrete', n: 2 };
  readonly maxEpisodeSteps = 500;
  /** [x, xdot, th, thdot]; public so that tests can set an exact state. */
  state = new Float64Array(4);
  private t = 0;

  reset(rng: Rng): Float64Array {
    for (let i = 0; i < 4; i++) this.state[i] = rng.uniformRange(-0.05, 0.05);
    this.t = 0;
    return Float64Array.from(this.state);
  }

  step(action: number | ArrayLike<number>): StepResult {
    checkAction(this.name, this.actionSpace, action);
    const [x, xDot, th, thDot] = this.state;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cos = Math.cos(th);
    const sin = Math.sin(th);
    const temp = (force + POLE_MASS_LENGTH * thDot * thDot * sin) / TOTAL_MASS;
    const thAcc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4 / 3 - (MASS_POLE * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thAcc * cos) / TOTAL_MASS;
    this.state[0] = x + TAU * xDot;
    this.state[1] = xDot + TAU * xAcc;
    this.state[2] = th + TAU * thDot;
    this.state[3] = thDot + TAU * thAcc;
    this.t++;
    const terminated =
      this.state[0] < -X_THRESHOLD || this.state[0] > X_THRESHOLD || this.state[2] < -THETA_THRESHOLD || this.state[2] > THETA_THRESHOLD;
    return {
      observation: Float64Array.from(this.state),
      reward: 1,
      terminated,
      truncated: this.t >= this.maxEpisodeSteps,
    };
  }
}
