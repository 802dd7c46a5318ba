import { tf } from '@proj/core';

/**
 * GAN objectives on discriminator logits (means over the batch):
 * - `non-saturating` (Goodfellow et al. 2014): L_D = softplus(-D(x)) + softplus(D(G(z))),
 *   L_G = softplus(-D(G(z))), i.e. -log sigmoid.
 * - `hinge` (Lim & Ye 2017; SNGAN, BigGAN): L_D = relu(1 - D(x)) + relu(1 + D(G(z))), L_G = -D(G(z)).
 * - `lsgan` (Mao et al. 2017, targets a=0, b=c=1): L_D = 1/2 (D(x) - 1)^2 + 1/2 D(G(z))^2,
 *   L_G = 1/2 (D(G(z)) - 1)^2.
 */
export type GanLoss = 'non-saturating' | 'hinge' | 'lsgan';

export const GAN_LOSSES: readonly GanLoss[] = ['non-saturating', 'hinge', 'lsgan'];

/** The discriminator's loss from its logits on real and on generated images. */
export function discriminatorLoss(loss: GanLoss, realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  checkLoss(loss);
  return tf.tidy(() => {
    switch (loss) {
      case 'non-saturating':
        return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits)));
      case 'hinge':
        return tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits))));
      case 'lsgan':
        return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(realLogits, 1))), tf.mean(tf.square(fakeLogits))));
    }
  }) as tf.Scalar;
}

/** The generator's loss from the discriminator's logits on generated images. */
export function generatorLoss(loss: GanLoss, fakeLogits: tf.Tensor): tf.Scalar {
  checkLoss(loss);
  return tf.tidy(() => {
    switch (loss) {
      case 'non-saturating':
        return tf.mean(tf.softplus(tf.neg(fakeLogits)));
      case 'hinge':
        return tf.neg(tf.mean(fakeLogits));
      case 'lsgan':
        return tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeLogits, 1))));
    }
  }) as tf.Scalar;
}

function checkLoss(loss: GanLoss): void {
  if (!GAN_LOSSES.includes(loss)) throw new Error(`GAN loss must be one of ${GAN_LOSSES.join(', ')}, got ${JSON.stringify(loss)}`);
}
