import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements; methods arrive in later releases. */
export const papers: readonly PaperRef[] = [
  { title: 'STU-GAN: sparse-to-sparse GAN training', arxiv: '2203.02770' },
  { title: 'DaGAN: depth-aware generative adversarial network for talking head video generation', arxiv: '2203.06605' },
];
