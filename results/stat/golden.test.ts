// Byte-for-byte comparison with benchstat's own outputs (results/fixtures/benchstat-golden).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { GOLDEN, runStat, TESTDATA } from './test-harness.ts';

const DOCS = `${GOLDEN}cmd-benchstat-doc-examples/`;
const CLI = `${GOLDEN}generated-cli/`;

function expected(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Split a golden argument line: double- and single-quoted words, else spaces. */
function splitArgs(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

interface Case {
  name: string;
  dir: string;
  args: string[];
  stdout: string;
  stderr: string;
}

function cases(): Case[] {
  if (!existsSync(GOLDEN)) throw new Error(`golden data missing at ${GOLDEN}: it ships in results/fixtures`);
  const td: Array<[string, string]> = [
    ['csvOldNew', '-format csv old.txt new.txt'],
    ['csvErrors', '-format csv -row .name new.txt'],
    ['crcOldNew', 'crc-old.txt crc-new.txt'],
    ['crcIgnore', '-ignore note crc-old.txt crc-new.txt'],
    ['crcSizeVsPoly', '-filter /align:0 -row /size -col /poly crc-new.txt'],
    ['units', '-col note units.txt'],
    ['zero', '-col note zero.txt'],
    ['smallSample', '-col note smallSample.txt'],
    ['issue19565', '-col note issue19565.txt'],
    ['issue19634', '-col note issue19634.txt'],
  ];
  const out: Case[] = td.map(([name, args]) => ({
    name: `testdata/${name}`,
    dir: TESTDATA,
    args: splitArgs(args),
    stdout: expected(`${TESTDATA}${name}.stdout`),
    stderr: expected(`${TESTDATA}${name}.stderr`),
  }));
  for (let i = 1; i <= 8; i++) {
    const n = `doc0${i}`;
    out.push({ name: `doc/${n}`, dir: TESTDATA, args: splitArgs(readFileSync(`${DOCS}${n}.args`, 'utf8')), stdout: expected(`${DOCS}${n}.stdout`), stderr: '' });
  }
  const cli: Array<[string, string[]]> = [
    ['small', ['small-old.txt', 'small-new.txt']],
    ['small-csv', ['-format', 'csv', 'small-old.txt', 'small-new.txt']],
    ['small-alpha', ['-alpha', '0.01', '-confidence', '0.9', 'small-old.txt', 'small-new.txt']],
    ['small-single', ['small-new.txt']],
    ['filter', ['-filter', '.unit:(ns/op OR B/op) .name:/^N[2-4]$/', 'small-old.txt', 'small-new.txt']],
  ];
  for (const [name, args] of cli) {
    out.push({ name: `cli/${name}`, dir: CLI, args, stdout: expected(`${CLI}${name}.stdout`), stderr: expected(`${CLI}${name}.stderr`) });
  }
  return out;
}

for (const c of cases()) {
  test(c.name, async () => {
    const r = await runStat(c.args, c.dir);
    assert.fixture(r.stdout, c.stdout, 'stdout');
    assert.fixture(r.stderr, c.stderr, 'stderr');
  });
}

test.run();
