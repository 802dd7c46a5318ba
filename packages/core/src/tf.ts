/**
 * The one tfjs namespace of the project: tfjs-core ops plus tfjs-layers, as the
 * `@tensorflow/tfjs` umbrella composes them (without its browser backends).
 * Every other package gets tensors from here, so one engine exists per process.
 */
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
