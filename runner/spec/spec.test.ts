import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { pinPolicySchema } from '../host/pinning.ts';
import { hostSelectorSchema } from '../fleet/selection.ts';
import { loadSpec, parseDuration, parseSpec } from './spec.ts';
import { ValidationError } from './validate.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (n: string) => join(here, 'fixtures', n);

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a ValidationError');
}

test('a valid spec resolves defaults and per-suite overrides', () => {
  const spec = loadSpec(fixture('good.yaml'));
  assert.is(spec.hosts, 'local');
  assert.is(spec.interleave, true);
  const s = spec.suites[0]!;
  assert.is(s.count, 4, 'suite count overrides the top level');
  assert.is(s.benchtime, '100ms');
  assert.equal(s.cpu, [1, 2]);
  assert.equal(s.env, { GOGC: 'off', GODEBUG: 'gctrace=0' });
  assert.is(s.timeoutMs, 600_000);
  assert.is(s.bench, "'; touch /tmp/pwned #", 'a hostile pattern is kept verbatim, as data');
  assert.is(s.moduleDir, join(here, '../../benchmarks'));
});

test('one positioned error per problem, with the key path and what is allowed', () => {
  const ps = problems(() => loadSpec(fixture('bad.yaml')));
  const f = fixture('bad.yaml');
  assert.equal(ps, [
    `${f}:1:7: name: "bad spec" is not allowed (expected: Short identifier of the spec, e.g. nightly.)`,
    `${f}:2:1: benchtme: unknown key (did you mean "benchtime"?); allowed keys: name, description, hosts, benchtime, count, benchmem, cpu, pin, timeout, env, interleave, suites`,
    `${f}:3:8: count: must be >= 1 (Samples per benchmark (-test.count).)`,
    `${f}:8:10: suites[0].pin: [1,1] is not allowed (expected: CPU pinning: a CPU count, an explicit list of CPU ids, or a policy object.)`,
    `${f}:9:12: suites[0].env.bad-key: invalid key name "bad-key" (expected letters, digits and _, not starting with a digit)`,
    `${f}:9:34: suites[0].env.GOGC: must be a string, got number 100`,
    `${f}:13:14: suites[1].timeout: "forever" is not allowed (expected: Per job time limit, a duration more than zero such as 90s or 10m.)`,
  ]);
});

test('the schema file embeds the pin policy and host selector schemas the code validates with', () => {
  const file = JSON.parse(readFileSync(join(here, '../../benchmarks/spec.schema.json'), 'utf8')) as { definitions: Record<string, unknown> };
  assert.equal(file.definitions.pin, JSON.parse(JSON.stringify(pinPolicySchema)));
  assert.equal(file.definitions.hosts, JSON.parse(JSON.stringify(hostSelectorSchema)));
});

test('checks beyond the schema: duplicate suites, missing module or package', () => {
  const ps = problems(() =>
    parseSpec(
      [
        'name: x',
        'suites:',
        '  - name: a',
        '    package: ./calibration',
        '    module: ../../benchmarks',
        '  - name: a',
        '    package: ./nope',
        '    module: ../../benchmarks',
        '  - name: c',
        '    package: ./x',
        '    module: fixtures',
      ].join('\n'),
      join(here, 'inline.yaml'),
    ),
  );
  assert.is(ps.length, 3);
  assert.match(ps[0]!, /inline\.yaml:6:11: suites\[1\]\.name: duplicate suite name "a" \(also suites\[0\]\)/);
  assert.match(ps[1]!, /inline\.yaml:7:14: suites\[1\]\.package: package directory \.\/nope does not exist/);
  assert.match(ps[2]!, /inline\.yaml:11:13: suites\[2\]\.module: no go\.mod in .*fixtures; set "module"/);
});

test('YAML syntax errors and duplicate keys are positioned too', () => {
  const dup = problems(() => parseSpec('name: a\nname: b\nsuites: []\n', 'dup.yaml'));
  assert.match(dup[0]!, /^dup\.yaml:2:1: YAML: Map keys must be unique/);
  const syntax = problems(() => parseSpec('name: [a\n', 'syn.yaml'));
  assert.match(syntax[0]!, /^syn\.yaml:\d+:\d+: YAML: /);
});

test('a missing spec file is a clear error', () => {
  const ps = problems(() => loadSpec(fixture('nope.yaml')));
  assert.match(ps[0]!, /nope\.yaml:1:1: cannot read spec: ENOENT/);
});

test('durations parse as Go writes them', () => {
  assert.is(parseDuration('1m30s'), 90_000);
  assert.is(parseDuration('250ms'), 250);
  assert.throws(() => parseDuration('10'), /invalid duration/);
});

test('every spec in benchmarks/ is valid', () => {
  const dir = join(here, '../../benchmarks');
  const specs = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(specs.includes('smoke.yaml'));
  for (const name of specs) loadSpec(join(dir, name));
});

test.run();
