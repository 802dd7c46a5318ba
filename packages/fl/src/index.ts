import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements; methods arrive in later releases. */
export const papers: readonly PaperRef[] = [
  { title: 'FedFTG: data-free knowledge distillation via generator fine-tuning', arxiv: '2203.09249' },
  { title: 'FedSpa: personalized sparse masks', arxiv: '2201.11380' },
];
