import type { SqlDatabase } from '../../sql/database.js';
import { applyMigrations } from '../../sql/migrate.js';
import type {
  AnalyticsQueries,
  AnalyticsStore,
  InputsRepository,
  ProjectionRepository,
  RosterRepository,
} from '../types.js';
import { SqlInputs } from './inputs.js';
import { analyticsMigrations } from './migrations.js';
import { SqlProjection } from './projection.js';
import { SqlQueries } from './queries.js';
import { SqlRoster } from './roster.js';

/** The analytics store (projection) on PostgreSQL or embedded PGlite. */
export class SqlAnalyticsStore implements AnalyticsStore {
  readonly backend: 'postgres' | 'pglite';
  readonly roster: RosterRepository;
  readonly projection: ProjectionRepository;
  readonly inputs: InputsRepository;
  readonly queries: AnalyticsQueries;

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
}
