/**
 * Names for addresses a profile left unnamed, read from the exact binary that
 * ran (kept in the build cache here; hosts need no Go): `go tool addr2line`.
 */
import { existsSync } from 'node:fs';
import { spawnCollect } from '../transport/local.ts';

export async function namesFromBinary(binaryPath: string, addrs: Iterable<string>): Promise<Map<string, string>> {
  const list = [...addrs];
  const names = new Map<string, string>();
  if (list.length === 0 || !existsSync(binaryPath)) return names;
  const r = await spawnCollect('go', ['tool', 'addr2line', binaryPath], { stdin: `${list.join('\n')}\n` });
  if (r.code !== 0) return names;
  // Two lines per address: the function, then file:line; "?" when unknown.
  const lines = r.stdout.split('\n');
  list.forEach((a, i) => {
    const fn = lines[2 * i]?.trim();
    if (fn && fn !== '?') names.set(a, fn);
  });
  return names;
}

/**
 * True when the binary was linked without its symbol table (-ldflags=-s); the
 * section name string is absent then. Go's own function table (pclntab)
 * stays, so profiles still name functions; source listings need the symbols.
 */
export function lacksSymbolTable(binary: Buffer): boolean {
  return !binary.includes('.symtab');
}
