import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements; methods arrive in later releases. */
export const papers: readonly PaperRef[] = [
  { title: 'Self-supervised learning for mammography', arxiv: '2203.08812' },
];
