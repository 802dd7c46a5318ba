/**
 * Crash-safe file replacement: the bytes go to a temporary file in the same
 * directory, which is flushed to disk and then renamed over the target.
 * rename(2) within one filesystem is atomic, so a reader sees either the old
 * file or the complete new one, never a torn write; if anything fails, the
 * old file is untouched and the temporary file is removed.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function writeAll(fd: number, chunk: Uint8Array): void {
  let done = 0;
  // writeSync may write fewer bytes than asked (large buffers, pipes).
  while (done < chunk.byteLength) done += writeSync(fd, chunk, done, chunk.byteLength - done);
}

/** Makes the rename itself durable; not every platform can fsync a directory, so failures are ignored. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort only (e.g. Windows cannot open directories).
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `chunks` (a buffer, or an iterable producing buffers lazily) to
 * `path` atomically. An error thrown while producing or writing the chunks
 * propagates after cleanup, leaving any previous file at `path` intact.
 */
export function writeFileAtomic(path: string, chunks: Uint8Array | Iterable<Uint8Array>): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined = openSync(tmp, 'wx');
  try {
    for (const chunk of chunks instanceof Uint8Array ? [chunks] : chunks) writeAll(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // The original error is the one worth reporting.
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
    throw e;
  }
  fsyncDir(dir);
}
