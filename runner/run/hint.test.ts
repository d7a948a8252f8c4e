import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resumeCommand, shellWord } from './hint.ts';

/** What a POSIX shell makes of a command line: its words. */
function words(line: string): string[] {
  const r = spawnSync('sh', ['-c', `set -- ${line}; for w in "$@"; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

test('a resume hint pastes back as exactly the options it was given, whatever the paths hold', () => {
  const dbPath = "runs/it's here/$HOME `id` *.db";
  const inventoryPath = 'lab fleet.yaml';
  const line = resumeCommand(12, { dbPath, inventoryPath });
  assert.equal(words(line), ['metalbench', 'run', '--resume', '12', '--db', dbPath, '--inventory', inventoryPath]);
});

test('default paths are left out; plain words stay unquoted', () => {
  assert.is(resumeCommand(3, { dbPath: 'results/metalbench.db', inventoryPath: 'hosts/fleet.yaml' }), 'metalbench run --resume 3');
  assert.is(resumeCommand(3, { dbPath: '/tmp/a.db' }), 'metalbench run --resume 3 --db /tmp/a.db');
  assert.is(shellWord('a b'), "'a b'");
});

test.run();
