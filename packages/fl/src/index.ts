import type { PaperRef } from '@proj/core';

/** The papers this package implements (the baselines are cited in their files). */
export const papers: readonly PaperRef[] = [
  { title: 'FedFTG: data-free knowledge distillation via generator fine-tuning', arxiv: '2203.09249' },
  { title: 'FedSpa: personalized sparse masks', arxiv: '2201.11380' },
];

export { iidPartition, dirichletPartition, shardPartition, labelCounts } from './partition.js';
export type { Partition, DirichletOptions, ShardOptions } from './partition.js';
export { getParams, setParams } from './model_params.js';
export { checkObjective } from './local_objective.js';
export type { LocalObjective } from './local_objective.js';
export { localTrain, LOCAL_TRAIN_DEFAULTS } from './local_trainer.js';
export type { LocalTrainConfig } from './local_trainer.js';
export { Client } from './client.js';
export type { FederatedClient, FitInstructions, ModelFactory } from './client.js';
export type { ClientInfo, FitResult, RoundContext, Strategy } from './strategy.js';
export { sampleClients } from './client_sampling.js';
export { weightedAverage } from './weighted_average.js';
export { Server } from './server.js';
export type { RoundRecord, ServerConfig } from './server.js';
export { accuracy, paramsAccuracy } from './accuracy.js';
export { FedAvg } from './fedavg.js';
export { FedProx } from './fedprox.js';
export type { FedProxConfig } from './fedprox.js';
export { FedDyn } from './feddyn.js';
export type { FedDynConfig } from './feddyn.js';
export { Scaffold } from './scaffold.js';
export { FedFTG, FEDFTG_DEFAULTS } from './fedftg.js';
export type { FedFTGConfig, FedFTGStats } from './fedftg.js';
export { conditionalGenerator, conditionalMlpGenerator } from './conditional_generator.js';
export type { ConditionalGeneratorConfig, ConditionalMlpGeneratorConfig } from './conditional_generator.js';
export { sampleLabels, ensembleWeights } from './fedftg_labels.js';
export { diversityLoss } from './diversity_loss.js';
export { FedSpa, FEDSPA_DEFAULTS } from './fedspa.js';
export type { FedSpaConfig } from './fedspa.js';
export { FedSpaClient } from './fedspa_client.js';
export type { RegrowConfig, SparseFitInstructions, SparseFitResult } from './fedspa_client.js';
export { coveringAverage } from './covering_average.js';
export type { SparseAggregation, SparseModel } from './covering_average.js';
export { flattenMask, unflattenMask, activeCount, maskParams } from './flat_mask.js';
export { sparseValueBytes, maskBytes, sparseMessageBytes } from './sparse_wire.js';
export { ownTestSplits } from './own_test_split.js';
export { checkUpdate } from './update_check.js';
export type { ClientFailure } from './server.js';
export { encodeMessage, decodeMessage } from './wire.js';
export type { WireMessage, WireTensor } from './wire.js';
export { FEDERATION_SERVICE } from './federation_service.js';
export { RemoteClient } from './remote_client.js';
export { FederationServer } from './federation_server.js';
export type { FederationServerConfig } from './federation_server.js';
export { joinFederation } from './join_federation.js';
export type { FederationSession, JoinOptions } from './join_federation.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type { Checkpoint } from './checkpoint.js';
