import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer, EOS_ID, PAD_ID, SPECIAL_TOKENS, trainBpe, WORD_START } from '../src/index.js';

const corpus = [
  'open the file',
  'close the file',
  'open the window',
  'Datei öffnen',
  'Fenster schließen',
  'the files are open',
  'lower lowest newer newest',
  'low lower lowest',
];

describe('BPE tokenizer', () => {
  it('starts with mBART specials and language tokens, and merges the most frequent pair first', () => {
    const tok = trainBpe(corpus, { vocabSize: 120, langs: ['en', 'de'], minCharCount: 1 });
    expect(tok.vocab.slice(0, 7)).toEqual([...SPECIAL_TOKENS, '[en]', '[de]']);
    expect([PAD_ID, EOS_ID]).toEqual([0, 2]);
    expect(tok.langId('de')).toBe(6);
    // 'e n', 'o w' and 'w e' occur 6 times each, more than any other pair (e.g. '▁t h' 4 times); ties go to the smaller text.
    expect(tok.merges[0]).toEqual(['e', 'n']);
    expect(tok.merges[1]).toEqual(['o', 'w']);
    expect(tok.vocab).toContain(`${WORD_START}t`);
    expect(() => tok.langId('fr')).toThrow(/unknown language "fr"/);
  });

  it('round-trips text and survives save/load with identical encodings', () => {
    const tok = trainBpe(corpus, { vocabSize: 80, langs: ['en', 'de'], minCharCount: 1 });
    for (const s of [...corpus, 'the newest window', 'öffnen Fenster lowest']) {
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
    const path = join(mkdtempSync(join(tmpdir(), 'nlg-bpe-')), 'bpe.json');
    tok.save(path);
    const back = BpeTokenizer.load(path);
    expect(back.vocab).toEqual(tok.vocab);
    expect(back.encode('open the newest files')).toEqual(tok.encode('open the newest files'));
    expect(tok.encodeWords('open the').flat()).toEqual(tok.encode('open the'));
  });

  it('maps unseen characters to <unk> and drops specials when decoding', () => {
    const tok = trainBpe(corpus, { vocabSize: 60, langs: ['en'], minCharCount: 1 });
    expect(tok.encode('zzz')).toContain(3);
    expect(tok.decode([tok.langId('en'), ...tok.encode('open'), EOS_ID])).toBe('open');
    expect(() => trainBpe(corpus, { vocabSize: 5, langs: [] })).toThrow(/below the/);
    expect(() => BpeTokenizer.fromJSON({ format: 'other' })).toThrow(/not a proj-nlg-bpe/);
  });
});
