import type { PaperRef } from '@proj/core';

/** The paper this package implements. */
export const papers: readonly PaperRef[] = [
  { title: 'Provably Efficient Convergence of Primal-Dual Actor-Critic with Nonlinear Function Approximation', arxiv: '2202.13863' },
];

export { actionDim, checkAction } from './env.js';
export type { ActionSpace, BoxSpace, DiscreteSpace, Env, StepResult } from './env.js';
export { Pendulum, PENDULUM_DEFAULTS, angleNormalize } from './envs/pendulum.js';
export type { PendulumConfig } from './envs/pendulum.js';
export { CartPole } from './envs/cartpole.js';
export { MountainCarContinuous } from './envs/mountain_car.js';
export { Reacher } from './envs/reacher.js';
export { ENV_NAMES, makeEnv } from './envs/make.js';
export type { EnvName } from './envs/make.js';
export { VectorEnv } from './vector_env.js';
export type { Episode, VectorStep } from './vector_env.js';
export { RunningMeanStd, ObservationNormalizer, RewardScaler } from './running_stats.js';
export { gae } from './gae.js';
export type { GaeInput } from './gae.js';
export { ActorCritic, ACTOR_CRITIC_DEFAULTS, sampleActions, greedyActions } from './actor_critic.js';
export type { ActorCriticConfig, PolicyOutput } from './actor_critic.js';
export { RolloutCollector, splitActions, policyActions } from './rollout.js';
export type { Rollout, RolloutCollectorOptions } from './rollout.js';
export { rolloutTensors, gatherMinibatch, minibatchOrder, clippedGrads, valueLoss } from './minibatch.js';
export type { Minibatch, OnPolicyAlgorithm, UpdateStats } from './minibatch.js';
export { AdaptiveProximal, ADAPTIVE_PROXIMAL_DEFAULTS } from './adaptive_proximal.js';
export type { AdaptiveProximalConfig, Direction } from './adaptive_proximal.js';
export { Pdac, PDAC_DEFAULTS, dualObjective, primalObjective } from './pdac.js';
export type { PdacConfig } from './pdac.js';
export { A2c, A2C_DEFAULTS } from './a2c.js';
export type { A2cConfig } from './a2c.js';
export { Ppo, PPO_DEFAULTS } from './ppo.js';
export type { PpoConfig } from './ppo.js';
export { evaluatePolicy } from './evaluate.js';
export type { EvaluationOptions } from './evaluate.js';
export { trainAgent, ALGORITHM_NAMES } from './train_agent.js';
export type { AlgorithmConfig, AlgorithmName, TrainAgentOptions, TrainAgentResult, UpdateLog } from './train_agent.js';
export { RL_PRESETS } from './presets.js';
export type { RlPreset } from './presets.js';
export { saveAgent, loadAgent } from './checkpoint.js';
