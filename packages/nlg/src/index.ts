import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements; methods arrive in later releases. */
export const papers: readonly PaperRef[] = [
  { title: 'Code-switching restore', arxiv: '2204.07834' },
];
