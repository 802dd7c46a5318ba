/**
 * GNU gettext's binary message catalog (`.mo`), as documented in the gettext
 * manual ("The Format of GNU MO Files"): a magic number that also tells the
 * byte order, a revision, the number of strings N, and two tables of N
 * (length, offset) pairs for the original and translated strings.
 */
export interface MoMessage {
  /** The original (English) string; the singular form for plural messages. */
  msgid: string;
  /** The translation; the first form for plural messages. */
  msgstr: string;
  /** `msgctxt`, when the message has one. */
  context?: string;
  /** The English plural form, for messages with `msgid_plural`. */
  msgidPlural?: string;
}

const MAGIC = 0x950412de;

/** Parses a `.mo` file; the header entry (empty msgid) is skipped. */
export function parseMo(bytes: Uint8Array): MoMessage[] {
  if (bytes.length < 28) throw new Error(`parseMo: a .mo file has a 28-byte header, got ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little: boolean;
  if (view.getUint32(0, true) === MAGIC) little = true;
  else if (view.getUint32(0, false) === MAGIC) little = false;
  else throw new Error(`parseMo: bad magic number 0x${view.getUint32(0, true).toString(16)}, expected 0x950412de`);
  const u32 = (o: number) => view.getUint32(o, little);
  const revision = u32(4) >>> 16;
  if (revision > 1) throw new Error(`parseMo: unsupported major revision ${revision}`);
  const n = u32(8);
  const origTable = u32(12);
  const transTable = u32(16);
  if (origTable + 8 * n > bytes.length || transTable + 8 * n > bytes.length) {
    throw new Error(`parseMo: string tables for ${n} messages run past the end of the file`);
  }
  const decoder = new TextDecoder('utf-8');
  const str = (table: number, i: number) => {
    const len = u32(table + 8 * i);
    const off = u32(table + 8 * i + 4);
    if (off + len > bytes.length) throw new Error(`parseMo: string ${i} runs past the end of the file`);
    return decoder.decode(bytes.subarray(off, off + len));
  };
  const out: MoMessage[] = [];
  for (let i = 0; i < n; i++) {
    const orig = str(origTable, i);
    if (orig === '') continue;
    // Context and msgid are joined by EOT (0x04); plural forms are NUL-separated.
    const eot = orig.indexOf('\u0004');
    const context = eot >= 0 ? orig.slice(0, eot) : undefined;
    const [msgid, msgidPlural] = (eot >= 0 ? orig.slice(eot + 1) : orig).split('\u0000');
    const msgstr = str(transTable, i).split('\u0000')[0];
    const m: MoMessage = { msgid, msgstr };
    if (context !== undefined) m.context = context;
    if (msgidPlural !== undefined) m.msgidPlural = msgidPlural;
    out.push(m);
  }
  return out;
}

/** Writes a little-endian `.mo` file (no hash table), for tests and for users' own catalogs. */
export function encodeMo(messages: readonly MoMessage[]): Uint8Array {
  const enc = new TextEncoder();
  const key = (m: MoMessage) => (m.context !== undefined ? `${m.context}\u0004` : '') + m.msgid + (m.msgidPlural !== undefined ? `\u0000${m.msgidPlural}` : '');
  // gettext requires the originals sorted; the header (empty msgid) comes first.
  const entries = [{ k: '', v: 'Content-Type: text/plain; charset=UTF-8\n' }, ...messages.map((m) => ({ k: key(m), v: m.msgstr }))].sort((a, b) =>
    a.k < b.k ? -1 : a.k > b.k ? 1 : 0,
  );
  const n = entries.length;
  const origs = entries.map((e) => enc.encode(e.k));
  const trans = entries.map((e) => enc.encode(e.v));
  const headerLen = 28 + 16 * n;
  let size = headerLen;
  for (const b of [...origs, ...trans]) size += b.length + 1;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, n, true);
  view.setUint32(12, 28, true);
  view.setUint32(16, 28 + 8 * n, true);
  view.setUint32(20, 0, true);
  view.setUint32(24, headerLen, true);
  let off = headerLen;
  const put = (table: number, i: number, b: Uint8Array) => {
    view.setUint32(table + 8 * i, b.length, true);
    view.setUint32(table + 8 * i + 4, off, true);
    out.set(b, off);
    off += b.length + 1;
  };
  origs.forEach((b, i) => put(28, i, b));
  trans.forEach((b, i) => put(28 + 8 * n, i, b));
  return out;
}
