/** Writing a whole string to a host fd synchronously, as guest output is (WASI writes are). */
import * as fs from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write all of `text` to `fd`. A non-blocking fd (a pipe Node made non-blocking) that is full
 * answers EAGAIN: wait a millisecond and go on, so no line is lost or cut.
 */
export function writeAllSync(fd: number, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let at = 0;
  while (at < bytes.length) {
    try {
      at += fs.writeSync(fd, bytes, at, bytes.length - at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
