import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * dictd databases (RFC 2229's server format, as FreeDict ships them in
 * Debian's `dict-freedict-*` packages): a `.index` of tab-separated
 * `headword, offset, length` lines, offsets and lengths in dictd's base64
 * digits, into a `.dict` text file (`.dict.dz` is dictzip, a gzip file that
 * plain gunzip reads).
 */
export interface DictdIndexEntry {
  headword: string;
  offset: number;
  length: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** dictd's base64 number: most significant digit first, no padding. */
export function decodeDictdNumber(s: string): number {
  let v = 0;
  for (const c of s) {
    const d = B64.indexOf(c);
    if (d < 0) throw new Error(`decodeDictdNumber: ${JSON.stringify(s)} is not a dictd base64 number`);
    v = v * 64 + d;
  }
  return v;
}

export function encodeDictdNumber(v: number): string {
  if (!(Number.isInteger(v) && v >= 0)) throw new Error(`encodeDictdNumber: expected an integer >= 0, got ${v}`);
  let s = '';
  do {
    s = B64[v % 64] + s;
    v = Math.floor(v / 64);
  } while (v > 0);
  return s;
}

export function parseDictdIndex(text: string): DictdIndexEntry[] {
  const out: DictdIndexEntry[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const parts = line.split('\t');
    if (parts.length < 3) throw new Error(`parseDictdIndex: line ${i + 1} needs headword, offset and length separated by tabs`);
    out.push({ headword: parts[0], offset: decodeDictdNumber(parts[1]), length: decodeDictdNumber(parts[2]) });
  }
  return out;
}

/**
 * The translations of one FreeDict entry, in the order given: the lines after
 * the headword line (numbered senses `1. a, b` included), split at commas,
 * without grammar notes in `<...>`, `[...]`, `(...)`. Examples (indented
 * quotes), `Synonym:` and `see:` lines end the list.
 */
export function freedictTranslations(entry: string): string[] {
  const lines = entry.split('\n').slice(1);
  const out: string[] = [];
  for (const raw of lines) {
    if (raw.trim() === '') continue;
    if (/^\s+"/.test(raw) || /^\s*(Synonym|see|Note)s?:/i.test(raw)) break;
    // Notes go before splitting at commas: they may hold commas themselves (`<v, trans>`).
    const line = raw.replace(/^\s*\d+\.\s*/, '').replace(/<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}/g, '');
    for (const part of line.split(/[,;]/)) {
      const t = part.replace(/\s+/g, ' ').trim();
      if (t !== '' && !out.includes(t)) out.push(t);
    }
  }
  return out;
}

/** A bilingual dictionary: each source word's translations, best first. */
export type BilingualDictionary = Map<string, string[]>;

/**
 * Reads a dictd database into a dictionary of lower-cased single-word
 * headwords and single-word translations (the code-switcher replaces words,
 * not phrases), keeping the entries' order. `00-database-*` meta entries are skipped.
 */
export function readDictd(indexText: string, dict: Uint8Array): BilingualDictionary {
  const decoder = new TextDecoder('utf-8');
  const out: BilingualDictionary = new Map();
  for (const e of parseDictdIndex(indexText)) {
    if (e.headword.startsWith('00-database') || e.headword.startsWith('00database')) continue;
    if (e.offset + e.length > dict.length) throw new Error(`readDictd: entry ${JSON.stringify(e.headword)} runs past the end of the .dict data`);
    const head = e.headword.toLowerCase();
    if (/\s/.test(head)) continue;
    const words = freedictTranslations(decoder.decode(dict.subarray(e.offset, e.offset + e.length))).filter((t) => !/\s/.test(t));
    if (words.length === 0) continue;
    const list = out.get(head) ?? [];
    for (const w of words) if (!list.includes(w)) list.push(w);
    out.set(head, list);
  }
  return out;
}

/** Loads `<prefix>.index` and `<prefix>.dict.dz` (or `.dict`), e.g. `/usr/share/dictd/freedict-eng-deu`. */
export function loadFreeDict(prefix: string): BilingualDictionary {
  const index = readFileSync(`${prefix}.index`, 'utf8');
  let dict: Uint8Array;
  try {
    dict = gunzipSync(readFileSync(`${prefix}.dict.dz`));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    dict = readFileSync(`${prefix}.dict`);
  }
  return readDictd(index, dict);
}
