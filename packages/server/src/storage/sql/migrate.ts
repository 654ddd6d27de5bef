import { inTransaction, type SqlPool } from './database.js';

/** One versioned schema change. Versions only grow; a shipped migration is never edited. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** A migration may build indexes over millions of rows: its deadline is longer than a request's. */
const MIGRATION_TIMEOUT_MS = 30 * 60_000;

// Any 64-bit constant works: it only serialises concurrent migrators (two processes starting at once).
const MIGRATION_LOCK = 727_274_001;

/**
 * Applies the migrations of one role (`record`, `analytics`) that are not yet recorded in
 * `kairos_migrations`, in version order, each in its own transaction. Safe to run concurrently.
 * Returns the versions applied.
 */
export async function applyMigrations(
  pool: SqlPool,
  role: string,
  migrations: Migration[],
): Promise<number[]> {
  await pool.query(`CREATE TABLE IF NOT EXISTS kairos_migrations (
    role text NOT NULL, version integer NOT NULL, name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (role, version))`);
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const seen = await client.query('SELECT 1 FROM kairos_migrations WHERE role = $1 AND version = $2', [
        role,
        m.version,
      ]);
      if (seen.rowCount) return false;
      await client.query(m.sql, undefined, { timeoutMs: MIGRATION_TIMEOUT_MS });
      await client.query('INSERT INTO kairos_migrations (role, version, name) VALUES ($1, $2, $3)', [
        role,
        m.version,
        m.name,
      ]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
