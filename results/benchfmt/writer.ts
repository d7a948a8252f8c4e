/**
 * Writes the Go benchmark data format the way benchfmt's writer does:
 * configuration only when it changes (deleted keys as `key:`), a blank line
 * around each configuration block, values in the units the benchmark printed.
 */
import type { Config } from './reader.ts';
import { formatGoV } from './gofloat.ts';

export interface WrittenValue {
  origValue: number;
  origUnit: string;
}

export class BenchWriter {
  private current = new Map<string, string>();
  private wroteResult = false;
  private out: string[] = [];

  /** `Unit <unit> key=value` metadata lines. */
  unitMeta(origUnit: string, key: string, value: string): void {
    this.out.push(`Unit ${origUnit} ${key}=${value}\n`);
  }

  result(config: Config, name: string, iters: number, values: readonly WrittenValue[]): void {
    this.syncConfig(config);
    let line = `Benchmark${name} ${iters}`;
    for (const v of values) line += ` ${formatGoV(v.origValue)} ${v.origUnit}`;
    this.out.push(line + '\n');
    this.wroteResult = true;
  }

  /** Everything written since the last take(). */
  take(): string {
    const s = this.out.join('');
    this.out = [];
    return s;
  }

  private syncConfig(config: Config): void {
    const next = new Map(config);
    const lines: string[] = [];
    for (const [k, v] of next) if (this.current.get(k) !== v) lines.push(`${k}: ${v}\n`);
    for (const k of this.current.keys()) if (!next.has(k)) lines.push(`${k}:\n`);
    if (lines.length === 0) return;
    if (this.wroteResult) this.out.push('\n');
    this.out.push(...lines, '\n');
    this.current = next;
  }
}
