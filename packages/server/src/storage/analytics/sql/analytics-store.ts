import type { SqlDatabase } from '../../sql/database.js';
import { applyMigrations } from '../../sql/migrate.js';
import type { AnalyticsStore, Checkpoint, RosterRepository } from '../types.js';
import { analyticsMigrations } from './migrations.js';
import { SqlRoster } from './roster.js';

/** The analytics store (projection) on PostgreSQL or embedded PGlite. */
export class SqlAnalyticsStore implements AnalyticsStore {
  readonly backend: 'postgres' | 'pglite';
  readonly roster: RosterRepository;

  /** @param ownsDatabase close the database with the store (false when the record store shares it). */
  constructor(
    private readonly db: SqlDatabase,
    private readonly ownsDatabase = true,
  ) {
    this.backend = db.backend;
    this.roster = new SqlRoster(db.pool);
  }

  async migrate(): Promise<void> {
    await applyMigrations(this.db.pool, 'analytics', analyticsMigrations);
  }

  async ping(): Promise<void> {
    await this.db.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) await this.db.close();
  }

  async getCheckpoint(tenantId: string, name: string): Promise<Checkpoint | undefined> {
    const res = await this.db.pool.query<{ name: string; position: string; updated_at: Date }>(
      'SELECT name, position, updated_at FROM projection_checkpoints WHERE tenant_id = $1 AND name = $2',
      [tenantId, name],
    );
    const row = res.rows[0];
    return row && { name: row.name, position: row.position, updatedAt: row.updated_at.toISOString() };
  }

  async saveCheckpoint(tenantId: string, name: string, position: string): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO projection_checkpoints (tenant_id, name, position, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (tenant_id, name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
       WHERE projection_checkpoints.position < EXCLUDED.position`,
      [tenantId, name, position],
    );
  }
}
