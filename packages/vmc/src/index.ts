import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements; methods arrive in later releases. */
export const papers: readonly PaperRef[] = [
  { title: 'CNN wave functions for J1-J2 and t-J', arxiv: '2204.07816' },
];
