/**
 * `metalbench runs | head`: when the reader closes the pipe, the output
 * stream reports EPIPE. Without a listener Node dies with a stack trace;
 * with this one the rest of the output is dropped and the command ends
 * normally (a run goes on recording; only its printing stops).
 */
import { writeSync } from 'node:fs';

const guarded = new WeakSet<NodeJS.WritableStream>();

export function dropOutputOnClosedPipe(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || (closed && e.code === 'ERR_STREAM_DESTROYED')) {
      closed = true;
      return;
    }
    // Any other output error is as fatal as it was without this listener.
    throw e;
  });
}

/** The reader of the output went away: the command stops producing it. */
export class OutputClosedError extends Error {
  override name = 'OutputClosedError';
}

/**
 * A writer for long outputs produced in one synchronous loop (export). A
 * stream reports a closed pipe only on a later turn of the event loop, so
 * the loop would run to its end for nobody; writing the process's own
 * standard output with writeSync learns of it at once and throws
 * OutputClosedError. Other streams (a test's capture) are written as usual.
 */
export function synchronousWriter(stream: NodeJS.WritableStream): (chunk: string) => void {
  const fd = stream === process.stdout ? process.stdout.fd : undefined;
  if (fd === undefined) return (chunk) => void stream.write(chunk);
  let direct = true;
  return (chunk) => {
    if (!direct) {
      stream.write(chunk);
      return;
    }
    const buf = Buffer.from(chunk, 'utf8');
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(fd, buf, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') throw new OutputClosedError('the output was closed');
        if (code !== 'EAGAIN') throw e;
        // A non-blocking descriptor that is full: the stream queues the rest, in order.
        direct = false;
        stream.write(buf.subarray(off));
        return;
      }
    }
  };
}
