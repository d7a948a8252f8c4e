import { readFileSync } from 'node:fs';
import { medianCIOrders } from './results/stats/quantileci.ts';
let bad = 0;
for (const l of readFileSync('/tmp/qci/want.txt', 'utf8').trim().split('\n')) {
  const [n, c, lo, hi] = l.split(' ').map(Number);
  const o = medianCIOrders(n!, c!);
  if (o.lo !== lo || o.hi !== hi) { bad++; if (bad < 10) console.log(l, o); }
}
console.log('bad', bad);
