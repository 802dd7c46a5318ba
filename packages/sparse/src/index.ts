import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements; methods arrive in later releases. */
export const papers: readonly PaperRef[] = [
  { title: 'Random pruning at initialization', arxiv: '2202.02643' },
];
