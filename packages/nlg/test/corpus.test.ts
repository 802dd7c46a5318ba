import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGettextCorpus, cleanMessage, directionPairs, encodeMo, loadParallelText, papers, parseMo, splitByMessage } from '../src/index.js';

describe('.mo parser', () => {
  it('cites the paper', () => {
    expect(papers.map((p) => p.arxiv)).toEqual(['2204.07834']);
  });

  it('reads back what encodeMo wrote, with contexts and plurals, and skips the header', () => {
    const msgs = [
      { msgid: 'Open file', msgstr: 'Datei öffnen' },
      { msgid: 'File', msgstr: 'Ablage', context: 'menu' },
      { msgid: '%d file', msgstr: '%d Datei', msgidPlural: '%d files' },
    ];
    const parsed = parseMo(encodeMo(msgs));
    expect(parsed).toHaveLength(3);
    expect(parsed).toEqual(expect.arrayContaining(msgs));
  });

  it('reads a big-endian file written by hand', () => {
    // Header (7 words) + tables for 1 string + "a\0" + "b\0", all big-endian.
    const buf = new Uint8Array(28 + 16 + 4);
    const v = new DataView(buf.buffer);
    [0x950412de, 0, 1, 28, 36, 0, 44].forEach((x, i) => v.setUint32(4 * i, x, false));
    v.setUint32(28, 1, false);
    v.setUint32(32, 44, false);
    v.setUint32(36, 1, false);
    v.setUint32(40, 46, false);
    buf.set([97, 0, 98, 0], 44);
    expect(parseMo(buf)).toEqual([{ msgid: 'a', msgstr: 'b' }]);
  });

  it('rejects a file with a bad magic number or truncated tables', () => {
    expect(() => parseMo(new Uint8Array(40))).toThrow(/bad magic number/);
    const bytes = encodeMo([{ msgid: 'x', msgstr: 'y' }]);
    expect(() => parseMo(bytes.subarray(0, 30))).toThrow(/past the end/);
  });
});

describe('gettext corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nlg-locale-'));
  const write = (lang: string, file: string, msgs: { msgid: string; msgstr: string }[]) => {
    mkdirSync(join(dir, lang, 'LC_MESSAGES'), { recursive: true });
    writeFileSync(join(dir, lang, 'LC_MESSAGES', file), encodeMo(msgs));
  };
  write('de', 'a.mo', [
    { msgid: '_Open the file', msgstr: 'Datei ö_ffnen' },
    { msgid: 'Close window', msgstr: 'Fenster schließen' },
    { msgid: 'Untranslated text', msgstr: '' },
    { msgid: 'Two\nlines here', msgstr: 'Zwei\nZeilen' },
    { msgid: 'Same text', msgstr: 'Same text' },
  ]);
  write('de', 'b.mo', [
    { msgid: 'Open the file', msgstr: 'Die Datei öffnen' },
    { msgid: 'Save all files', msgstr: 'Alle Dateien speichern' },
  ]);
  write('fr', 'a.mo', [
    { msgid: 'Open the file', msgstr: 'Ouvrir le fichier' },
    { msgid: 'Quit now please', msgstr: 'Quitter maintenant' },
  ]);

  it('removes accelerators and rejects multi-line messages', () => {
    expect(cleanMessage('_Open  &File')).toBe('Open File');
    expect(cleanMessage('snake_case stays')).toBe('snake_case stays');
    expect(cleanMessage('a\nb')).toBeNull();
  });

  it('merges duplicate English messages across files and languages and drops untranslated ones', () => {
    const rows = buildGettextCorpus({ langs: ['de', 'fr'], localeDir: dir });
    expect(rows.map((r) => r.en)).toEqual(['Close window', 'Open the file', 'Quit now please', 'Save all files']);
    // The first file in name order wins for a duplicate message.
    expect(rows[1].translations).toEqual({ de: 'Datei öffnen', fr: 'Ouvrir le fichier' });
    expect(directionPairs(rows, 'fr', 'de')).toEqual([{ src: 'Ouvrir le fichier', tgt: 'Datei öffnen' }]);
    expect(() => buildGettextCorpus({ langs: ['xx'], localeDir: dir })).toThrow(/no catalogs for language "xx"/);
  });

  it('splits by English message: no message in two splits, same seed same split', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ en: `message ${i}`, translations: { de: `Nachricht ${i}` } }));
    const s = splitByMessage(rows, { valid: 20, test: 30 }, 5);
    expect([s.train.length, s.valid.length, s.test.length]).toEqual([150, 20, 30]);
    const seen = new Set<string>();
    for (const r of [...s.train, ...s.valid, ...s.test]) {
      expect(seen.has(r.en)).toBe(false);
      seen.add(r.en);
    }
    expect(splitByMessage(rows, { valid: 20, test: 30 }, 5).test).toEqual(s.test);
    expect(() => splitByMessage([...rows, rows[0]], { valid: 1, test: 1 }, 1)).toThrow(/distinct English messages/);
  });

  it('loads plain parallel text files line by line', () => {
    const a = join(dir, 'x.en');
    const b = join(dir, 'x.de');
    writeFileSync(a, 'Hello world\nGood night\n');
    writeFileSync(b, 'Hallo Welt\r\nGute Nacht\n');
    expect(loadParallelText(a, b)).toEqual([
      { src: 'Hello world', tgt: 'Hallo Welt' },
      { src: 'Good night', tgt: 'Gute Nacht' },
    ]);
    writeFileSync(b, 'Hallo Welt\n');
    expect(() => loadParallelText(a, b)).toThrow(/has 2 lines but .* has 1/);
  });
});
