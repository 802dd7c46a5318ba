import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { angleNormalize, CartPole, makeEnv, MountainCarContinuous, Pendulum, Reacher, VectorEnv } from '../src/index.js';

// Expected states come from Gymnasium's update equations evaluated by hand
// (float64, in the order of Gymnasium's code); the first step is spelled out.
describe('Pendulum-v1', () => {
  it('follows Gymnasium on a fixed action sequence, clipping torque and reporting the cost of the pre-step state', () => {
    const env = new Pendulum();
    env.state.set([1.0, -0.5]);
    // Step 1: thdot' = -0.5 + (3*10/2 sin 1 + 3 * 1.5) * 0.05; th' = 1 + thdot' * 0.05;
    // reward = -(1^2 + 0.1 * 0.25 + 0.001 * 2.25) = -1.02725.
    const thdot1 = -0.5 + (15 * Math.sin(1) + 4.5) * 0.05;
    let r = env.step([1.5]);
    expect(env.state[1]).toBeCloseTo(thdot1, 12);
    expect(env.state[0]).toBeCloseTo(1 + thdot1 * 0.05, 12);
    expect(r.reward).toBeCloseTo(-1.02725, 12);
    expect(Array.from(r.observation)).toEqual([Math.cos(env.state[0]), Math.sin(env.state[0]), env.state[1]]);
    r = env.step([-3.0]); // clipped to -2
    expect(env.state[0]).toBeCloseTo(1.0525212213701767, 12);
    expect(env.state[1]).toBeCloseTo(0.6943211887976128, 12);
    expect(r.reward).toBeCloseTo(-1.0526082993065187, 12);
    r = env.step([0.25]);
    expect(env.state[0]).toBeCloseTo(1.1216875915892908, 12);
    expect(env.state[1]).toBeCloseTo(1.383327404382283, 12);
    expect(r.reward).toBeCloseTo(-1.156071612755902, 12);
    expect(r.terminated).toBe(false);
  });

  it('clips the angular velocity to 8 and truncates after 200 steps', () => {
    const env = new Pendulum();
    env.reset(new Rng(1));
    env.state.set([Math.PI / 2, 7.9]);
    env.step([2]);
    expect(env.state[1]).toBe(8);
    let last = env.step([0]);
    for (let t = 2; t < 200; t++) {
      expect(last.truncated).toBe(false);
      last = env.step([0]);
    }
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
  });

  it('wraps angles to [-pi, pi) and samples the initial state from U[-pi, pi] x U[-1, 1]', () => {
    expect(angleNormalize(3 * Math.PI / 2)).toBeCloseTo(-Math.PI / 2, 12);
    expect(angleNormalize(-3 * Math.PI / 2)).toBeCloseTo(Math.PI / 2, 12);
    expect(angleNormalize(0.3)).toBeCloseTo(0.3, 12);
    const env = new Pendulum();
    const rng = new Rng(3);
    for (let i = 0; i < 100; i++) {
      env.reset(rng);
      expect(Math.abs(env.state[0])).toBeLessThanOrEqual(Math.PI);
      expect(Math.abs(env.state[1])).toBeLessThanOrEqual(1);
    }
  });

  it('rejects malformed actions by name', () => {
    const env = new Pendulum();
    env.reset(new Rng(0));
    expect(() => env.step([1, 2])).toThrow(/action must be an array of length 1/);
    expect(() => env.step([NaN])).toThrow(/action\[0\] must be finite/);
  });
});

describe('CartPole-v1', () => {
  it('follows Gymnasium on a fixed action sequence', () => {
    const env = new CartPole();
    env.state.set([0.01, -0.02, 0.03, 0.04]);
    // Step 1 (push right): temp = (10 + 0.05 * 0.04^2 sin 0.03) / 1.1,
    // thacc = (9.8 sin 0.03 - cos 0.03 temp) / (0.5 (4/3 - 0.1 cos^2 0.03 / 1.1)); Euler with tau = 0.02.
    const temp = (10 + 0.05 * 0.04 ** 2 * Math.sin(0.03)) / 1.1;
    const thAcc = (9.8 * Math.sin(0.03) - Math.cos(0.03) * temp) / (0.5 * (4 / 3 - (0.1 * Math.cos(0.03) ** 2) / 1.1));
    const xAcc = temp - (0.05 * thAcc * Math.cos(0.03)) / 1.1;
    let r = env.step(1);
    const hand = [0.01 + 0.02 * -0.02, -0.02 + 0.02 * xAcc, 0.03 + 0.02 * 0.04, 0.04 + 0.02 * thAcc];
    hand.forEach((v, i) => expect(env.state[i]).toBeCloseTo(v, 14));
    expect(env.state[1]).toBeCloseTo(0.17467919574755525, 12);
    expect(env.state[3]).toBeCloseTo(-0.2430687179600081, 12);
    expect(r.reward).toBe(1);
    r = env.step(0);
    expect(env.state[0]).toBeCloseTo(0.013093583914951107, 12);
    expect(env.state[1]).toBeCloseTo(-0.020868848948191993, 12);
    expect(env.state[2]).toBeCloseTo(0.025938625640799837, 12);
    expect(env.state[3]).toBeCloseTo(0.0591679999394166, 12);
    r = env.step(1);
    expect(Array.from(r.observation).map((v) => +v.toFixed(12))).toEqual(
      [0.012676206935987267, 0.1738717748734813, 0.02712198563958817, -0.22521957255967326].map((v) => +v.toFixed(12)),
    );
    expect(r.terminated).toBe(false);
  });

  it('terminates past 12 degrees or 2.4 m, with reward 1 on the last step', () => {
    const env = new CartPole();
    env.state.set([0, 0, 0.2094, 2]);
    const r = env.step(1);
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(1);
    env.state.set([2.39, 1, 0, 0]);
    expect(env.step(1).terminated).toBe(true);
  });

  it('rejects actions outside {0, 1}', () => {
    const env = new CartPole();
    expect(() => env.step(2)).toThrow(/action must be an integer in \[0, 2\)/);
    expect(() => env.step(0.5)).toThrow(/action must be an integer/);
  });
});

describe('MountainCarContinuous-v0', () => {
  it('follows Gymnasium on a fixed action sequence (force clipped, cost of the raw action)', () => {
    const env = new MountainCarContinuous();
    env.state.set([-0.5, 0]);
    // v' = 0 + 1.0 * 0.0015 - 0.0025 cos(-1.5); x' = -0.5 + v'.
    const v1 = 0.0015 - 0.0025 * Math.cos(-1.5);
    let r = env.step([1.0]);
    expect(env.state[1]).toBeCloseTo(v1, 14);
    expect(env.state[0]).toBeCloseTo(-0.5 + v1, 14);
    expect(r.reward).toBeCloseTo(-0.1, 14);
    r = env.step([0.5]);
    expect(env.state[0]).toBeCloseTo(-0.4967904264118068, 14);
    expect(r.reward).toBeCloseTo(-0.025, 14);
    r = env.step([-2.0]);
    expect(env.state[0]).toBeCloseTo(-0.4966048557566195, 14);
    expect(env.state[1]).toBeCloseTo(0.00018557065518730429, 14);
    expect(r.reward).toBeCloseTo(-0.4, 14);
  });

  it('stops at the left wall and pays 100 at the goal', () => {
    const env = new MountainCarContinuous();
    env.state.set([-1.19, -0.05]);
    env.step([-1]);
    expect(Array.from(env.state)).toEqual([-1.2, 0]);
    env.state.set([0.44, 0.05]);
    const r = env.step([0]);
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(100);
  });
});

describe('VectorEnv', () => {
  it('resets finished copies in the same step, keeps their final observation, and logs episodes', () => {
    const venv = new VectorEnv(() => makeEnv('cartpole'), 3, 5);
    venv.reset();
    let episodes = 0;
    let sawFinal = false;
    for (let t = 0; t < 200; t++) {
      const s = venv.step([1, 1, 0]);
      for (let i = 0; i < 3; i++) {
        if (s.terminated[i]) {
          sawFinal = true;
          const final = s.finalObservations[i] as Float64Array;
          expect(Math.abs(final[0]) > 2.4 || Math.abs(final[2]) > 0.2094).toBe(true);
          // The returned observation is a fresh reset state.
          for (let j = 0; j < 4; j++) expect(Math.abs(s.observations[i * 4 + j])).toBeLessThanOrEqual(0.05);
        }
      }
      episodes += s.episodes.length;
      for (const e of s.episodes) expect(e.ret).toBe(e.length);
    }
    expect(sawFinal).toBe(true);
    expect(episodes).toBeGreaterThan(10);
  });

  it('is reproducible from its seed', () => {
    const run = (seed: number) => {
      const venv = new VectorEnv(() => new Pendulum(), 2, seed);
      const first = venv.reset();
      return Array.from(first).concat(Array.from(venv.step([[0.5], [-0.5]]).observations));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('rejects a wrong number of actions', () => {
    const venv = new VectorEnv(() => new CartPole(), 2, 0);
    venv.reset();
    expect(() => venv.step([1])).toThrow(/one entry per env \(2\)/);
  });
});

describe('Reacher2D', () => {
  it('takes a hand-computed first step from rest (two-link manipulator equations) and clips joint speeds', () => {
    const env = new Reacher();
    env.state.set([0, 0, 0, 0, 0.1, 0.1]);
    // At q2 = 0 with unit masses: M11 = 2 * 0.01 + 0.0121 + 2 * 0.1 * 0.11 = 0.0541, M12 = 0.0231, M22 = 0.0121,
    // det = 0.0541 * 0.0121 - 0.0231^2 = 0.000121; torque 5 * (0.1, 0) gives qdd = (0.0121, -0.0231) * 0.5 / det = (50, -95.45...).
    const r = env.step([0.1, 0]);
    expect(env.state[2]).toBeCloseTo(50 * 0.02, 9);
    expect(env.state[3]).toBeCloseTo(((-0.0231 * 0.5) / 0.000121) * 0.02, 9);
    expect(env.state[0]).toBeCloseTo(50 * 0.02 * 0.02, 9);
    // Reward of the pre-step state: fingertip at (0.21, 0), target (0.1, 0.1); control cost 0.01.
    expect(r.reward).toBeCloseTo(-Math.hypot(0.11, -0.1) - 0.01, 12);
    expect(r.observation.length).toBe(10);
    const [fx, fy] = env.fingertip();
    expect(r.observation[8]).toBeCloseTo(fx - 0.1, 12);
    expect(r.observation[9]).toBeCloseTo(fy - 0.1, 12);
    // A full torque would give |qd2| = 19 after one step: clipped to 10.
    env.state.set([0, 0, 0, 0, 0.1, 0.1]);
    env.step([1, 0]);
    expect(env.state[2]).toBeCloseTo(10, 9);
    expect(env.state[3]).toBe(-10);
  });

  it('draws targets inside the disc of radius 0.2, clips actions, truncates after 50 steps', () => {
    const env = new Reacher();
    const rng = new Rng(2);
    for (let i = 0; i < 50; i++) {
      env.reset(rng);
      expect(Math.hypot(env.state[4], env.state[5])).toBeLessThan(0.2);
    }
    const a = new Reacher();
    const b = new Reacher();
    a.reset(new Rng(0));
    b.reset(new Rng(0));
    a.step([5, -5]);
    b.step([1, -1]);
    expect(Array.from(a.state.slice(0, 4))).toEqual(Array.from(b.state.slice(0, 4)));
    let last = a.step([0, 0]);
    for (let t = 2; t < 50; t++) last = a.step([0, 0]);
    expect(last.truncated).toBe(true);
  });
});
