/**
 * A federated client: local data, a model factory and a local trainer. It
 * builds its model only while it trains and disposes it afterwards, so a
 * simulation of any number of clients holds just the sampled ones' models.
 */
import { classCounts, type Dataset, type tf } from '@proj/core';
import { localTrain, type LocalTrainConfig } from './local_trainer.js';
import type { LocalObjective } from './local_objective.js';
import { getParams, setParams } from './model_params.js';
import type { ClientInfo, FitResult } from './strategy.js';

/** Builds a fresh, untrained model; every call must give the same architecture. */
export type ModelFactory = () => tf.LayersModel;

/** What the server sends a client for one round. */
export interface FitInstructions {
  round: number;
  params: Float32Array;
  objective: LocalObjective;
  /** This round's local step size (the server decays it). */
  lr: number;
  /** Seeds the local batch order. */
  seed: number;
}

/** Anything the server can train on: an in-process `Client` or a proxy of a remote one. */
export interface FederatedClient {
  readonly info: ClientInfo;
  fit(ins: FitInstructions): Promise<FitResult>;
}

export class Client implements FederatedClient {
  readonly info: ClientInfo;
  readonly labelCounts: Int32Array;

  constructor(
    id: number,
    readonly data: Dataset,
    private readonly modelFactory: ModelFactory,
    private readonly train: Omit<LocalTrainConfig, 'lr'>,
  ) {
    if (data.size === 0) throw new Error(`Client ${id}: data is empty`);
    this.info = { id, numExamples: data.size };
    this.labelCounts = classCounts(data);
  }

  async fit(ins: FitInstructions): Promise<FitResult> {
    const model = this.modelFactory();
    try {
      setParams(model, ins.params);
      const steps = await localTrain(model, this.data, { ...this.train, lr: ins.lr }, ins.objective, ins.seed);
      return {
        clientId: this.info.id,
        params: getParams(model),
        numExamples: this.data.size,
        labelCounts: this.labelCounts,
        steps,
        lr: ins.lr,
      };
    } finally {
      model.dispose();
    }
  }
}
