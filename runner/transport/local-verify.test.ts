import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyFile } from './local.ts';

const dir = mkdtempSync(join(tmpdir(), 'metalbench-verify-'));
const LOCAL = fileURLToPath(new URL('./local.ts', import.meta.url));
const sha = (b: string) => createHash('sha256').update(b).digest('hex');

/** verifyFile in a fresh process, which has verified nothing yet: its error, or '' when accepted. */
function verifyInFreshProcess(path: string, sha256: string): string {
  const script = `import { verifyFile } from ${JSON.stringify(LOCAL)}; try { verifyFile(process.argv[1], process.argv[2]); } catch (e) { process.stdout.write(e.message); }`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path, sha256], { encoding: 'utf8' });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a verified file gets a record of its sha256 and identity; a fresh process trusts a record that still matches', () => {
  const path = join(dir, 'a.test');
  writeFileSync(path, 'binary A');
  verifyFile(path, sha('binary A'));
  const [recordedSha, ...identity] = readFileSync(`${path}.verified`, 'utf8').trim().split(' ');
  assert.is(recordedSha, sha('binary A'));
  const st = statSync(path, { bigint: true });
  assert.is(identity.join(' '), `${st.dev} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs}`);
  assert.is(verifyInFreshProcess(path, sha('binary A')), '');
  // The record is what a fresh process goes by: one naming these very
  // bytes' identity is believed without reading them (here it lies about
  // the sha256, which only the owner of the build cache could make it do).
  writeFileSync(`${path}.verified`, `${sha('something else')} ${identity.join(' ')}\n`);
  assert.is(verifyInFreshProcess(path, sha('something else')), '');
});

test('a file changed after its record was written is hashed again and refused, even with the same size and times', () => {
  const path = join(dir, 'b.test');
  writeFileSync(path, 'binary B');
  verifyFile(path, sha('binary B'));
  const st = statSync(path);
  writeFileSync(path, 'binary X'); // same length
  execFileSync('touch', ['-d', st.mtime.toISOString(), path]); // mtime set back; ctime cannot be
  assert.match(verifyInFreshProcess(path, sha('binary B')), /refused to run .*b\.test: its sha256 is [0-9a-f]{64}, but it was built as [0-9a-f]{64}/);
  assert.throws(() => verifyFile(path, sha('binary B')), /refused to run/);
});

test('without a writable place for the record, verification still works', () => {
  const path = join(dir, 'c.test');
  writeFileSync(path, 'binary C');
  execFileSync('mkdir', [`${path}.verified`]); // a directory where the record would go
  verifyFile(path, sha('binary C'));
  assert.equal(readdirSync(dir).filter((f) => f.startsWith('c.test.verified.tmp')), [], 'no temporary record is left');
  assert.is(verifyInFreshProcess(path, sha('binary C')), '');
  assert.match(verifyInFreshProcess(path, sha('binary D')), /refused to run/);
});

test.run();
