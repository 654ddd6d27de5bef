import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_CACHE_MS } from '../../packages/server/src/auth/key-cache.js';
import { simulateClass } from '../../packages/server/src/simulator/index.js';
import { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { MemoryCache } from '../../packages/server/src/storage/cache/memory.js';
import { openPostgres, type SqlDatabase } from '../../packages/server/src/storage/sql/database.js';
import type { Stores } from '../../packages/server/src/storage/types.js';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import { addKairosTool, platformAddArgs } from '../lti-platform/kairos.js';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';
import { launchLearner, passedStatement, postStatements } from '../support/lti-launch.js';
import { dumpProjection } from '../support/projection-dump.js';
import {
  PIN_HEADER,
  type RoundRobinProxy,
  SERVED_BY_HEADER,
  startRoundRobinProxy,
} from '../support/round-robin-proxy.js';
import { freshMongoDatabase, randomName, serviceUrl } from '../support/services.js';

// Several processes (issue 12): three `kairos serve` behind a round-robin proxy, sharing PostgreSQL (a
// database created for this run), MongoDB (FerretDB, a fresh database) and Redis. Rate limits, caches,
// the AGS score queue, the live feed and the projection must behave as with one process. Redis has no key
// prefix setting, so every tenant here has a fresh random name: rate counters and cached answers are keyed
// by tenant, and no other test's keys can meet ours. KAIROS_FAULTS_LONG=1 sends a bigger class and more
// graded learners.
//
// Found by this test (2026-12-07) and fixed since (ba5d08b, 9a67427): a projector with Redis that stopped
// for good (loop() finishing before its first await left `running` set), claims of the AGS score queue that
// were no compare-and-set (two processes both claimed a score), and every process queueing the same pending
// grade (scores posted two or three times).

const LONG = process.env.KAIROS_FAULTS_LONG === '1';
const PROCESSES = 3;
const RATE_LIMIT = 60;
const GRADED_LEARNERS = LONG ? 30 : 9;
const VERSION = { 'X-Experience-API-Version': '2.0.0' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(v).slice(0, 300)})`);
    await sleep(150);
  }
}

/** A live-feed listener on one process (pinned through the proxy): every event it receives, in order. */
function listen(url: string, auth: string, pin: number) {
  const ctrl = new AbortController();
  const events: { id: number; type: string }[] = [];
  let servedBy: string | null = null;
  let resolveReady: (id: number) => void = () => {};
  const ready = new Promise<number>((r) => {
    resolveReady = r;
  });
  const done = (async () => {
    const res = await fetch(url, {
      headers: { authorization: auth, accept: 'text/event-stream', [PIN_HEADER]: String(pin) },
      signal: ctrl.signal,
    });
    servedBy = res.headers.get(SERVED_BY_HEADER);
    if (res.status !== 200) throw new Error(`live feed answered ${res.status}: ${await res.text()}`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buffer += decoder.decode(value, { stream: true });
      for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        const type = field('event');
        if (type === 'ready') resolveReady(JSON.parse(field('data')!).lastEventId as number);
        else if (type && field('id')) events.push({ id: Number(field('id')), type });
      }
    }
  })().catch((e: Error) => {
    if (e.name !== 'AbortError') throw e;
  });
  return {
    events,
    ready,
    servedBy: () => servedBy,
    async close() {
      ctrl.abort();
      await done;
    },
  };
}

describe('several Kairos processes behind a proxy, sharing PostgreSQL, MongoDB and Redis', () => {
  const processes: KairosProcess[] = [];
  let proxy: RoundRobinProxy;
  let lms: TestPlatform;
  let env: Record<string, string>;
  let adminUrl: string;
  let dbName: string;
  let db: SqlDatabase;
  let analytics: Stores;
  const tenant = randomName('sp');
  const otherTenant = randomName('sp');
  const basic = (k: { key: string; secret: string }) =>
    `Basic ${Buffer.from(`${k.key}:${k.secret}`).toString('base64')}`;
  const keys: Record<'writer' | 'reader' | 'limited' | 'revoked', string> = {} as never;
  const keyIds: Record<string, string> = {};

  beforeAll(async () => {
    const [pg, mongo, redis] = await Promise.all([
      serviceUrl('postgres'),
      serviceUrl('mongodb'),
      serviceUrl('redis'),
    ]);
    if (!pg || !mongo || !redis) throw new Error('PostgreSQL, MongoDB and Redis must run (test/services/up)');
    const { default: pgLib } = await import('pg');
    adminUrl = pg;
    dbName = randomName('kt_sp_');
    const admin = new pgLib.Client({ connectionString: pg });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const dbUrl = new URL(pg);
    dbUrl.pathname = `/${dbName}`;
    proxy = await startRoundRobinProxy();
    env = {
      DATABASE_URL: dbUrl.toString(),
      MONGODB_URL: freshMongoDatabase(mongo),
      REDIS_URL: redis,
      KAIROS_SECRET: `several-processes-${randomName('')}-0123456789abcdef`,
      KAIROS_PUBLIC_URL: proxy.url,
      KAIROS_RATE_LIMIT: String(RATE_LIMIT),
    };
    // the first process migrates; the others start on the migrated stores together
    processes.push(await startKairos({ ...env, KAIROS_DATA_DIR: tempDataDir() }));
    processes.push(
      ...(await Promise.all(
        Array.from({ length: PROCESSES - 1 }, () => startKairos({ ...env, KAIROS_DATA_DIR: tempDataDir() })),
      )),
    );
    proxy.setUpstreams(processes.map((p) => p.url));
    const create = async (t: string, scopes: string[]) => {
      const r = await runKairos(
        ['keys', 'create', '--name', 'several', '--tenant', t, '--scopes', ...scopes, '--json'],
        env,
      );
      if (r.code !== 0) throw new Error(`keys create failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { key: string; secret: string };
    };
    const [writer, reader, limited, revoked] = await Promise.all([
      create(tenant, ['all']),
      create(tenant, ['analytics/read']),
      create(otherTenant, ['all']),
      create(otherTenant, ['all']),
    ]);
    Object.assign(keys, {
      writer: basic(writer),
      reader: basic(reader),
      limited: basic(limited),
      revoked: basic(revoked),
    });
    keyIds.revoked = revoked.key;
    db = await openPostgres(env.DATABASE_URL!, { max: 2 });
    const store = new SqlAnalyticsStore(db, false);
    analytics = { analytics: store, cache: new MemoryCache() } as unknown as Stores;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await proxy?.close();
    await lms?.close();
    await db?.close();
    if (dbName) {
      const { default: pgLib } = await import('pg');
      const c = new pgLib.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    }
    if (env?.MONGODB_URL) {
      const { default: mongoose } = await import('mongoose');
      const conn = await mongoose
        .createConnection(env.MONGODB_URL, { serverSelectionTimeoutMS: 5000 })
        .asPromise();
      await conn.dropDatabase();
      await conn.close();
    }
  }, 60_000);

  const xapi = (auth: string, init: { method?: string; body?: unknown; pin?: number } = {}) =>
    fetch(`${proxy.url}/xapi/statements${init.body === undefined ? '?limit=1' : ''}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...VERSION,
        authorization: auth,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.pin !== undefined ? { [PIN_HEADER]: String(init.pin) } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });

  it('shares one rate limit: the processes together accept the limit, not the limit per process', async () => {
    // a fixed one-minute window: start well inside one, so every request counts in the same window
    if (Date.now() % 60_000 > 45_000) await sleep(60_000 - (Date.now() % 60_000) + 200);
    const sent = RATE_LIMIT * 2;
    const answers = await Promise.all(
      Array.from({ length: sent }, async (_, i) => {
        const res = await xapi(keys.limited, { pin: i % PROCESSES });
        await res.arrayBuffer();
        return {
          status: res.status,
          by: res.headers.get(SERVED_BY_HEADER),
          retryAfter: res.headers.get('retry-after'),
        };
      }),
    );
    const accepted = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    console.log(
      `rate limit ${RATE_LIMIT}/min, ${sent} requests over ${PROCESSES} processes: ${accepted.length} accepted, ${limited.length} × 429`,
    );
    expect(accepted.length + limited.length).toBe(sent);
    expect(accepted.length).toBe(RATE_LIMIT);
    // every process both accepted and refused some: the count is shared, not per process
    for (let p = 0; p < PROCESSES; p++) {
      expect(accepted.some((a) => a.by === String(p))).toBe(true);
      expect(limited.some((a) => a.by === String(p))).toBe(true);
    }
    for (const a of limited) {
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(Number(a.retryAfter)).toBeLessThanOrEqual(60);
    }
  });

  it('a key revoked on one process is refused by every process at once (not when its cache entry expires)', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(env.REDIS_URL!);
    const [, subscribers] = (await redis.pubsub('NUMSUB', 'kairos:keys:revoked')) as [string, number];
    await redis.quit();
    // every process reads the key, 1.5 s apart: their key cache entries expire 1.5 s apart too
    const t0 = Date.now();
    for (let p = 0; p < PROCESSES; p++) {
      await sleep(Math.max(0, t0 + p * 1500 - Date.now()));
      expect((await xapi(keys.revoked, { pin: p })).status).toBe(200);
    }
    // polling every process until it refuses the key (a hit never extends a cache entry)
    const refusedAt: (number | undefined)[] = Array.from({ length: PROCESSES }, () => undefined);
    let polling = true;
    const pollers = Array.from({ length: PROCESSES }, async (_, p) => {
      while (polling && refusedAt[p] === undefined) {
        const res = await xapi(keys.revoked, { pin: p });
        await res.arrayBuffer();
        if (res.status === 401) refusedAt[p] = Date.now();
        else await sleep(50);
      }
    });
    const cliStarted = Date.now();
    const r = await runKairos(['keys', 'revoke', keyIds.revoked!], env);
    const cliDone = Date.now();
    expect(r.code, r.stderr).toBe(0);
    await Promise.race([Promise.all(pollers), sleep(KEY_CACHE_MS + 2000)]);
    polling = false;
    await Promise.all(pollers);
    const rel = refusedAt.map((t) => (t === undefined ? 'never' : `${t - cliStarted} ms`));
    console.log(
      `key revocation: ${subscribers} subscribers of kairos:keys:revoked (ours and any other test's); \`kairos keys revoke\` ran ${cliDone - cliStarted} ms; ` +
        `the processes refused the key ${rel.join(', ')} after it started (their cache entries were read ${Array.from({ length: PROCESSES }, (_, p) => `${t0 + p * 1500 - cliStarted} ms`).join(', ')})`,
    );
    expect(refusedAt.every((t) => t !== undefined)).toBe(true);
    const times = refusedAt as number[];
    // over Redis pub/sub the processes drop the key together, as the CLI revokes it; had they waited for
    // their entries to expire, 1.5 s would separate them
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(1000);
    expect(Math.max(...times)).toBeLessThan(cliDone + 1000);
  });

  describe('the projection, the live feed and cached analytics', () => {
    const sim = simulateClass({
      seed: 5,
      learners: LONG ? 24 : 10,
      days: LONG ? 14 : 6,
      start: new Date('2026-02-02T08:00:00Z'),
    });
    const all = [...sim.statements()];
    const course = sim.course.iri;
    const C = encodeURIComponent(course);
    const listeners: ReturnType<typeof listen>[] = [];
    let before = 0;
    const position = async () =>
      (await analytics.analytics.projection.generations(tenant)).find((g) => g.state === 'active');
    const read = async (pin: number) => {
      const res = await fetch(`${proxy.url}/api/v1/courses/${C}/learners`, {
        headers: { authorization: keys.reader, [PIN_HEADER]: String(pin) },
      });
      expect(res.status).toBe(200);
      return { body: await res.text(), cache: res.headers.get('x-kairos-cache') };
    };
    /** Sends statements in batches through the proxy (round-robin: every process ingests some). */
    const send = async (statements: unknown[]) => {
      const batches: unknown[][] = [];
      for (let i = 0; i < statements.length; i += 25) batches.push(statements.slice(i, i + 25));
      for (let i = 0; i < batches.length; i += PROCESSES) {
        await Promise.all(
          batches.slice(i, i + PROCESSES).map(async (b) => {
            const res = await xapi(keys.writer, { body: b });
            expect(res.status, await res.text()).toBe(200);
          }),
        );
      }
    };
    const projected = (n: number) =>
      until(`projection of ${n} statements`, position, (g) => (g?.statements ?? 0) >= n, 60_000);

    beforeAll(async () => {
      for (let p = 0; p < PROCESSES; p++)
        listeners.push(listen(`${proxy.url}/api/v1/courses/${C}/events`, keys.reader, p));
      before = Math.max(...(await Promise.all(listeners.map((l) => l.ready))));
    });
    afterAll(async () => {
      await Promise.all(listeners.map((l) => l.close()));
    });

    /** Waits until the statements are projected and the course refresh after them is done. */
    const settled = async (n: number) => {
      await projected(n);
      await until(
        'the course refresh',
        async () =>
          Number(
            (
              await db.pool.query<{ n: string }>(
                'SELECT count(*) AS n FROM dirty_activities WHERE tenant_id = $1',
                [tenant],
              )
            ).rows[0]!.n,
          ),
        (dirty) => dirty === 0,
      );
      await sleep(500); // the version bump after the refresh is published as it commits
    };
    /** Every process gives `reference` (within 5 s: the version bump travels through Redis). */
    const allAnswer = async (reference: string) => {
      const answers = [];
      for (let p = 0; p < PROCESSES; p++)
        answers.push(
          await until(
            `process ${p} gives the same answer`,
            () => read(p),
            (r) => r.body === reference,
            5000,
          ),
        );
      return answers;
    };

    it('a read through one process after a write through another sees the write (shared analytics cache)', async () => {
      const half = Math.floor(all.length / 2);
      await send(all.slice(0, half));
      await settled(half);
      const first = await read(0);
      expect(JSON.parse(first.body).learners.length).toBeGreaterThan(0);
      // every process answers the same, the later ones from the shared cache
      const answers = await allAnswer(first.body);
      expect(answers.slice(1).map((a) => a.cache)).toContain('hit');
      await send(all.slice(half));
      await settled(all.length);
      // no process keeps serving its cached answer of before: the projection's version bump reached them all
      const fresh = await read(1);
      expect(fresh.body).not.toBe(first.body);
      await allAnswer(fresh.body);
      const statements = (b: string) =>
        (JSON.parse(b).learners as { statements: number }[]).reduce((t, l) => t + l.statements, 0);
      console.log(
        `cached analytics: ${statements(first.body)} then ${statements(fresh.body)} statements in the learners list, the same through each of the ${PROCESSES} processes`,
      );
    }, 120_000);

    it('every live-feed listener, whichever process serves it, gets every event once', async () => {
      const expected = (await analytics.analytics.queries.events(tenant, course, before, 10_000)).map(
        (e) => e.id,
      );
      expect(expected.length).toBeGreaterThan(0);
      const last = expected.at(-1)!;
      await until(
        'every listener reaches the last event',
        async () => listeners.map((l) => l.events.at(-1)?.id ?? 0),
        (ids) => ids.every((id) => id >= last),
        10_000,
      );
      expect(listeners.map((l) => l.servedBy())).toEqual(
        Array.from({ length: PROCESSES }, (_, p) => String(p)),
      );
      for (const l of listeners) expect(l.events.map((e) => e.id)).toEqual(expected);
      console.log(
        `live feed: ${expected.length} events, each received once by each of the ${PROCESSES} listeners (${[...new Set(listeners[0]!.events.map((e) => e.type))].join(', ')})`,
      );
    });

    it('projects every statement once: the aggregates equal one process reprojecting the same statements', async () => {
      expect((await position())!.statements).toBe(all.length);
      const multi = await dumpProjection(analytics, tenant);
      expect(multi.facts!.length).toBeGreaterThan(0);
      // one process (the CLI, on the same stores) rebuilds the tenant's projection from scratch
      const r = await runKairos(['reproject', '--tenant', tenant, '--quiet'], env, 120_000);
      expect(r.code, r.stderr).toBe(0);
      const g = (await position())!;
      expect(g.statements).toBe(all.length);
      const single = await dumpProjection(analytics, tenant);
      for (const table of Object.keys(multi))
        expect({ table, rows: single[table] }).toEqual({ table, rows: multi[table] });
    }, 120_000);
  });

  it('posts every AGS score exactly once, whichever processes queued and claimed it', async () => {
    lms = await createTestPlatform();
    await lms.start();
    const tool = addKairosTool(lms, proxy.url);
    const added = await runKairos(platformAddArgs(lms, tool), env);
    expect(added.code, added.stderr).toBe(0);
    const item = lms.addLineItem({ label: 'Quiz', scoreMaximum: 10, resourceLinkId: 'graded' });
    const learners = Array.from({ length: GRADED_LEARNERS }, (_, i) => ({
      ...lms.users.learner,
      id: `graded-${i}`,
      name: `Learner ${i}`,
    }));
    // learners of the course (the platform refuses a score for anyone else)
    lms.course.members.push(...learners);
    // each learner launches and passes through the proxy (so login, launch and statements land on
    // different processes), all at about the same time
    await Promise.all(
      learners.map(async (user, i) => {
        const boot = await launchLearner(lms, user, { id: 'graded', title: 'Quiz' }, item.id);
        await postStatements(boot, [passedStatement(boot, 1 + (i % 9), 10)]);
      }),
    );
    await until(
      'every score posted',
      async () => lms.scores.length,
      (n) => n >= GRADED_LEARNERS,
      60_000, // (what is asserted is once each, not how soon: beside other fault tests this took 30 s)
    ).catch((e) => {
      // what the processes logged (a failed score post says why)
      console.log(processes.map((p) => p.stdout().slice(-3000)).join('\n----\n'));
      throw e;
    });
    await sleep(4000); // room for a second post of any score, had two processes both claimed it
    const users = lms.scores.map((s) => String(s.body.userId));
    console.log(
      `AGS: ${GRADED_LEARNERS} graded learners, ${lms.scores.length} score posts received, ${new Set(users).size} distinct learners`,
    );
    expect(users.sort()).toEqual(learners.map((l) => l.id).sort());
    for (const s of lms.scores) {
      const i = Number(String(s.body.userId).slice('graded-'.length));
      expect(s.body).toMatchObject({
        scoreGiven: 1 + (i % 9),
        scoreMaximum: 10,
        gradingProgress: 'FullyGraded',
      });
    }
  }, 120_000);
});
