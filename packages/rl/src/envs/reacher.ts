/**
 * A planar two-link reacher, the continuous-control task closest to the
 * paper's MuJoCo experiments that can be written without a physics engine:
 * the layout of Gymnasium's Reacher (links 0.1 and 0.11 m, a target drawn
 * uniformly in the disc of radius 0.2, 50 steps, reward -distance - |a|^2),
 * with the textbook dynamics of a horizontal two-link arm with point masses
 * m1, m2 at the link ends and viscous joint damping b (not MuJoCo's):
 *
 *   M(q) qdd + c(q, qd) = k a - b qd
 *   M11 = (m1 + m2) l1^2 + m2 l2^2 + 2 m2 l1 l2 cos q2,  M12 = m2 l2^2 + m2 l1 l2 cos q2,  M22 = m2 l2^2
 *   c1 = -m2 l1 l2 sin q2 (2 qd1 qd2 + qd2^2),  c2 = m2 l1 l2 sin q2 qd1^2
 *
 * integrated by semi-implicit Euler (qd += qdd dt, clipped to +-10 rad/s,
 * then q += qd dt) with dt = 0.02. Actions a in [-1, 1]^2 (clipped for the dynamics; the reward's
 * control cost uses the raw action), torque gain k.
 * Observation [cos q1, cos q2, sin q1, sin q2, target x, target y, qd1, qd2,
 * fingertip - target (x, y)], as Gymnasium's Reacher-v5.
 */
import type { Rng } from '@proj/core';
import { checkAction, type BoxSpace, type Env, type StepResult } from '../env.js';

const L1 = 0.1;
const L2 = 0.11;
/**
 * Point masses (kg), torque gain (N m), damping (N m s) and joint speed limit
 * (rad/s): our choices, such that reaching takes small actions (a PD
 * controller scores about -6 per episode, doing nothing about -10.5, as in
 * Gymnasium's Reacher) and the explicit integration stays stable.
 */
const M1 = 1;
const M2 = 1;
const GAIN = 5;
const DAMPING = 0.05;
const MAX_SPEED = 10;
const DT = 0.02;

export class Reacher implements Env {
  readonly name = 'Reacher2D';
  readonly observationSize = 10;
  readonly actionSpace: BoxSpace = { kind: 'box', low: [-1, -1], high: [1, 1] };
  readonly maxEpisodeSteps = 50;
  /** [q1, q2, qd1, qd2, target x, target y]; public so that tests can set an exact state. */
  state = new Float64Array(6);
  private t = 0;

  reset(rng: Rng): Float64Array {
    // Gymnasium: joint angles and velocities near 0, target by rejection in the disc of radius 0.2.
    this.state[0] = rng.uniformRange(-0.1, 0.1);
    this.state[1] = rng.uniformRange(-0.1, 0.1);
    this.state[2] = rng.uniformRange(-0.005, 0.005);
    this.state[3] = rng.uniformRange(-0.005, 0.005);
    let x: number;
    let y: number;
    do {
      x = rng.uniformRange(-0.2, 0.2);
      y = rng.uniformRange(-0.2, 0.2);
    } while (x * x + y * y >= 0.04);
    this.state[4] = x;
    this.state[5] = y;
    this.t = 0;
    return this.observe();
  }

  /** Fingertip position [x, y]. */
  fingertip(): [number, number] {
    const [q1, q2] = this.state;
    return [L1 * Math.cos(q1) + L2 * Math.cos(q1 + q2), L1 * Math.sin(q1) + L2 * Math.sin(q1 + q2)];
  }

  step(action: number | ArrayLike<number>): StepResult {
    checkAction(this.name, this.actionSpace, action);
    const a = action as ArrayLike<number>;
    const a1 = Math.min(Math.max(a[0], -1), 1);
    const a2 = Math.min(Math.max(a[1], -1), 1);
    // Reward of the pre-step state and the raw action, as Gymnasium's Reacher.
    const [fx, fy] = this.fingertip();
    const reward = -Math.hypot(fx - this.state[4], fy - this.state[5]) - (a[0] * a[0] + a[1] * a[1]);
    const [q1, q2, qd1, qd2] = this.state;
    const cos2 = Math.cos(q2);
    const h = M2 * L1 * L2 * Math.sin(q2);
    const m11 = (M1 + M2) * L1 * L1 + M2 * L2 * L2 + 2 * M2 * L1 * L2 * cos2;
    const m12 = M2 * L2 * L2 + M2 * L1 * L2 * cos2;
    const m22 = M2 * L2 * L2;
    const r1 = GAIN * a1 - DAMPING * qd1 + h * (2 * qd1 * qd2 + qd2 * qd2);
    const r2 = GAIN * a2 - DAMPING * qd2 - h * qd1 * qd1;
    const det = m11 * m22 - m12 * m12;
    const qdd1 = (m22 * r1 - m12 * r2) / det;
    const qdd2 = (m11 * r2 - m12 * r1) / det;
    // Clipping the joint speeds (as Pendulum's) keeps the Coriolis terms from running away under explicit Euler.
    this.state[2] = Math.min(Math.max(qd1 + qdd1 * DT, -MAX_SPEED), MAX_SPEED);
    this.state[3] = Math.min(Math.max(qd2 + qdd2 * DT, -MAX_SPEED), MAX_SPEED);
    this.state[0] = q1 + this.state[2] * DT;
    this.state[1] = q2 + this.state[3] * DT;
    this.t++;
    return { observation: this.observe(), reward, terminated: false, truncated: this.t >= this.maxEpisodeSteps };
  }

  private observe(): Float64Array {
    const [q1, q2, qd1, qd2, tx, ty] = this.state;
    const [fx, fy] = this.fingertip();
    return Float64Array.of(Math.cos(q1), Math.cos(q2), Math.sin(q1), Math.sin(q2), tx, ty, qd1, qd2, fx - tx, fy - ty);
  }
}
