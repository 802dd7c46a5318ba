/**
 * Exponential moving average of weights (BYOL's target network, Grill et
 * al. 2020 eq. 1): xi <- tau xi + (1 - tau) theta, with tau raised from
 * tau_base to 1 along a cosine over training.
 */
import { tf } from '@proj/core';

function checkLists(target: tf.Variable[], online: tf.Variable[], what: string): void {
  if (target.length !== online.length || target.some((t, i) => t.size !== online[i].size)) {
    throw new Error(`${what}: target and online must list variables of equal sizes in the same order`);
  }
}

/** target <- online, variable by variable. */
export function copyWeights(target: tf.Variable[], online: tf.Variable[]): void {
  checkLists(target, online, 'copyWeights');
  tf.tidy(() => target.forEach((t, i) => t.assign(online[i])));
}

/** target <- tau target + (1 - tau) online. */
export function emaUpdate(target: tf.Variable[], online: tf.Variable[], tau: number): void {
  checkLists(target, online, 'emaUpdate');
  if (!(tau >= 0 && tau <= 1)) throw new Error(`emaUpdate: tau must be in [0, 1], got ${tau}`);
  tf.tidy(() => target.forEach((t, i) => t.assign(tf.add(tf.mul(t, tau), tf.mul(online[i], 1 - tau)))));
}

/** BYOL's schedule: tau = 1 - (1 - tauBase) (cos(pi k / K) + 1) / 2 at step k of K. */
export function emaMomentum(tauBase: number, step: number, totalSteps: number): number {
  if (!(tauBase >= 0 && tauBase <= 1)) throw new Error(`emaMomentum: tauBase must be in [0, 1], got ${tauBase}`);
  const k = Math.min(Math.max(step, 0), totalSteps);
  return 1 - ((1 - tauBase) * (Math.cos((Math.PI * k) / totalSteps) + 1)) / 2;
}
