import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeDictdNumber, encodeDictdNumber, freedictTranslations, induceDictionary, invertDictionary, loadFreeDict, mergeDictionaries, parseDictdIndex } from '../src/index.js';

describe('dictd parser', () => {
  it('decodes dictd base64 numbers by hand', () => {
    // 'E+Bb': E=4, +=62, B=1, b=27 -> ((4*64+62)*64+1)*64+27
    expect(decodeDictdNumber('E+Bb')).toBe(((4 * 64 + 62) * 64 + 1) * 64 + 27);
    expect(decodeDictdNumber('A')).toBe(0);
    for (const v of [0, 1, 63, 64, 123456]) expect(decodeDictdNumber(encodeDictdNumber(v))).toBe(v);
    expect(() => decodeDictdNumber('a-b')).toThrow(/not a dictd base64 number/);
  });

  it('extracts FreeDict translations without notes, examples or cross references', () => {
    const entry = 'open /ˈəʊpən/ <v>\naufdrehen <v, trans>, öffnen [comp.]\n      "open a file"  - eine Datei öffnen\n see: {opening}\n';
    expect(freedictTranslations(entry)).toEqual(['aufdrehen', 'öffnen']);
    expect(freedictTranslations('file /fail/\n1. dossier\n2. lime, fichier\n')).toEqual(['dossier', 'lime', 'fichier']);
  });

  it('reads an index and a dictzip file that the test writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlg-dictd-'));
    const entries = [
      ['00-database-info', 'meta text\n'],
      ['file', 'file /fail/\nDatei <fem>, Akte\n'],
      ['window', 'window\nFenster\n'],
      ['file', 'file\nFeile, Datei\n'],
      ['in front', 'in front\nvorne\n'],
    ];
    let off = 0;
    let text = '';
    const index: string[] = [];
    for (const [h, body] of entries) {
      const len = Buffer.byteLength(body);
      index.push(`${h}\t${encodeDictdNumber(off)}\t${encodeDictdNumber(len)}`);
      text += body;
      off += len;
    }
    writeFileSync(join(dir, 'freedict-eng-deu.index'), index.join('\n') + '\n');
    writeFileSync(join(dir, 'freedict-eng-deu.dict.dz'), gzipSync(Buffer.from(text)));
    const d = loadFreeDict(join(dir, 'freedict-eng-deu'));
    expect([...d.keys()].sort()).toEqual(['file', 'window']);
    expect(d.get('file')).toEqual(['Datei', 'Akte', 'Feile']);
    expect(parseDictdIndex('a\tB\tC\n')).toEqual([{ headword: 'a', offset: 1, length: 2 }]);
    expect(() => parseDictdIndex('only-a-headword\n')).toThrow(/line 1 needs headword/);
  });
});

describe('dictionary induced from the task data', () => {
  it('ranks translations by Dice co-occurrence and drops placeholders', () => {
    const pairs = [
      { src: 'Open file', tgt: 'Datei öffnen' },
      { src: 'Close file', tgt: 'Datei schließen' },
      { src: 'Save file %s', tgt: 'Datei %s speichern' },
      { src: 'Open window', tgt: 'Fenster öffnen' },
      { src: 'Close window', tgt: 'Fenster schließen' },
      { src: 'Move window', tgt: 'Fenster verschieben' },
    ];
    const d = induceDictionary(pairs, { minCount: 2, minDice: 0.5 });
    // file: Datei co-occurs 3 times, c(file)=3, c(Datei)=3 -> Dice 1.
    expect(d.get('file')).toEqual(['Datei']);
    expect(d.get('window')).toEqual(['Fenster']);
    expect(d.has('%s')).toBe(false);
    expect(invertDictionary(d).get('datei')).toEqual(['file']);
    expect(mergeDictionaries(d, new Map([['file', ['Akte', 'Datei', 'Feile', 'Ordner']]]), 3).get('file')).toEqual(['Datei', 'Akte', 'Feile']);
  });
});
