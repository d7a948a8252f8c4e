// For tests: output streams that keep what is written to them, and small
// file trees (fake /sys and /proc) written in one call.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';

export function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

/** Write each relative path under root with its content, making directories as needed. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [p, v] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), v);
  }
}
