import { Ajv } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostSelectorSchema, SelectionError, selectHosts, termMatches, type HostWithTags } from './selection.ts';

const fleet: HostWithTags[] = [
  { name: 'local', tags: ['arch:amd64', 'numa:1'], builtin: true, entry: { tags: [] } },
  { name: 'epyc', tags: ['x86', 'bare-metal', 'arch:amd64', 'numa:2', 'smt:on'] },
  { name: 'xeon', tags: ['x86', 'arch:amd64', 'numa:1', 'smt:off', 'noisy'] },
  { name: 'grav', tags: ['arm', 'arch:arm64', 'numa:1', 'smt:off'] },
  { name: 'ampere', tags: ['arm', 'bare-metal', 'arch:arm64', 'numa:2'] },
];
const names = (s: Parameters<typeof selectHosts>[0]) => selectHosts(s, fleet).map((h) => h.name);

test('names: one, several, local, unknown', () => {
  assert.equal(names('grav'), ['grav']);
  assert.equal(names(['ampere', 'local']), ['local', 'ampere']);
  assert.throws(() => names(['grav', 'nope']), (e: Error) => e instanceof SelectionError && /unknown host "nope"; known hosts: local, epyc, xeon, grav, ampere/.test(e.message));
});

test('tags: all, any, not, derived and comparisons; local only by name', () => {
  assert.equal(names({ all: ['arch:arm64'] }), ['grav', 'ampere']);
  assert.equal(names({ all: ['arch:amd64'] }), ['epyc', 'xeon']);
  assert.equal(names({ any: ['arm', 'bare-metal'] }), ['epyc', 'grav', 'ampere']);
  assert.equal(names({ all: ['x86'], not: ['noisy'] }), ['epyc']);
  assert.equal(names({ all: ['numa>1'] }), ['epyc', 'ampere']);
  assert.equal(names({ all: ['numa>=1', 'numa<2'], any: ['smt:off'] }), ['xeon', 'grav']);
  assert.equal(names({ not: ['arm'] }), ['epyc', 'xeon']);
  assert.throws(() => names({ all: ['arm', 'x86'] }), /^all: \[arm, x86\] matches no host; hosts and their tags: epyc \[x86 bare-metal/);
});

test('local joins tag selectors only when the inventory tags it', () => {
  const tagged: HostWithTags[] = [{ name: 'local', tags: ['laptop', 'arch:amd64'], builtin: true, entry: { tags: ['laptop'] } }, ...fleet.slice(1)];
  assert.equal(selectHosts({ all: ['arch:amd64'] }, tagged).map((h) => h.name), ['local', 'epyc', 'xeon']);
  assert.equal(selectHosts({ all: ['laptop'] }, tagged).map((h) => h.name), ['local']);
});

test('termMatches: numeric comparisons only on key:N tags', () => {
  assert.ok(termMatches('cpus>=16', ['cpus:16']));
  assert.not.ok(termMatches('cpus>16', ['cpus:16']));
  assert.not.ok(termMatches('numa>1', ['numa:many']));
  assert.ok(termMatches('numa=2', ['numa:2']));
  assert.not.ok(termMatches('arm', ['arm64']));
});

test('hostSelectorSchema accepts the three forms and rejects the rest', () => {
  const v = new Ajv({ strict: false }).compile(hostSelectorSchema);
  for (const ok of ['local', ['a', 'b'], { all: ['arch:arm64'] }, { any: ['x'], not: ['numa>1'] }]) assert.ok(v(ok), JSON.stringify(ok));
  for (const bad of ['', [], { all: [] }, { some: ['x'] }, {}, { all: ['a b'] }, { all: ['numa>>1'] }, 3]) assert.not.ok(v(bad), JSON.stringify(bad));
});

test.run();
