/** Linux CPU/node list syntax ("0-3,8,10-11"), as in sysfs and taskset -c. */

/** Parse a list such as "0-3,8"; `where` names the source for errors. Empty text is an empty list. */
export function parseCpuList(text: string, where = 'cpu list'): number[] {
  const out: number[] = [];
  const s = text.trim();
  if (s === '') return out;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::\d+\/\d+)?$/.exec(part.trim());
    if (!m) throw new Error(`${where}: "${part}" is not a CPU number or range (expected e.g. "0-3,8")`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`${where}: range "${part}" runs backwards`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return [...new Set(out)].sort((x, y) => x - y);
}

/** Format ids as the shortest range list: [0,1,2,5] -> "0-2,5". */
export function formatCpuList(ids: readonly number[]): string {
  const s = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    parts.push(j === i ? String(s[i]) : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
