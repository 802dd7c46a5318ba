/** Fixed MIL poolings: the element-wise max or mean of the tile embeddings. */
import { tf } from '@proj/core';
import { checkBags, type MilPooling } from './mil_pooling.js';

export function maxPooling(): MilPooling {
  return {
    name: 'max',
    variables: [],
    pool: (bags) => {
      checkBags(bags, 'maxPooling');
      return { z: tf.max(bags, 1) as tf.Tensor2D };
    },
  };
}

export function meanPooling(): MilPooling {
  return {
    name: 'mean',
    variables: [],
    pool: (bags) => {
      checkBags(bags, 'meanPooling');
      return { z: tf.mean(bags, 1) as tf.Tensor2D };
    },
  };
}
