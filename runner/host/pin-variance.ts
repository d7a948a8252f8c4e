/**
 * Measure what pinning does to run-to-run variation on this machine: run a
 * Go test binary N times pinned (through planPinning/pinnedArgv, with the
 * pin report verified) and N times unpinned, interleaved in random order,
 * and print each benchmark's coefficient of variation per side.
 *
 *   node --import tsx runner/host/pin-variance.ts BINARY [--bench RE] [--runs N]
 *        [--benchtime T] [--cpu N] [--pin N]
 */
import { LocalTransport } from '../transport/local.ts';
import { formatCpuList } from './cpulist.ts';
import { collectFacts } from './facts.ts';
import { pinnedArgv, planPinning, verifyPinReport } from './pinning.ts';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}

export function cv(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return sd / mean;
}

async function main(): Promise<void> {
  const bin = process.argv[2];
  if (!bin || bin.startsWith('--')) throw new Error('usage: pin-variance.ts BINARY [--bench RE] [--runs N] [--benchtime T] [--cpu N] [--pin N]');
  const runs = Number(arg('runs', '10'));
  const cpu = arg('cpu', '1');
  const benchArgs = ['-test.run=^$', `-test.bench=${arg('bench', '.')}`, `-test.benchtime=${arg('benchtime', '200ms')}`, '-test.count=1', `-test.cpu=${cpu}`];
  const t = new LocalTransport();
  const facts = await collectFacts(t);
  const plan = planPinning(facts.topology, Number(arg('pin', '1')), { cpuSweep: cpu.split(',').map(Number) });
  const samples: Record<'pinned' | 'unpinned', Map<string, number[]>> = { pinned: new Map(), unpinned: new Map() };
  for (let i = 0; i < runs; i++) {
    const order: ('pinned' | 'unpinned')[] = Math.random() < 0.5 ? ['pinned', 'unpinned'] : ['unpinned', 'pinned'];
    for (const side of order) {
      const argv = side === 'pinned' ? pinnedArgv(plan, [bin, ...benchArgs], facts.tools, { gomaxprocs: false }) : [bin, ...benchArgs];
      const r = await t.exec(argv, { timeoutMs: 600_000 });
      if (r.code !== 0) throw new Error(`${side} run ${i} failed: ${r.stderrTail}`);
      if (side === 'pinned') {
        const bad = verifyPinReport(r.stderrTail, plan);
        if (bad) throw new Error(`pinned run ${i}: ${bad}`);
      }
      for (const m of r.stdout.matchAll(/^(Benchmark\S+)\s+\d+\s+([\d.]+) ns\/op/gm)) {
        const list = samples[side].get(m[1]!) ?? [];
        list.push(Number(m[2]));
        samples[side].set(m[1]!, list);
      }
    }
  }
  console.log(`pinned to CPUs ${formatCpuList(plan.cpus)} (${plan.notes.join(', ')}), ${runs} interleaved runs per side, ${benchArgs.join(' ')}`);
  console.log(['benchmark', 'CV unpinned', 'CV pinned', 'median ns/op unpinned', 'median ns/op pinned'].join('\t'));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, un] of samples.unpinned) {
    const pin = samples.pinned.get(name) ?? [];
    if (un.length < 2 || pin.length < 2) continue;
    console.log([name, `${(cv(un) * 100).toFixed(2)}%`, `${(cv(pin) * 100).toFixed(2)}%`, median(un), median(pin)].join('\t'));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(2);
  });
}
