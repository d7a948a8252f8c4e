/**
 * `metalbench runs | head`: when the reader closes the pipe, the output
 * stream reports EPIPE. Without a listener Node dies with a stack trace;
 * with this one the rest of the output is dropped and the command ends
 * normally (a run goes on recording; only its printing stops).
 */
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
