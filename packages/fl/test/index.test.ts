import { describe, expect, it } from 'vitest';
import { papers } from '../src/index.js';

describe('@proj/fl', () => {
  it('cites the papers it implements', () => {
    expect(papers.map((p) => p.arxiv)).toEqual(['2203.09249', '2201.11380']);
  });
});
