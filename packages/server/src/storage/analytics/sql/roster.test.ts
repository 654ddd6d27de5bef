import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresSchema, serviceUrl } from '../../../../../../test/support/services.js';
import { openPglite, openPostgres, type SqlDatabase } from '../../sql/database.js';
import { applyMigrations } from '../../sql/migrate.js';
import { SqlAnalyticsStore } from './analytics-store.js';
import { analyticsMigrations } from './migrations.js';

const backends: [string, () => Promise<{ db: SqlDatabase; drop?: () => Promise<void> } | undefined>][] = [
  ['PGlite', async () => ({ db: await openPglite('memory://') })],
  [
    'PostgreSQL',
    async () => {
      const base = await serviceUrl('postgres');
      if (!base) return undefined;
      const schema = await freshPostgresSchema(base);
      return { db: await openPostgres(schema.url), drop: schema.drop };
    },
  ],
];

describe.each(backends)('LTI roster (analytics v2) on %s', async (_name, open) => {
  const opened = await open();
  afterAll(async () => {
    await opened?.db.close();
    await opened?.drop?.();
  });
  it.skipIf(!opened)(
    'upserts contexts, links, people, enrollments and launches; a sync marks who left',
    async () => {
      const store = new SqlAnalyticsStore(opened!.db, false);
      await store.migrate();
      await store.migrate();
      const r = store.roster;
      const t = 'lti-t1';
      await r.upsertContext({ tenantId: t, contextId: 'c1', iri: 'https://k/c1', title: 'Algebra' });
      await r.upsertContext({ tenantId: t, contextId: 'c1', iri: 'https://k/c1' });
      await r.upsertResourceLink({
        tenantId: t,
        resourceLinkId: 'l1',
        contextId: 'c1',
        iri: 'https://k/l1',
        title: 'Quiz',
        lineItemUrl: 'https://lms/li/1',
        scoreMaximum: 10,
      });
      await r.upsertPerson({
        tenantId: t,
        userId: 'u1',
        actorKey: 'account:https://lms|u1',
        name: 'Ada Lovelace',
        familyName: 'Lovelace',
      });
      await r.upsertPerson({ tenantId: t, userId: 'u1' });
      await r.upsertEnrollment({
        tenantId: t,
        contextId: 'c1',
        userId: 'u1',
        role: 'learner',
        source: 'launch',
      });
      await r.recordLaunch({
        tenantId: t,
        contextId: 'c1',
        resourceLinkId: 'l1',
        userId: 'u1',
        at: '2026-01-01T00:00:00.000Z',
      });
      await r.recordLaunch({
        tenantId: t,
        contextId: 'c1',
        resourceLinkId: 'l1',
        userId: 'u1',
        at: '2026-01-02T00:00:00.000Z',
      });
      for (const u of ['u2', 'u3']) {
        await r.upsertPerson({ tenantId: t, userId: u, name: u });
        await r.upsertEnrollment({
          tenantId: t,
          contextId: 'c1',
          userId: u,
          role: 'learner',
          status: 'active',
          source: 'nrps',
        });
      }
      await r.markSynced(t, 'c1', ['u1', 'u2'], '2026-01-03T00:00:00.000Z');
      expect(await r.getContext(t, 'c1')).toMatchObject({
        title: 'Algebra',
        rosterSyncedAt: '2026-01-03T00:00:00.000Z',
      });
      expect(await r.resourceLinks(t, 'c1')).toEqual([
        expect.objectContaining({ title: 'Quiz', scoreMaximum: 10 }),
      ]);
      const members = await r.members(t, 'c1');
      expect(members.map((m) => [m.userId, m.status])).toEqual([
        ['u1', 'active'],
        ['u2', 'active'],
        ['u3', 'inactive'],
      ]);
      expect(members[0]).toMatchObject({
        name: 'Ada Lovelace',
        launches: [{ resourceLinkId: 'l1', title: 'Quiz', count: 2, lastAt: '2026-01-02T00:00:00.000Z' }],
      });
      expect(await r.members('other-tenant', 'c1')).toEqual([]);
    },
  );

  it.skipIf(!opened)('migration 6 clears the e-mail addresses launches and NRPS stored before', async () => {
    // a database of its own: the one above is migrated to the end already
    const fresh = (await open())!;
    try {
      const before = analyticsMigrations.filter((m) => m.version < 6);
      await applyMigrations(fresh.db.pool, 'analytics', before);
      await fresh.db.pool.query(
        `INSERT INTO learners (tenant_id, user_id, name, email) VALUES ('t', 'u1', 'Ada', 'ada@lms.test')`,
      );
      await new SqlAnalyticsStore(fresh.db, false).migrate();
      const { rows } = await fresh.db.pool.query(`SELECT name, email FROM learners WHERE tenant_id = 't'`);
      expect(rows).toEqual([{ name: 'Ada', email: null }]);
      // one an older process wrote during a rolling upgrade goes at the person's next launch or sync
      await fresh.db.pool.query(`UPDATE learners SET email = 'ada@lms.test' WHERE tenant_id = 't'`);
      await new SqlAnalyticsStore(fresh.db, false).roster.upsertPerson({ tenantId: 't', userId: 'u1' });
      const again = await fresh.db.pool.query(`SELECT name, email FROM learners WHERE tenant_id = 't'`);
      expect(again.rows).toEqual([{ name: 'Ada', email: null }]);
    } finally {
      await fresh.db.close();
      await fresh.drop?.();
    }
  });
});
