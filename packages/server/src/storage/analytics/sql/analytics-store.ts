import type { SqlDatabase } from '../../sql/database.js';
import { applyMigrations } from '../../sql/migrate.js';
import type {
  AnalyticsQueries,
  AnalyticsStore,
  InputsRepository,
  ProjectionRepository,
  RosterRepository,
} from '../types.js';
import { SqlAnalyticsEraser } from './erase.js';
import { SqlInputs } from './inputs.js';
import { analyticsMigrations } from './migrations.js';
import { SqlProjection } from './projection.js';
import { SqlQueries } from './queries.js';
import { SqlRoster } from './roster.js';

/** Namespace of {@link SqlAnalyticsStore.exclusive}'s advisory locks (any constant apart from the others). */
const EXCLUSIVE_NAMESPACE = 727_274_003;

/** The analytics store (projection) on PostgreSQL or embedded PGlite. */
export class SqlAnalyticsStore implements AnalyticsStore {
  readonly backend: 'postgres' | 'pglite';
  readonly roster: RosterRepository;
  readonly projection: ProjectionRepository;
  readonly inputs: InputsRepository;
  readonly queries: AnalyticsQueries;
  /** Physical erasure of a learner (forget). */
  readonly eraser: SqlAnalyticsEraser;
  private readonly held = new Set<string>();

  /** @param ownsDatabase close the database with the store (false when the record store shares it). */
  constructor(
    /** The database it lives in (the record store may share it). */
    readonly db: SqlDatabase,
    private readonly ownsDatabase = true,
  ) {
    this.backend = db.backend;
    this.roster = new SqlRoster(db.pool);
    this.projection = new SqlProjection(db.pool);
    this.inputs = new SqlInputs(db.pool);
    this.queries = new SqlQueries(db.pool);
    this.eraser = new SqlAnalyticsEraser(db.pool);
  }

  async migrate(): Promise<void> {
    await applyMigrations(this.db.pool, 'analytics', analyticsMigrations);
  }

  async exclusive<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.held.has(name)) return { ran: false };
    this.held.add(name);
    try {
      // PGlite is one session shared by every query: holding it for fn would block fn's own queries
      if (this.backend === 'pglite') return { ran: true, value: await fn() };
      const session = await this.db.pool.connect();
      let locked = false;
      try {
        const res = await session.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
          [EXCLUSIVE_NAMESPACE, name],
        );
        locked = res.rows[0]?.ok === true;
        if (!locked) return { ran: false };
        return { ran: true, value: await fn() };
      } finally {
        if (locked)
          await session
            .query('SELECT pg_advisory_unlock($1, hashtext($2))', [EXCLUSIVE_NAMESPACE, name])
            .catch(() => {});
        session.release();
      }
    } finally {
      this.held.delete(name);
    }
  }

  async ping(): Promise<void> {
    await this.db.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) await this.db.close();
  }
}
