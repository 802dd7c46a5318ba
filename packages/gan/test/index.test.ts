import { describe, expect, it } from 'vitest';
import { papers } from '../src/index.js';

describe('@proj/gan', () => {
  it('cites the papers it implements', () => {
    expect(papers.map((p) => p.arxiv)).toEqual(['2203.02770', '2203.06605']);
  });
});
