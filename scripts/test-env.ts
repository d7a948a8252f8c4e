// Preloaded by `npm test`: the test process and everything it starts keep
// their host lock and build cache in a private temporary directory, never
// the machine-wide ones, so tests and real runs cannot block each other.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'metalbench-tests-'));
process.env.METALBENCH_LOCK_DIR ||= dir;
process.env.METALBENCH_CACHE ||= join(dir, 'cache');
