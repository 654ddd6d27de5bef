import type { SqlPool } from '../../sql/database.js';
import type { Generation, ProjectionRepository, ProjectionTx } from '../types.js';
import { generationOf, SqlProjectionTx } from './projection-tx.js';

// Namespaces of the projector's advisory locks (the tenant's hash is the second key): batches, refresh.
const LOCK_NAMESPACE = 727_274_002;
const REFRESH_NAMESPACE = 727_274_003;

/** Tables whose rows belong to a generation (purged when it is retired). */
const GENERATION_TABLES = [
  'facts',
  'voided_statements',
  'courses',
  'activities',
  'learner_activities',
  'learner_courses',
  'learner_sequences',
  'activity_stats',
  'mastery',
  'evidence',
  'transitions',
  'grade_results',
  'dirty_activities',
  'learner_flags',
  'dirty_learners',
];

/**
 * Deadline of each query of a projection batch. Batches are background work, not a request: under load a
 * learner's recomputation can run past the request deadline (KAIROS_STORE_TIMEOUT_MS, 10 s), and a batch
 * rolled back for it would be retried at the same size and never catch up. A store that hangs still ends
 * the batch, after this long.
 */
const BATCH_TIMEOUT_MS = 5 * 60_000;

/** The projection's generations and its locked batches, on PostgreSQL 15+ or PGlite. */
export class SqlProjection implements ProjectionRepository {
  constructor(private readonly pool: SqlPool) {}

  async generations(tenantId: string): Promise<Generation[]> {
    const res = await this.pool.query<Parameters<typeof generationOf>[1]>(
      `SELECT gen, state, position, statements, updated_at FROM projections WHERE tenant_id = $1 ORDER BY gen DESC`,
      [tenantId],
    );
    return res.rows.map((r) => generationOf(tenantId, r));
  }

  async createGeneration(tenantId: string, state: 'active' | 'building'): Promise<Generation> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // waits for a batch in flight: generations are numbered under the projector's lock
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, tenantId]);
      const res = await client.query<Parameters<typeof generationOf>[1]>(
        `INSERT INTO projections (tenant_id, gen, state)
         SELECT $1, COALESCE(max(gen), 0) + 1, $2 FROM projections WHERE tenant_id = $1
         RETURNING gen, state, position, statements, updated_at`,
        [tenantId, state],
      );
      await client.query('COMMIT');
      return generationOf(tenantId, res.rows[0]!);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async withLock<T>(
    tenantId: string,
    fn: (tx: ProjectionTx) => Promise<T>,
    lock: 'batch' | 'refresh' = 'batch',
  ): Promise<{ ran: true; value: T } | { ran: false }> {
    const client = await this.pool.connect({ timeoutMs: BATCH_TIMEOUT_MS });
    try {
      await client.query('BEGIN');
      // the refresh has a lock of its own (it runs beside the batches); sharing the batches' lock, each refresh
      // held statements back for its whole length
      const held = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS ok',
        [lock === 'refresh' ? REFRESH_NAMESPACE : LOCK_NAMESPACE, tenantId],
      );
      if (!held.rows[0]?.ok) {
        await client.query('ROLLBACK');
        return { ran: false };
      }
      const value = await fn(new SqlProjectionTx(client, tenantId));
      await client.query('COMMIT');
      return { ran: true, value };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async purgeRetired(tenantId: string, limit: number): Promise<number> {
    const retired = await this.pool.query<{ gen: number }>(
      `SELECT gen FROM projections WHERE tenant_id = $1 AND state = 'retired'`,
      [tenantId],
    );
    const gens = retired.rows.map((r) => r.gen);
    if (gens.length === 0) return 0;
    let removed = 0;
    for (const table of GENERATION_TABLES) {
      const res = await this.pool.query(
        `DELETE FROM ${table} WHERE ctid IN (
           SELECT ctid FROM ${table} WHERE tenant_id = $1 AND gen = ANY($2::int[]) LIMIT $3)`,
        [tenantId, gens, limit - removed],
      );
      removed += res.rowCount ?? 0;
      if (removed >= limit) return removed;
    }
    await this.pool.query(
      `DELETE FROM projections WHERE tenant_id = $1 AND state = 'retired' AND gen = ANY($2::int[])`,
      [tenantId, gens],
    );
    return removed;
  }

  async tenants(): Promise<string[]> {
    const res = await this.pool.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM projections');
    return res.rows.map((r) => r.tenant_id);
  }

  async analyze(): Promise<void> {
    await this.pool.query(`ANALYZE ${GENERATION_TABLES.join(', ')}`);
  }
}
