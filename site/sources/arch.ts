/**
 * The points of the cross-architecture page: every stored summary of a set of
 * runs with the toolchain that measured it (the build's Go version for runs
 * this tool ran, else a `go:` configuration line of imported output).
 */
import type { DB } from './open.ts';

export interface ArchPoint {
  runId: number;
  benchmarkId: number;
  pkg: string | null;
  unit: string;
  host: string;
  goarch: string | null;
  toolchain: string | null;
  median: number;
  lo: number | null;
  hi: number | null;
}

type Raw = [number, number, string | null, string, string, string | null, string | null, number, number, number | null, number | null];

export interface ArchPointReader {
  /** The summaries of one run up to a watermark, in id order. */
  ofRun(runId: number, upto: number): ArchPoint[];
}

export function archPointReader(db: DB): ArchPointReader {
  const stmt = db
    .prepare<[number, number], Raw>(
      `SELECT s.run_id, s.benchmark_id, s.pkg, s.unit, s.host, s.goarch, b.go_version, s.config_id, s.median, s.lo, s.hi
       FROM summaries s INDEXED BY summaries_run
       LEFT JOIN jobs j ON j.id = s.job_id
       LEFT JOIN builds b ON b.id = j.build_id
       WHERE s.run_id = ? AND s.id <= ? ORDER BY s.id`,
    )
    .raw(true);
  const configStmt = db.prepare<[number], { pairs_json: string }>('SELECT pairs_json FROM config_sets WHERE id = ?');
  // Few distinct configurations: each is parsed once.
  const goLine = new Map<number, string | null>();
  const goOf = (configId: number): string | null => {
    let v = goLine.get(configId);
    if (v === undefined) goLine.set(configId, (v = configValue(configStmt.get(configId)?.pairs_json, 'go')));
    return v;
  };
  return {
    ofRun(runId, upto) {
      return stmt.all(runId, upto).map((r) => ({
        runId: r[0],
        benchmarkId: r[1],
        pkg: r[2],
        unit: r[3],
        host: r[4],
        goarch: r[5],
        toolchain: r[6] || goOf(r[7]),
        median: r[8],
        lo: r[9],
        hi: r[10],
      }));
    },
  };
}

/** The last value of a key in a stored configuration ([[key, value], …]), or null. */
function configValue(json: string | undefined, key: string): string | null {
  if (json === undefined) return null;
  let v: string | null = null;
  try {
    for (const p of JSON.parse(json) as unknown[]) if (Array.isArray(p) && p[0] === key && typeof p[1] === 'string' && p[1] !== '') v = p[1];
  } catch {
    // An unreadable configuration names no toolchain.
  }
  return v;
}
