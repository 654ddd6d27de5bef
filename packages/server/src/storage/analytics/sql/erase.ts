import type { SqlPool } from '../../sql/database.js';

/** Projection tables (every generation) whose rows belong to one learner (`learner` = agent key). */
const LEARNER_TABLES = [
  'facts',
  'learner_activities',
  'learner_courses',
  'learner_sequences',
  'mastery',
  'evidence',
  'grade_results',
  'learner_flags',
  'dirty_learners',
];

/** A learner as the roster knows them: LTI user id and the agent key their statements carry. */
export interface RosterLearner {
  userId: string;
  actorKey?: string;
}

/**
 * Erasure of one learner in the analytics store: roster rows (learners, enrollments, launches, groups),
 * teachers' manual levels, live-feed events naming them, and their rows in every projection generation.
 * Course-level rows (courses, activity stats, transitions) are recomputed by a reprojection afterwards.
 */
export class SqlAnalyticsEraser {
  constructor(private readonly pool: SqlPool) {}

  /** Roster learners of `tenantId` with one of these agent keys or LTI user ids. */
  async find(tenantId: string, agentKeys: string[], userIds: string[]): Promise<RosterLearner[]> {
    const res = await this.pool.query<{ user_id: string; actor_key: string | null }>(
      `SELECT user_id, actor_key FROM learners WHERE tenant_id = $1
         AND (actor_key = ANY($2::text[]) OR user_id = ANY($3::text[]))`,
      [tenantId, agentKeys, userIds],
    );
    return res.rows.map((r) => ({ userId: r.user_id, actorKey: r.actor_key ?? undefined }));
  }

  /** Tenants with roster or projection rows. */
  async tenants(): Promise<string[]> {
    const res = await this.pool.query<{ tenant_id: string }>(
      'SELECT tenant_id FROM learners UNION SELECT tenant_id FROM projections',
    );
    return res.rows.map((r) => r.tenant_id);
  }

  /** Deletes every row of the learner; returns the count per table. */
  async erase(tenantId: string, agentKeys: string[], userIds: string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const run = async (table: string, sql: string, params: unknown[]) => {
      const res = await this.pool.query(sql, params);
      counts[table] = (counts[table] ?? 0) + (res.rowCount ?? 0);
    };
    // every projection generation's rows, and teachers' manual levels
    for (const table of [...LEARNER_TABLES, 'assessments'])
      await run(table, `DELETE FROM ${table} WHERE tenant_id = $1 AND learner = ANY($2::text[])`, [
        tenantId,
        agentKeys,
      ]);
    for (const key of agentKeys)
      await run(
        'course_events',
        'DELETE FROM course_events WHERE tenant_id = $1 AND strpos(data::text, $2) > 0',
        [tenantId, JSON.stringify(key).slice(1, -1)],
      );
    for (const table of ['enrollments', 'resource_link_launches', 'group_members', 'learners'])
      await run(table, `DELETE FROM ${table} WHERE tenant_id = $1 AND user_id = ANY($2::text[])`, [
        tenantId,
        userIds,
      ]);
    await run('learners', 'DELETE FROM learners WHERE tenant_id = $1 AND actor_key = ANY($2::text[])', [
      tenantId,
      agentKeys,
    ]);
    return counts;
  }

  /** Everything the analytics store holds of the learner: roster rows and the active projection's rows. */
  async export(
    tenantId: string,
    agentKeys: string[],
    userIds: string[],
  ): Promise<Record<string, Record<string, unknown>[]>> {
    const out: Record<string, Record<string, unknown>[]> = {};
    const active = `gen = (SELECT gen FROM projections WHERE tenant_id = $1 AND state = 'active' LIMIT 1)`;
    for (const table of [
      'learner_courses',
      'learner_activities',
      'learner_sequences',
      'mastery',
      'evidence',
      'grade_results',
      'facts',
    ])
      out[table] = (
        await this.pool.query<Record<string, unknown>>(
          `SELECT * FROM ${table} WHERE tenant_id = $1 AND learner = ANY($2::text[]) AND ${active}`,
          [tenantId, agentKeys],
        )
      ).rows;
    out.assessments = (
      await this.pool.query<Record<string, unknown>>(
        'SELECT * FROM assessments WHERE tenant_id = $1 AND learner = ANY($2::text[])',
        [tenantId, agentKeys],
      )
    ).rows;
    for (const table of ['learners', 'enrollments', 'resource_link_launches', 'group_members'])
      out[table] = (
        await this.pool.query<Record<string, unknown>>(
          `SELECT * FROM ${table} WHERE tenant_id = $1 AND user_id = ANY($2::text[])`,
          [tenantId, userIds],
        )
      ).rows;
    return out;
  }
}
