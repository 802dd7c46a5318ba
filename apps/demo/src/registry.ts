import type { Experiment } from './experiment.js';
import { coreMnist } from './experiments/core_mnist.js';
import { sparseRandomPruning } from './experiments/sparse_random_pruning.js';
import { rl } from './experiments/rl.js';
import { fl } from './experiments/fl.js';
import { flSpa } from './experiments/fl_spa.js';
import { flTable } from './experiments/fl_table.js';
import { flClient, flServer } from './experiments/fl_deploy.js';
import { vmc } from './experiments/vmc.js';
import { vmcEd } from './experiments/vmc_ed.js';
import { ganStu } from './experiments/gan_stu.js';
import { dagan } from './experiments/dagan.js';
import { nlgCsr } from './experiments/nlg_csr.js';
import { unlearnable } from './experiments/unlearnable.js';
import { visionSsl } from './experiments/vision_ssl.js';
import { declaredOptions } from './options.js';

/**
 * Every reference experiment, in the order `list` and `all` show them.
 * To add one: write `src/experiments/<name>.ts` exporting an `Experiment`
 * and add it to this array.
 */
export const EXPERIMENTS: readonly Experiment[] = [coreMnist, sparseRandomPruning, vmcEd, vmc, rl, fl, flTable, flSpa, flServer, flClient, ganStu, dagan, nlgCsr, visionSsl, unlearnable];

/** Experiments by name, checked once so that a typo in a registration fails at startup. */
export interface Registry {
  readonly experiments: readonly Experiment[];
  get(name: string): Experiment | undefined;
  names(): string[];
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

export function createRegistry(experiments: readonly Experiment[]): Registry {
  const byName = new Map<string, Experiment>();
  for (const e of experiments) {
    if (!NAME_PATTERN.test(e.name)) {
      throw new Error(`registry: experiment name ${JSON.stringify(e.name)} must be lowercase letters, digits and dashes`);
    }
    // `all` and `list` are subcommands, so experiments cannot take those names.
    if (e.name === 'all' || e.name === 'list' || e.name === 'help') {
      throw new Error(`registry: experiment name ${JSON.stringify(e.name)} is reserved for a subcommand`);
    }
    if (byName.has(e.name)) throw new Error(`registry: two experiments are named ${JSON.stringify(e.name)}`);
    byName.set(e.name, e);
  }
  declaredOptions(experiments);
  return {
    experiments: [...experiments],
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}

export function defaultRegistry(): Registry {
  return createRegistry(EXPERIMENTS);
}
