import { inTransaction, type SqlPool } from '../../sql/database.js';
import type {
  RosterContext,
  RosterMember,
  RosterPerson,
  RosterRepository,
  RosterResourceLink,
} from '../types.js';

const iso = (d: Date | null | undefined) => d?.toISOString();
const opt = <T>(v: T | null): T | undefined => v ?? undefined;

/** The LTI roster (analytics migration v2) on PostgreSQL 15+ or PGlite. */
export class SqlRoster implements RosterRepository {
  constructor(private readonly pool: SqlPool) {}

  async upsertContext(c: RosterContext): Promise<void> {
    await this.pool.query(
      `INSERT INTO contexts (tenant_id, context_id, iri, label, title) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, context_id) DO UPDATE SET iri = EXCLUDED.iri,
         label = COALESCE(EXCLUDED.label, contexts.label), title = COALESCE(EXCLUDED.title, contexts.title),
         updated_at = now()`,
      [c.tenantId, c.contextId, c.iri, c.label ?? null, c.title ?? null],
    );
  }

  async upsertResourceLink(l: RosterResourceLink): Promise<void> {
    await this.pool.query(
      `INSERT INTO resource_links (tenant_id, resource_link_id, context_id, iri, title, activity_id, line_item_url,
         score_maximum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, resource_link_id) DO UPDATE SET context_id = EXCLUDED.context_id, iri = EXCLUDED.iri,
         title = COALESCE(EXCLUDED.title, resource_links.title),
         activity_id = COALESCE(EXCLUDED.activity_id, resource_links.activity_id),
         line_item_url = COALESCE(EXCLUDED.line_item_url, resource_links.line_item_url),
         score_maximum = COALESCE(EXCLUDED.score_maximum, resource_links.score_maximum), updated_at = now()`,
      [
        l.tenantId,
        l.resourceLinkId,
        l.contextId,
        l.iri,
        l.title ?? null,
        l.activityId ?? null,
        l.lineItemUrl ?? null,
        l.scoreMaximum ?? null,
      ],
    );
  }

  async upsertPerson(p: RosterPerson): Promise<void> {
    // `email` is never written, and cleared on update: what a process of an older version stored during a
    // rolling upgrade (after migration 6 ran) goes at the person's next launch or sync
    await this.pool.query(
      `INSERT INTO learners (tenant_id, user_id, actor_key, name, given_name, family_name)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET actor_key = COALESCE(EXCLUDED.actor_key, learners.actor_key),
         name = COALESCE(EXCLUDED.name, learners.name), given_name = COALESCE(EXCLUDED.given_name, learners.given_name),
         family_name = COALESCE(EXCLUDED.family_name, learners.family_name), email = NULL, updated_at = now()`,
      [p.tenantId, p.userId, p.actorKey ?? null, p.name ?? null, p.givenName ?? null, p.familyName ?? null],
    );
  }

  async upsertEnrollment(e: Parameters<RosterRepository['upsertEnrollment']>[0]): Promise<void> {
    // A launch proves membership; NRPS additionally keeps status current. The first source is kept.
    await this.pool.query(
      `INSERT INTO enrollments (tenant_id, context_id, user_id, role, status, source, synced_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 = 'nrps' THEN now() END)
       ON CONFLICT (tenant_id, context_id, user_id) DO UPDATE SET role = EXCLUDED.role,
         status = CASE WHEN EXCLUDED.source = 'nrps' THEN EXCLUDED.status ELSE enrollments.status END,
         synced_at = CASE WHEN EXCLUDED.source = 'nrps' THEN now() ELSE enrollments.synced_at END, updated_at = now()`,
      [e.tenantId, e.contextId, e.userId, e.role, e.status ?? 'active', e.source],
    );
  }

  async recordLaunch(l: Parameters<RosterRepository['recordLaunch']>[0]): Promise<void> {
    await this.pool.query(
      `INSERT INTO resource_link_launches (tenant_id, resource_link_id, user_id, context_id, first_at, last_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (tenant_id, resource_link_id, user_id) DO UPDATE SET
         launches = resource_link_launches.launches + 1, last_at = EXCLUDED.last_at`,
      [l.tenantId, l.resourceLinkId, l.userId, l.contextId, l.at],
    );
  }

  async markSynced(tenantId: string, contextId: string, userIds: string[], at: string): Promise<void> {
    await this.pool.query(
      `UPDATE enrollments SET status = 'inactive', updated_at = now()
       WHERE tenant_id = $1 AND context_id = $2 AND source = 'nrps' AND NOT (user_id = ANY($3::text[]))`,
      [tenantId, contextId, userIds],
    );
    await this.pool.query(
      'UPDATE contexts SET roster_synced_at = $3 WHERE tenant_id = $1 AND context_id = $2',
      [tenantId, contextId, at],
    );
  }

  async getContext(tenantId: string, contextId: string): Promise<RosterContext | undefined> {
    const res = await this.pool.query<{
      iri: string;
      label: string | null;
      title: string | null;
      roster_synced_at: Date | null;
    }>('SELECT iri, label, title, roster_synced_at FROM contexts WHERE tenant_id = $1 AND context_id = $2', [
      tenantId,
      contextId,
    ]);
    const r = res.rows[0];
    return (
      r && {
        tenantId,
        contextId,
        iri: r.iri,
        label: opt(r.label),
        title: opt(r.title),
        rosterSyncedAt: iso(r.roster_synced_at),
      }
    );
  }

  async resourceLinks(tenantId: string, contextId: string): Promise<RosterResourceLink[]> {
    const res = await this.pool.query<Record<string, string | number | null>>(
      `SELECT resource_link_id, iri, title, activity_id, line_item_url, score_maximum FROM resource_links
       WHERE tenant_id = $1 AND context_id = $2 ORDER BY resource_link_id`,
      [tenantId, contextId],
    );
    return res.rows.map((r) => ({
      tenantId,
      contextId,
      resourceLinkId: String(r.resource_link_id),
      iri: String(r.iri),
      title: opt(r.title as string | null),
      activityId: opt(r.activity_id as string | null),
      lineItemUrl: opt(r.line_item_url as string | null),
      scoreMaximum: r.score_maximum === null ? undefined : Number(r.score_maximum),
    }));
  }

  async members(tenantId: string, contextId: string): Promise<RosterMember[]> {
    const people = await this.pool.query<{
      user_id: string;
      role: RosterMember['role'];
      status: string;
      source: RosterMember['source'];
      actor_key: string | null;
      name: string | null;
      given_name: string | null;
      family_name: string | null;
    }>(
      `SELECT e.user_id, e.role, e.status, e.source, l.actor_key, l.name, l.given_name, l.family_name
       FROM enrollments e LEFT JOIN learners l ON l.tenant_id = e.tenant_id AND l.user_id = e.user_id
       WHERE e.tenant_id = $1 AND e.context_id = $2 ORDER BY l.family_name NULLS LAST, l.name NULLS LAST, e.user_id`,
      [tenantId, contextId],
    );
    const launches = await this.pool.query<{
      user_id: string;
      resource_link_id: string;
      title: string | null;
      launches: number;
      last_at: Date;
    }>(
      `SELECT x.user_id, x.resource_link_id, r.title, x.launches, x.last_at FROM resource_link_launches x
       LEFT JOIN resource_links r ON r.tenant_id = x.tenant_id AND r.resource_link_id = x.resource_link_id
       WHERE x.tenant_id = $1 AND x.context_id = $2 ORDER BY x.last_at DESC`,
      [tenantId, contextId],
    );
    return people.rows.map((p) => ({
      tenantId,
      userId: p.user_id,
      role: p.role,
      status: p.status,
      source: p.source,
      actorKey: opt(p.actor_key),
      name: opt(p.name),
      givenName: opt(p.given_name),
      familyName: opt(p.family_name),
      launches: launches.rows
        .filter((l) => l.user_id === p.user_id)
        .map((l) => ({
          resourceLinkId: l.resource_link_id,
          title: opt(l.title),
          count: Number(l.launches),
          lastAt: l.last_at.toISOString(),
        })),
    }));
  }

  async courseOfLinks(tenantId: string, linkIris: string[]): Promise<Map<string, string>> {
    if (linkIris.length === 0) return new Map();
    const res = await this.pool.query<{ link: string; course: string }>(
      `SELECT rl.iri AS link, c.iri AS course FROM resource_links rl
       JOIN contexts c ON c.tenant_id = rl.tenant_id AND c.context_id = rl.context_id
       WHERE rl.tenant_id = $1 AND rl.iri = ANY($2::text[])`,
      [tenantId, linkIris],
    );
    return new Map(res.rows.map((r) => [r.link, r.course]));
  }

  async knownCourses(tenantId: string, iris: string[]): Promise<Set<string>> {
    if (iris.length === 0) return new Set();
    const res = await this.pool.query<{ iri: string }>(
      'SELECT iri FROM contexts WHERE tenant_id = $1 AND iri = ANY($2::text[])',
      [tenantId, iris],
    );
    return new Set(res.rows.map((r) => r.iri));
  }

  async setGroups(
    tenantId: string,
    contextId: string,
    groups: { groupId: string; name?: string; members: string[] }[],
  ): Promise<void> {
    await inTransaction(this.pool, async (db) => {
      await db.query('DELETE FROM group_members WHERE tenant_id = $1 AND context_id = $2', [
        tenantId,
        contextId,
      ]);
      await db.query('DELETE FROM groups WHERE tenant_id = $1 AND context_id = $2', [tenantId, contextId]);
      if (groups.length === 0) return;
      await db.query(
        `INSERT INTO groups (tenant_id, context_id, group_id, name)
         SELECT $1, $2, x.group_id, x.name FROM json_to_recordset($3::json) AS x(group_id text, name text)`,
        [
          tenantId,
          contextId,
          JSON.stringify(groups.map((g) => ({ group_id: g.groupId, name: g.name ?? null }))),
        ],
      );
      await db.query(
        `INSERT INTO group_members (tenant_id, context_id, group_id, user_id)
         SELECT DISTINCT $1::text, $2::text, x.group_id, x.user_id FROM json_to_recordset($3::json) AS x(group_id text, user_id text)`,
        [
          tenantId,
          contextId,
          JSON.stringify(groups.flatMap((g) => g.members.map((m) => ({ group_id: g.groupId, user_id: m })))),
        ],
      );
    });
  }

  async groups(tenantId: string, contextId: string) {
    const res = await this.pool.query<{ group_id: string; name: string | null; learners: string[] | null }>(
      `SELECT g.group_id, g.name, array_remove(array_agg(l.actor_key ORDER BY l.actor_key), NULL) AS learners
       FROM groups g
       LEFT JOIN group_members m ON m.tenant_id = g.tenant_id AND m.context_id = g.context_id AND m.group_id = g.group_id
       LEFT JOIN learners l ON l.tenant_id = m.tenant_id AND l.user_id = m.user_id
       WHERE g.tenant_id = $1 AND g.context_id = $2
       GROUP BY g.group_id, g.name ORDER BY g.group_id`,
      [tenantId, contextId],
    );
    return res.rows.map((r) => ({
      groupId: r.group_id,
      name: r.name ?? undefined,
      learners: r.learners ?? [],
    }));
  }
}
