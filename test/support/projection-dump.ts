import type { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import type { Stores } from '../../packages/server/src/storage/types.js';

/** Projection tables and the columns that legitimately differ between two runs over the same statements. */
const TABLES: Record<string, string[]> = {
  facts: ['key'],
  voided_statements: [],
  courses: [],
  activities: [],
  learner_activities: [],
  learner_courses: [],
  learner_flags: [],
  learner_sequences: [],
  activity_stats: ['computed_at'],
  mastery: [],
  evidence: [],
  transitions: [],
  grade_results: ['changed_at', 'handed_at'],
};

/**
 * Every projection row of a tenant's active generation, tenant and generation left out, in a stable
 * order: two deliveries of the same statements must give equal dumps.
 */
export async function dumpProjection(stores: Stores, tenantId: string): Promise<Record<string, unknown[]>> {
  const db = (stores.analytics as SqlAnalyticsStore).db.pool;
  const gen = (await stores.analytics.projection.generations(tenantId)).find(
    (g) => g.state === 'active',
  )?.gen;
  const out: Record<string, unknown[]> = {};
  for (const [table, volatile] of Object.entries(TABLES)) {
    const res = await db.query<Record<string, unknown>>(
      `SELECT * FROM ${table} WHERE tenant_id = $1 AND gen = $2`,
      [tenantId, gen],
    );
    const rows = res.rows.map((r) => {
      const { tenant_id: _t, gen: _g, ...rest } = r;
      for (const c of volatile) delete rest[c];
      return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
    });
    rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    out[table] = rows;
  }
  return out;
}
