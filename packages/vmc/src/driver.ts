/**
 * The VMC driver (NetKet's `VMC`): sample |psi|^2, estimate the energy from
 * local energies, compute per-sample log-derivatives, turn them into an SR
 * direction (or the plain gradient), and step the optimizer. It keeps the
 * energy history and writes checkpoints (safetensors via @proj/core) that
 * hold everything the next iteration depends on (parameters, optimizer
 * moments, chain states, the sampler's rng), so a resumed run continues
 * bit for bit.
 */
import { decodeSafetensors, encodeSafetensors, silentProgress, type ProgressReporter, type SafeTensor } from '@proj/core';
import { localEnergies, mcStatistics } from './estimators.js';
import type { MetropolisSampler } from './metropolis.js';
import type { WaveFunction } from './model.js';
import type { Operator } from './operator.js';
import type { Optimizer } from './optimizer.js';
import { energyForce, srDirection, type SrConfig } from './sr.js';

export interface VmcConfig {
  /** Samples per iteration (default 1024; rounded up to a multiple of the chains). */
  samples?: number;
  /** SR settings, or false for the plain energy gradient (default {} = SR with its defaults). */
  sr?: SrConfig | false;
}

export interface IterationLog {
  iteration: number;
  energy: number;
  error: number;
  variance: number;
  tauCorr: number;
  rHat: number;
  acceptance: number;
  seconds: number;
}

const HISTORY_FIELDS = ['iteration', 'energy', 'error', 'variance', 'tauCorr', 'rHat', 'acceptance', 'seconds'] as const;

export class VmcDriver {
  iteration = 0;
  readonly history: IterationLog[] = [];
  readonly samples: number;
  readonly sr: SrConfig | false;

  constructor(
    readonly model: WaveFunction,
    readonly operator: Operator,
    readonly sampler: MetropolisSampler,
    readonly optimizer: Optimizer,
    config: VmcConfig = {},
  ) {
    this.samples = config.samples ?? 1024;
    if (!Number.isInteger(this.samples) || this.samples < 2) throw new Error(`VmcDriver: samples must be an integer >= 2, got ${this.samples}`);
    this.sr = config.sr ?? {};
    if (sampler.model !== model) throw new Error('VmcDriver: the sampler must sample the same model');
  }

  /** One iteration: statistics at the current parameters, then one update. */
  step(): IterationLog {
    const t0 = performance.now();
    this.model.paramsChanged?.();
    const batch = this.sampler.sample(this.samples);
    const eloc = localEnergies(this.model, this.operator, batch);
    const stats = mcStatistics(eloc, batch.chains);
    if (!Number.isFinite(stats.mean)) throw new Error(`VmcDriver: energy is not finite at iteration ${this.iteration}`);
    const P = this.model.numParams;
    const n = this.operator.hilbert.n;
    const O = new Float64Array(batch.count * P);
    for (let s = 0; s < batch.count; s++) this.model.logPsiGrad(batch.configs.subarray(s * n, (s + 1) * n), O, s * P);
    // Without SR, step along the energy gradient 2f.
    const direction = this.sr === false ? energyForce(O, eloc, P).force.map((f) => 2 * f) : srDirection(O, eloc, P, this.sr).direction;
    this.optimizer.step(this.model.params, direction);
    const log: IterationLog = {
      iteration: this.iteration,
      energy: stats.mean,
      error: stats.error,
      variance: stats.variance,
      tauCorr: stats.tauCorr,
      rHat: stats.rHat,
      acceptance: batch.acceptance,
      seconds: (performance.now() - t0) / 1000,
    };
    this.history.push(log);
    this.iteration++;
    return log;
  }

  /**
   * `iterations` steps; `onCheckpoint` gets the checkpoint bytes every
   * `checkpointEvery` iterations (e.g. to write them with writeFileAtomic).
   */
  run(
    iterations: number,
    opts: { reporter?: ProgressReporter; checkpointEvery?: number; onCheckpoint?: (bytes: Uint8Array) => void } = {},
  ): IterationLog[] {
    const reporter = opts.reporter ?? silentProgress;
    reporter.start(iterations, 'vmc');
    const out: IterationLog[] = [];
    try {
      for (let k = 0; k < iterations; k++) {
        const log = this.step();
        out.push(log);
        reporter.tick({ energy: log.energy, error: log.error, acceptance: log.acceptance });
        if (opts.checkpointEvery && opts.onCheckpoint && this.iteration % opts.checkpointEvery === 0) opts.onCheckpoint(this.checkpoint());
      }
    } finally {
      reporter.end();
    }
    return out;
  }

  /** Energy statistics at the current parameters without updating them (fresh samples). */
  evaluate(samples = this.samples): { energy: number; error: number; variance: number; rHat: number; tauCorr: number } {
    this.model.paramsChanged?.();
    const batch = this.sampler.sample(samples);
    const s = mcStatistics(localEnergies(this.model, this.operator, batch), batch.chains);
    return { energy: s.mean, error: s.error, variance: s.variance, rHat: s.rHat, tauCorr: s.tauCorr };
  }

  /** Everything the next iteration depends on, as safetensors bytes. */
  checkpoint(): Uint8Array {
    const snap = this.sampler.snapshot();
    // One tensor per parameter block (model.layout), so the file reads as named weights elsewhere too.
    const tensors: Record<string, SafeTensor> = {};
    let offset = 0;
    for (const { name, shape } of this.model.layout) {
      const size = shape.reduce((a, b) => a * b, 1);
      tensors[`params.${name}`] = { dtype: 'F64', shape, data: this.model.params.slice(offset, offset + size) };
      offset += size;
    }
    Object.assign(tensors, {
      'sampler.configs': { dtype: 'I8', shape: [snap.configs.length], data: snap.configs },
      'sampler.rng': { dtype: 'U32', shape: [4], data: Uint32Array.from(snap.rng) },
      history: {
        dtype: 'F64',
        shape: [this.history.length, HISTORY_FIELDS.length],
        data: Float64Array.from(this.history.flatMap((h) => HISTORY_FIELDS.map((f) => h[f]))),
      },
    });
    for (const [k, v] of Object.entries(this.optimizer.state())) tensors[`optimizer.${k}`] = { dtype: 'F64', shape: [v.length], data: v };
    return encodeSafetensors(tensors, {
      iteration: String(this.iteration),
      burnedIn: String(snap.burnedIn),
      optimizer: this.optimizer.name,
    });
  }

  /** Restores a `checkpoint()` into this driver (same model shape, sampler and optimizer kind). */
  restore(bytes: Uint8Array): void {
    const { tensors, metadata } = decodeSafetensors(bytes);
    const need = (name: string): SafeTensor => {
      const t = tensors[name];
      if (!t) throw new Error(`VmcDriver.restore: checkpoint has no tensor ${JSON.stringify(name)}`);
      return t;
    };
    if (metadata.optimizer !== this.optimizer.name) {
      throw new Error(`VmcDriver.restore: checkpoint optimizer is ${metadata.optimizer}, this driver uses ${this.optimizer.name}`);
    }
    let offset = 0;
    for (const { name, shape } of this.model.layout) {
      const t = need(`params.${name}`);
      if (t.shape.join('x') !== shape.join('x')) {
        throw new Error(`VmcDriver.restore: params.${name} has shape [${t.shape}], the model [${shape}]`);
      }
      this.model.params.set(t.data as Float64Array, offset);
      offset += t.data.length;
    }
    const opt: Record<string, Float64Array> = {};
    for (const [k, t] of Object.entries(tensors)) if (k.startsWith('optimizer.')) opt[k.slice('optimizer.'.length)] = t.data as Float64Array;
    this.optimizer.loadState(opt);
    this.sampler.restore({
      configs: need('sampler.configs').data as Int8Array,
      rng: Array.from(need('sampler.rng').data as Uint32Array),
      burnedIn: metadata.burnedIn === 'true',
    });
    const h = need('history');
    const rows = h.shape[0];
    const data = h.data as Float64Array;
    this.history.length = 0;
    for (let r = 0; r < rows; r++) {
      const entry = {} as IterationLog;
      HISTORY_FIELDS.forEach((f, c) => (entry[f] = data[r * HISTORY_FIELDS.length + c]));
      this.history.push(entry);
    }
    this.iteration = Number(metadata.iteration);
  }
}
