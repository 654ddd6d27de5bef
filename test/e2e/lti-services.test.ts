import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/server/src/auth/api-keys.js';
import type { LtiJobs } from '../../packages/server/src/lti/index.js';
import type { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { createTestPlatform, type TestPlatform, type ToolRegistration } from '../lti-platform/index.js';
import {
  bootstrapOf,
  formOf,
  type LtiKairos,
  launchOverHttp,
  registerByHand,
  startLtiKairos,
} from '../lti-platform/kairos.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LTI services: NRPS roster sync and AGS grade passback', () => {
  let lms: TestPlatform;
  let kairos: LtiKairos;
  let tool: ToolRegistration;
  let jobs: LtiJobs;
  let tenantId: string;
  beforeAll(async () => {
    lms = await createTestPlatform({ failScores: 2 });
    await lms.start();
    kairos = await startLtiKairos({ lti: { agsEveryMs: 3_600_000 } });
    jobs = kairos.jobs;
    tool = await registerByHand(lms, kairos);
    tenantId = (await kairos.lti.registry.find(lms.issuer, tool.clientId))!.tenantId;
    lms.addLineItem({ label: 'Fractions quiz', scoreMaximum: 10, resourceLinkId: 'link-graded' });
  });
  afterAll(async () => {
    await kairos?.close();
    await lms?.close();
  });

  const dashboard = async (token: string) =>
    (await (
      await fetch(`${kairos.url}/dashboard`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      })
    ).json()) as {
      rows: { userId: string; started: boolean; status: string; name?: string }[];
      grades: { status: string; attempts: number; lastError?: string; score: { userId: string } }[];
    };
  const instructorToken = async () => {
    const launched = await launchOverHttp(
      lms.loginUrl({ user: lms.users.instructor, course: lms.course, resourceLink: { id: 'link-graded' } }),
    );
    return formOf(launched.html).fields.token!;
  };

  it('an instructor launch syncs the whole roster (every NRPS page): who never started is known', async () => {
    const token = await instructorToken();
    await jobs.roster.idle();
    const view = await dashboard(token);
    const grace = view.rows.find((r) => r.userId === lms.users.neverStarted.id);
    expect(grace).toMatchObject({ started: false, status: 'active', name: 'Grace Hopper' });
    expect(view.rows).toHaveLength(lms.course.members.length);
    const page = await fetch(`${kairos.url}/dashboard`, {
      method: 'POST',
      body: new URLSearchParams({ token }),
    });
    expect(await page.text()).toMatch(/never started/);
  });

  it('stores no e-mail address: neither the launch claim nor an NRPS member’s, names kept', async () => {
    // the test LMS sends `email` in every launch and every NRPS member, as Moodle's "share e-mail" does
    expect(lms.users.learner.email).toMatch(/@lms\.test$/);
    await launchOverHttp(
      lms.loginUrl({ user: lms.users.learner, course: lms.course, resourceLink: { id: 'link-graded' } }),
    );
    await instructorToken();
    await jobs.roster.idle();
    const { pool } = (kairos.stores.analytics as SqlAnalyticsStore).db;
    const { rows } = await pool.query<{ user_id: string; name: string | null; email: string | null }>(
      'SELECT user_id, name, email FROM learners WHERE tenant_id = $1',
      [tenantId],
    );
    expect(rows.map((r) => r.user_id)).toEqual(expect.arrayContaining([lms.users.learner.id]));
    expect(rows.length).toBe(lms.course.members.length);
    expect(rows.find((r) => r.user_id === lms.users.learner.id)?.name).toBe(lms.users.learner.name);
    expect(rows.filter((r) => r.email !== null)).toEqual([]);
    // nor anywhere else: every table of the database both stores share (statements, keyed records…)
    const tables = await pool.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    expect(tables.rows.length).toBeGreaterThan(10);
    const holding: string[] = [];
    for (const { name } of tables.rows) {
      const hit = await pool.query(`SELECT 1 FROM "${name}" t WHERE t::text LIKE '%@lms.test%' LIMIT 1`);
      if (hit.rows.length) holding.push(name);
    }
    expect(holding).toEqual([]);
  });

  it('a passed graded activity posts its score; failures are visible and retried, never lost', async () => {
    const boot = bootstrapOf(
      (
        await launchOverHttp(
          lms.loginUrl({
            user: lms.users.learner,
            course: lms.course,
            resourceLink: { id: 'link-graded', title: 'Quiz' },
          }),
        )
      ).html,
    );
    const statement = {
      actor: boot.actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
      object: { id: `${boot.context.parent.id}/quiz` },
      result: { score: { raw: 7, max: 10, scaled: 0.7 }, success: true },
      context: {
        registration: boot.context.registration,
        contextActivities: { parent: [boot.context.parent] },
      },
      timestamp: new Date().toISOString(),
    };
    const post = (auth: string, body: unknown) =>
      fetch(`${boot.endpoint}/statements`, {
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/json',
          'x-experience-api-version': '1.0.3',
        },
        body: JSON.stringify(body),
      });
    expect((await post(`Bearer ${boot.token}`, statement)).status).toBe(200);
    // an instructor "passing" (written by a server key) gets no grade
    const { record, secret } = await createApiKey(kairos.stores.record.credentials, {
      tenantId,
      name: 't',
      scopes: ['all'],
    });
    const basic = `Basic ${Buffer.from(`${record.key}:${secret}`).toString('base64')}`;
    const teacher = {
      ...statement,
      actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: lms.users.instructor.id } },
    };
    expect((await post(basic, teacher)).status).toBe(200);
    await sleep(1600); // the watcher leaves just-written statements for the next pass

    await jobs.grades.tick(); // first post: the platform answers 503
    const token = await instructorToken();
    let view = await dashboard(token);
    expect(view.grades).toHaveLength(1);
    expect(view.grades[0]).toMatchObject({
      status: 'retrying',
      attempts: 1,
      score: { userId: lms.users.learner.id },
    });
    expect(view.grades[0]!.lastError).toMatch(/503/);
    const html = await (
      await fetch(`${kairos.url}/dashboard`, { method: 'POST', body: new URLSearchParams({ token }) })
    ).text();
    expect(html).toMatch(/could not reach the grade book yet/);

    expect(html).toContain('action="/dashboard/grades/retry"');
    for (let i = 0; i < 2; i++) {
      // the instructor's "Retry now" makes the failing post due at once
      const retried = await fetch(`${kairos.url}/dashboard/grades/retry`, {
        method: 'POST',
        body: new URLSearchParams({ token }),
      });
      expect(retried.status).toBe(200);
      await jobs.grades.tick();
    }
    expect(lms.scores).toHaveLength(1);
    const [sent] = lms.scores;
    expect(sent!.body).toMatchObject({
      userId: lms.users.learner.id,
      scoreGiven: 7,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    expect(Number.isNaN(Date.parse(String(sent!.body.timestamp)))).toBe(false);
    expect(sent!.userAgent).toMatch(/\S/);
    view = await dashboard(token);
    expect(view.grades[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });
});

describe('the score queue survives a restart', () => {
  it('a score queued by one Kairos process is posted by the next one (PostgreSQL record store)', async () => {
    const { serviceUrl, freshPostgresSchema } = await import('../support/services.js');
    const { openPostgres } = await import('../../packages/server/src/storage/sql/database.js');
    const { SqlRecordStore } = await import('../../packages/server/src/storage/record/sql/record-store.js');
    const base = await serviceUrl('postgres');
    if (!base) return;
    const schema = await freshPostgresSchema(base);
    const lms = await createTestPlatform({ failScores: 1 });
    await lms.start();
    try {
      const first = await startLtiKairos({
        record: new SqlRecordStore(await openPostgres(schema.url)),
        lti: { agsEveryMs: 3_600_000 },
      });
      const tool = await registerByHand(lms, first);
      const tenant = (await first.lti.registry.find(lms.issuer, tool.clientId))!.tenantId;
      const item = lms.addLineItem({ label: 'Quiz', scoreMaximum: 5 });
      await first.jobs.grades.queue.enqueue({
        tenantId: tenant,
        contextId: lms.course.id,
        resourceLinkId: 'l1',
        lineItemUrl: `${lms.issuer}/api/lineitems/${item.id}`,
        score: {
          userId: lms.users.learner.id,
          scoreGiven: 4,
          scoreMaximum: 5,
          timestamp: new Date().toISOString(),
          activityProgress: 'Completed',
          gradingProgress: 'FullyGraded',
        },
      });
      await first.jobs.grades.tick(); // 503: stays queued
      expect(lms.scores).toHaveLength(0);
      await first.close();

      const second = await startLtiKairos({
        record: new SqlRecordStore(await openPostgres(schema.url)),
        lti: { agsEveryMs: 3_600_000 },
      });
      await second.jobs.grades.queue.retryNow(tenant, lms.course.id);
      await second.jobs.grades.tick();
      expect(lms.scores.map((s) => s.body.scoreGiven)).toEqual([4]);
      await second.close();
    } finally {
      await lms.close();
      await schema.drop();
    }
  });
});
