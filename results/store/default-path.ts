/** Where results go unless --db says otherwise (git-ignored). Kept apart from
 * store.ts so the CLI can name it without loading SQLite. */
export const DEFAULT_DB_PATH = 'results/metalbench.db';
