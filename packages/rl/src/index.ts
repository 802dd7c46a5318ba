import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements; methods arrive in later releases. */
export const papers: readonly PaperRef[] = [
  { title: 'Primal-dual actor-critic', arxiv: '2202.13863' },
];
