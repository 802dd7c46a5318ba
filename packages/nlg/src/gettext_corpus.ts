import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, toRng } from '@proj/core';
import { parseMo } from './mo.js';

/**
 * A software-localization parallel corpus in the manner of OPUS's GNOME/KDE
 * corpora, built from the gettext catalogs of a Debian machine
 * (`/usr/share/locale/<lang>/LC_MESSAGES/*.mo`, installed by packages such as
 * coreutils, tar, apt, dpkg, libc-bin, gtk, glib, systemd, iso-codes).
 * Every English message is one row; its translations in the chosen
 * languages are the columns.
 */
export interface MultiParallelMessage {
  /** The English message (accelerators removed). */
  en: string;
  /** Translations by language code (`de`, `fr`, ...); a language may be missing. */
  translations: Record<string, string>;
}

export interface GettextCorpusOptions {
  /** Languages to read besides English, e.g. `['de', 'fr', 'es']`. */
  langs: readonly string[];
  localeDir?: string;
  /** Messages with fewer words (English side) are dropped; default 2. */
  minWords?: number;
  /** Messages with more words on either side are dropped; default 16 (short sentences keep the model small). */
  maxWords?: number;
}

/** A message as a sentence: accelerator marks (`_File`, `&Open`) removed, whitespace collapsed; null if multi-line. */
export function cleanMessage(s: string): string | null {
  if (/[\n\t\r]/.test(s)) return null;
  const t = s
    .replace(/(^|[^_\w])_(?=\w)/g, '$1')
    .replace(/&(?=\w)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return t === '' ? null : t;
}

const words = (s: string) => s.split(' ').length;

/**
 * Reads every catalog of the given languages. Duplicate English messages are
 * merged (the first translation in file-name order wins), untranslated
 * entries (empty, or equal to the English) are skipped, and only messages with
 * at least one translation are kept. Rows are sorted by the English message so
 * that the result does not depend on directory order.
 */
export function buildGettextCorpus(opts: GettextCorpusOptions): MultiParallelMessage[] {
  const { langs, localeDir = '/usr/share/locale', minWords = 2, maxWords = 16 } = opts;
  if (langs.length === 0) throw new Error('buildGettextCorpus: langs must name at least one language');
  if (!(minWords >= 1 && maxWords >= minWords)) throw new Error(`buildGettextCorpus: need 1 <= minWords <= maxWords, got ${minWords}, ${maxWords}`);
  const rows = new Map<string, MultiParallelMessage>();
  for (const lang of langs) {
    const dir = join(localeDir, lang, 'LC_MESSAGES');
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.mo')).sort();
    } catch {
      throw new Error(`buildGettextCorpus: no catalogs for language ${JSON.stringify(lang)} in ${dir}`);
    }
    for (const f of files) {
      for (const m of parseMo(readFileSync(join(dir, f)))) {
        const en = cleanMessage(m.msgid);
        const tr = cleanMessage(m.msgstr);
        if (en === null || tr === null || tr === en) continue;
        if (words(en) < minWords || words(en) > maxWords || words(tr) > maxWords) continue;
        const row = rows.get(en) ?? { en, translations: {} };
        if (row.translations[lang] === undefined) row.translations[lang] = tr;
        rows.set(en, row);
      }
    }
  }
  return [...rows.values()].sort((a, b) => (a.en < b.en ? -1 : a.en > b.en ? 1 : 0));
}

export interface CorpusSplit<T> {
  train: T[];
  valid: T[];
  test: T[];
}

/**
 * Splits rows at random by their English message, so a message (with all its
 * translations) lies in exactly one split and no direction's test set leaks
 * into another direction's training set. Rows must be deduplicated by `en`.
 */
export function splitByMessage(
  rows: readonly MultiParallelMessage[],
  sizes: { valid: number; test: number },
  seed: number | Rng,
): CorpusSplit<MultiParallelMessage> {
  const { valid, test } = sizes;
  if (!(Number.isInteger(valid) && Number.isInteger(test) && valid >= 0 && test >= 0 && valid + test < rows.length)) {
    throw new Error(`splitByMessage: valid (${valid}) + test (${test}) must be non-negative integers below the ${rows.length} rows`);
  }
  if (new Set(rows.map((r) => r.en)).size !== rows.length) throw new Error('splitByMessage: rows must have distinct English messages');
  const perm = toRng(seed).permutation(rows.length);
  const pick = (from: number, to: number) => Array.from(perm.subarray(from, to), (i) => rows[i]);
  return { test: pick(0, test), valid: pick(test, test + valid), train: pick(test + valid, rows.length) };
}

/** One sentence pair of a translation direction. */
export interface SentencePair {
  src: string;
  tgt: string;
}

/** The pairs of one direction (`'en'` names the English side) among rows that have both languages. */
export function directionPairs(rows: readonly MultiParallelMessage[], src: string, tgt: string): SentencePair[] {
  const side = (r: MultiParallelMessage, l: string) => (l === 'en' ? r.en : r.translations[l]);
  const out: SentencePair[] = [];
  for (const r of rows) {
    const s = side(r, src);
    const t = side(r, tgt);
    if (s !== undefined && t !== undefined) out.push({ src: s, tgt: t });
  }
  return out;
}
