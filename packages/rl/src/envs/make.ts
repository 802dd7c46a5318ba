/** Environments by the short names the `rl` experiment uses. */
import type { Env } from '../env.js';
import { CartPole } from './cartpole.js';
import { MountainCarContinuous } from './mountain_car.js';
import { Pendulum } from './pendulum.js';
import { Reacher } from './reacher.js';

export const ENV_NAMES = ['pendulum', 'mountaincar', 'cartpole', 'reacher'] as const;
export type EnvName = (typeof ENV_NAMES)[number];

export function makeEnv(name: EnvName): Env {
  switch (name) {
    case 'pendulum':
      return new Pendulum();
    case 'mountaincar':
      return new MountainCarContinuous();
    case 'cartpole':
      return new CartPole();
    case 'reacher':
      return new Reacher();
    default:
      throw new Error(`makeEnv: name must be one of ${ENV_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
}
