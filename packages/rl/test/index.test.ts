import { describe, expect, it } from 'vitest';
import { papers } from '../src/index.js';

describe('@proj/rl', () => {
  it('cites the papers it implements', () => {
    expect(papers.map((p) => p.arxiv)).toEqual(['2202.13863']);
  });
});
