import { tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { discriminatorLoss, generatorLoss, type GanLoss } from '../src/index.js';

const softplus = (x: number) => Math.log1p(Math.exp(x));

function value(f: () => tf.Scalar): number {
  const t = f();
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe('GAN losses', () => {
  const realL = [2, -1];
  const fakeL = [0.5, -3];
  const real = () => tf.tensor2d(realL, [2, 1]);
  const fake = () => tf.tensor2d(fakeL, [2, 1]);
  const d = (loss: GanLoss) => value(() => tf.tidy(() => discriminatorLoss(loss, real(), fake())));
  const g = (loss: GanLoss) => value(() => tf.tidy(() => generatorLoss(loss, fake())));

  it('non-saturating: D = mean softplus(-real) + mean softplus(fake), G = mean softplus(-fake)', () => {
    expect(d('non-saturating')).toBeCloseTo((softplus(-2) + softplus(1)) / 2 + (softplus(0.5) + softplus(-3)) / 2, 5);
    expect(g('non-saturating')).toBeCloseTo((softplus(-0.5) + softplus(3)) / 2, 5);
  });

  it('hinge: D = mean relu(1 - real) + mean relu(1 + fake), G = -mean fake', () => {
    // relu(1-2)=0, relu(1+1)=2 -> 1; relu(1.5)=1.5, relu(-2)=0 -> 0.75.
    expect(d('hinge')).toBeCloseTo(1.75, 6);
    expect(g('hinge')).toBeCloseTo(1.25, 6);
  });

  it('lsgan: D = 1/2 mean (real - 1)^2 + 1/2 mean fake^2, G = 1/2 mean (fake - 1)^2', () => {
    // (1 + 4)/2 = 2.5 and (0.25 + 9)/2 = 4.625 -> 0.5 * 7.125.
    expect(d('lsgan')).toBeCloseTo(3.5625, 6);
    // (0.25 + 16)/2 = 8.125 -> 4.0625.
    expect(g('lsgan')).toBeCloseTo(4.0625, 6);
  });

  it('rejects an unknown loss', () => {
    const t = tf.zeros([1, 1]);
    expect(() => generatorLoss('wgan' as GanLoss, t)).toThrow(/non-saturating, hinge, lsgan/);
    t.dispose();
  });
});
