/** Per-op figures as people read them: times, sizes and changes. */

/** head vs base as a signed percentage; "new" when base is 0. */
export function pct(h: number, b: number): string {
  if (b === 0) return h === 0 ? '~' : 'new';
  const p = ((h - b) / b) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

export function unitFormatter(unit: string): (v: number) => string {
  if (unit.startsWith('nanoseconds')) return fmtNs;
  if (unit.startsWith('bytes')) return fmtBytes;
  return (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
}

export function fmtNs(ns: number): string {
  const a = Math.abs(ns);
  if (ns === 0) return '0';
  if (a >= 1e9) return `${(ns / 1e9).toPrecision(3)}s`;
  if (a >= 1e6) return `${(ns / 1e6).toPrecision(3)}ms`;
  if (a >= 1e3) return `${(ns / 1e3).toPrecision(3)}µs`;
  return `${ns.toPrecision(3)}ns`;
}

export function fmtBytes(b: number): string {
  const a = Math.abs(b);
  if (b === 0) return '0';
  if (a >= 1 << 30) return `${(b / (1 << 30)).toPrecision(3)}GiB`;
  if (a >= 1 << 20) return `${(b / (1 << 20)).toPrecision(3)}MiB`;
  if (a >= 1 << 10) return `${(b / (1 << 10)).toPrecision(3)}KiB`;
  return `${b.toPrecision(3)}B`;
}
