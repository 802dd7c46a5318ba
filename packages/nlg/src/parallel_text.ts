import { readFileSync } from 'node:fs';
import type { SentencePair } from './gettext_corpus.js';

/** Users' own data: two plain-text files, one sentence per line, line i of one translating line i of the other. */
export function loadParallelText(srcPath: string, tgtPath: string): SentencePair[] {
  const lines = (p: string) => {
    const t = readFileSync(p, 'utf8').replace(/\r\n/g, '\n').replace(/\n$/, '');
    return t === '' ? [] : t.split('\n');
  };
  const src = lines(srcPath);
  const tgt = lines(tgtPath);
  if (src.length !== tgt.length) {
    throw new Error(`loadParallelText: ${srcPath} has ${src.length} lines but ${tgtPath} has ${tgt.length}; they must align line by line`);
  }
  return src.map((s, i) => ({ src: s.trim(), tgt: tgt[i].trim() })).filter((p) => p.src !== '' && p.tgt !== '');
}
