import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { localOperations } from '../../packages/server/src/admin/operations.js';
import { Projector } from '../../packages/server/src/analytics/projection/projector.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { ScoreQueue } from '../../packages/server/src/lti/ags-queue.js';
import { learnerDigest } from '../../packages/server/src/privacy/identity.js';
import type { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { RedisCache } from '../../packages/server/src/storage/cache/redis.js';
import { MongoRecordStore } from '../../packages/server/src/storage/record/mongo/record-store.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { termId } from '../../packages/server/src/storage/record/sql/terms.js';
import { openPglite, openPostgres } from '../../packages/server/src/storage/sql/database.js';
import type { RecordStore, Stores } from '../../packages/server/src/storage/types.js';
import { dumpProjection } from '../support/projection-dump.js';
import { freshMongoDatabase, freshPostgresSchema, randomName, serviceUrl } from '../support/services.js';
import { storesOf, TEST_SECRET } from '../support/stores-app.js';

// `kairos forget` on each record backend (PGlite; PostgreSQL; MongoDB/FerretDB with the analytics in
// PGlite), the cache on Redis. Two learners in two courses, and a second tenant holding the same learner:
// after forget, a search of EVERY table, collection and Redis key finds nothing of them in the tenant
// forgotten; the other learner's data stays; the course figures equal a projection of what remains.

const HOME = 'https://lms.example';
const ANN = `ann-${randomName('')}`; // a needle no fixture holds by chance
const BOB = 'bob-42';
const key = (name: string) => `account:${HOME}|${name}`;
const COURSES = ['https://school.example/course/alpha', 'https://school.example/course/beta'];
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';
const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const annContent = Buffer.from(`essay of ${ANN}`);
const bobContent = Buffer.from('essay of bob');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function fixture(): { t1: Record<string, unknown>[]; t2: Record<string, unknown>[] } {
  const t1: Record<string, unknown>[] = [];
  const at = (i: number) => new Date(Date.UTC(2026, 10, 1, 9, 0, i)).toISOString();
  let i = 0;
  for (const course of COURSES)
    for (const who of [ANN, BOB])
      for (let a = 0; a < 4; a++)
        t1.push({
          id: randomUUID(),
          actor: { objectType: 'Agent', account: { homePage: HOME, name: who } },
          verb: { id: a === 3 ? COMPLETED : ANSWERED },
          object: { id: `${course}/activity-${a}` },
          result:
            a === 3
              ? { completion: true }
              : { success: (a + who.length) % 2 === 0, score: { scaled: a / 4 } },
          context: { contextActivities: { grouping: [{ id: course }] } },
          timestamp: at(i++),
        });
  // about Ann without her as actor: Bob's statement with Ann on his team; Ann as instructor
  t1.push({
    id: randomUUID(),
    actor: { account: { homePage: HOME, name: BOB } },
    verb: { id: ANSWERED },
    object: { id: `${COURSES[0]}/activity-9` },
    context: {
      team: { objectType: 'Group', member: [{ account: { homePage: HOME, name: ANN } }] },
      contextActivities: { grouping: [{ id: COURSES[0] }] },
    },
    timestamp: at(i++),
  });
  for (const [who, content] of [
    [ANN, annContent],
    [BOB, bobContent],
  ] as const)
    t1.push({
      id: randomUUID(),
      actor: { account: { homePage: HOME, name: who } },
      verb: { id: COMPLETED },
      object: { id: `${COURSES[1]}/essay` },
      context: { contextActivities: { grouping: [{ id: COURSES[1] }] } },
      attachments: [
        {
          usageType: 'http://id.tincanapi.com/attachment/supporting_media',
          display: { en: 'essay' },
          contentType: 'text/plain',
          length: content.length,
          sha2: sha(content),
          fileUrl: `https://files.example/${sha(content)}`,
        },
      ],
      timestamp: at(i++),
    });
  const t2 = t1.slice(0, 4).map((s) => ({ ...s, id: randomUUID() }));
  return { t1, t2 };
}

const projectorOf = (stores: Stores) =>
  new Projector(stores, {
    horizon: () => new Date(Date.now() + 60_000),
    settleMs: 0,
    logger: createLogger('silent'),
  });

async function seed(stores: Stores, f: ReturnType<typeof fixture>, who: string[]): Promise<void> {
  const ops = localOperations(stores, 'http://lrs.test', undefined, TEST_SECRET, projectorOf(stores));
  await ops.importStatements('t1', f.t1, '1.0.3');
  await ops.importStatements('t2', f.t2, '1.0.3');
  for (const tenantId of ['t1', 't2'])
    for (const name of who) {
      await stores.analytics.roster.upsertPerson({
        tenantId,
        userId: name,
        actorKey: key(name),
        name: `${name} full name`,
      });
      await stores.analytics.roster.upsertContext({ tenantId, contextId: 'ctx-1', iri: COURSES[0]! });
      await stores.analytics.roster.upsertEnrollment({
        tenantId,
        contextId: 'ctx-1',
        userId: name,
        role: 'learner',
        source: 'launch',
      });
      await stores.analytics.roster.upsertResourceLink({
        tenantId,
        resourceLinkId: 'rl-1',
        contextId: 'ctx-1',
        iri: `${COURSES[0]}/activity-0`,
      });
      await stores.analytics.roster.recordLaunch({
        tenantId,
        contextId: 'ctx-1',
        resourceLinkId: 'rl-1',
        userId: name,
        at: new Date().toISOString(),
      });
      // a grade waiting for its post to the LMS holds the LMS user id
      await new ScoreQueue(stores.record.keyed).enqueue({
        tenantId,
        contextId: 'ctx-1',
        resourceLinkId: 'rl-1',
        lineItemUrl: 'https://lms.example/lineitems/1',
        score: {
          userId: name,
          scoreGiven: 7,
          scoreMaximum: 10,
          timestamp: new Date().toISOString(),
          activityProgress: 'Completed',
          gradingProgress: 'FullyGraded',
        },
      });
      await stores.record.documents.put(
        tenantId,
        {
          kind: 'state',
          activityId: `${COURSES[0]}/activity-0`,
          agentKey: key(name),
          registration: '',
          id: 'bookmark',
        },
        { contentType: 'application/json', content: Buffer.from(JSON.stringify({ page: 3, who: name })) },
      );
      await stores.record.documents.put(
        tenantId,
        { kind: 'agent-profile', agentKey: key(name), id: 'prefs' },
        {
          contentType: 'application/json',
          content: Buffer.from(JSON.stringify({ theme: 'dark', who: name })),
        },
      );
    }
  await stores.analytics.roster.setGroups('t1', 'ctx-1', [{ groupId: 'g1', name: 'table 1', members: who }]);
  await stores.record.attachments.put('t1', [
    { sha2: sha(annContent), contentType: 'text/plain', content: annContent },
    { sha2: sha(bobContent), contentType: 'text/plain', content: bobContent },
  ]);
  for (const t of ['t1', 't2']) await projectorOf(stores).settle(t);
}

/** Rows of every SQL table (outside tenant t2: its column, or a keyed record's field) whose text holds the needle. */
async function sqlHits(pool: SqlAnalyticsStore['db']['pool'], needle: string): Promise<string[]> {
  const tables = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const hits: string[] = [];
  for (const { table_name: t } of tables.rows) {
    const res = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${t}" x WHERE strpos(x::text, $1) > 0 AND coalesce(to_jsonb(x)->>'tenant_id', to_jsonb(x)->'fields'->>'tenantId', '') <> 't2'`,
      [needle],
    );
    if ((res.rows[0]?.n ?? 0) > 0) hits.push(`${t}: ${res.rows[0]!.n}`);
  }
  return hits;
}

/** Documents of every Mongo collection (outside tenant t2) whose JSON (binary contents decoded) holds the needle. */
async function mongoHits(db: import('mongoose').mongo.Db, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    const docs = await db.collection(name).find({}).toArray();
    const n = docs.filter((d) => {
      if (d.t === 't2' || String(d._id).startsWith('t2|')) return false;
      if (typeof d.fields === 'string' && JSON.parse(d.fields).tenantId === 't2') return false; // keyed records
      const text = JSON.stringify(d, (_k, v) =>
        v?._bsontype === 'Binary' ? Buffer.from(v.buffer).toString('utf8') : v,
      );
      return text.includes(needle);
    }).length;
    if (n > 0) hits.push(`${name}: ${n}`);
  }
  return hits;
}

/** Redis keys under `prefix` (outside tenant t2) whose name or string value holds the needle. */
async function redisHits(
  url: string,
  prefix: string,
  needle: string,
): Promise<{ hits: string[]; scanned: number }> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  const hits: string[] = [];
  let scanned = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) {
      scanned++;
      if (k.includes(':t2:')) continue;
      const type = await redis.type(k);
      const value = type === 'string' ? ((await redis.get(k)) ?? '') : '';
      if (k.includes(needle) || value.includes(needle)) hits.push(k);
    }
  } while (cursor !== '0');
  redis.disconnect();
  return { hits, scanned };
}

interface Backend {
  name: string;
  record(): Promise<RecordStore | undefined>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

const backends: Backend[] = [
  { name: 'PGlite', record: async () => new SqlRecordStore(await openPglite('memory://')) },
  {
    name: 'PostgreSQL',
    record: async () => {
      const base = await serviceUrl('postgres');
      if (!base) return undefined;
      const schema = await freshPostgresSchema(base);
      cleanups.push(schema.drop);
      return new SqlRecordStore(await openPostgres(schema.url));
    },
  },
  {
    name: 'MongoDB',
    record: async () => {
      const base = await serviceUrl('mongodb');
      if (!base) return undefined;
      const store = await MongoRecordStore.connect(freshMongoDatabase(base), { timeoutMs: 30_000 });
      return store;
    },
  },
];

describe.each(backends)('kairos forget on $name (cache on Redis)', (backend) => {
  it('erases one learner everywhere, keeps the rest, and recomputes the course figures', {
    timeout: 60_000,
  }, async () => {
    const redisUrl = await serviceUrl('redis');
    const record = await backend.record();
    if (!record || !redisUrl) return;
    const prefix = `${randomName('kf')}:`;
    const stores = await storesOf(record, await RedisCache.connect(redisUrl, { prefix }));
    cleanups.push(() => stores.close());
    const f = fixture();
    await seed(stores, f, [ANN, BOB]);
    // cached answers naming the learner (an API answer about her, and a tenant-wide one)
    await stores.cache.set(
      `an:a:t1:0:0:${key(ANN)}:json:/api/v1/courses/x/learners/${ANN}`,
      `{"learner":"${ANN}"}`,
      600_000,
    );
    await stores.cache.set(
      `an:a:t1:0:0:*:json:/api/v1/courses/x/learners`,
      `[{"learner":"${ANN}"},{"learner":"${BOB}"}]`,
      600_000,
    );
    await stores.cache.set(`an:a:t2:0:0:${key(ANN)}:json:/api/v1/x`, `{"learner":"${ANN}"}`, 600_000);

    const projector = projectorOf(stores);
    const ops = localOperations(stores, 'http://lrs.test', undefined, TEST_SECRET, projector);
    const sqlPool = (stores.analytics as SqlAnalyticsStore).db.pool;
    const mongoDb =
      record instanceof MongoRecordStore
        ? (record as unknown as { conn: { db: import('mongoose').mongo.Db } }).conn.db
        : undefined;

    // before: the searches do find her (the checks can fail)
    expect((await sqlHits(sqlPool, ANN)).length).toBeGreaterThan(0);
    if (mongoDb) expect((await mongoHits(mongoDb, ANN)).length).toBeGreaterThan(0);
    expect((await redisHits(redisUrl, prefix, ANN)).hits.length).toBeGreaterThan(0);

    // export first (right of access), by the bare LTI user id the roster holds
    const exported = await ops.exportLearner({ learner: ANN, tenantId: 't1' });
    expect(exported.tenants.map((t) => t.tenantId)).toEqual(['t1']);
    const annNaming = f.t1.filter((s) => JSON.stringify(s).includes(ANN));
    expect(exported.tenants[0]!.statements.map((s) => (s as { id: string }).id).sort()).toEqual(
      annNaming.map((s) => s.id as string).sort(),
    );
    expect(exported.tenants[0]!.documents.map((d) => d.kind).sort()).toEqual(['agent-profile', 'state']);
    expect(exported.tenants[0]!.analytics.learners).toHaveLength(1);
    expect(exported.tenants[0]!.analytics.learner_courses!.length).toBe(2);

    const bobBefore = await ops.exportLearner({ learner: `lti:${HOME}|${BOB}`, tenantId: 't1' });
    const t2Before = await stores.record.statements.count('t2');

    const summary = await ops.forget({ learner: `lti:${HOME}|${ANN}`, tenantId: 't1' });
    console.log(`${backend.name} forget summary: ${JSON.stringify(summary.tenants)}`);
    expect(summary.tenants).toHaveLength(1);
    expect(summary.tenants[0]).toMatchObject({
      tenantId: 't1',
      statements: annNaming.length,
      documents: 2,
      attachments: 1,
      gradePosts: 1,
    });
    // Bob's grade still goes to the LMS; hers no longer does
    const queued = await new ScoreQueue(stores.record.keyed).ofContext('t1', 'ctx-1');
    expect(queued.map((j) => j.score.userId)).toEqual([BOB]);

    // after: nothing of her in any table, collection or Redis key of tenant t1
    const sql = await sqlHits(sqlPool, ANN);
    const mongo = mongoDb ? await mongoHits(mongoDb, ANN) : [];
    const redis = await redisHits(redisUrl, prefix, ANN);
    console.log(
      `${backend.name} after forget: SQL hits ${JSON.stringify(sql)}, Mongo hits ${JSON.stringify(mongo)}, Redis hits ${JSON.stringify(redis.hits)} of ${redis.scanned} keys`,
    );
    expect(sql).toEqual([]);
    expect(mongo).toEqual([]);
    expect(redis.hits).toEqual([]);
    // hashed index terms and the attachment content (bytes) are gone too
    if (record instanceof SqlRecordStore) {
      const terms = [`a:${key(ANN)}`, `ra:${key(ANN)}`].map(termId);
      const idx = await sqlPool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM statement_index WHERE tenant_id = 't1' AND term = ANY($1::uuid[])`,
        [terms],
      );
      expect(idx.rows[0]!.n).toBe(0);
    }
    expect(await stores.record.attachments.get('t1', [sha(annContent)])).toEqual([]);
    expect(await stores.record.attachments.get('t1', [sha(bobContent)])).toHaveLength(1);

    // the other tenant's copy of the same learner is untouched
    expect(await stores.record.statements.count('t2')).toBe(t2Before);
    expect((await ops.exportLearner({ learner: ANN, tenantId: 't2' })).tenants[0]!.statements).toHaveLength(
      4,
    );

    // Bob: his statements (but the one with Ann on his team), documents, roster and figures stay
    const bobAfter = await ops.exportLearner({ learner: `lti:${HOME}|${BOB}`, tenantId: 't1' });
    expect(bobAfter.tenants[0]!.statements).toHaveLength(bobBefore.tenants[0]!.statements.length - 1);
    expect(bobAfter.tenants[0]!.documents).toHaveLength(2);
    expect(bobAfter.tenants[0]!.analytics.learners).toHaveLength(1);
    expect(bobAfter.tenants[0]!.analytics.learner_courses).toHaveLength(2);

    // course figures = a projection of the remaining statements only (fresh stores, Bob's roster)
    const fresh = await storesOf(new SqlRecordStore(await openPglite('memory://')), stores.cache);
    const remaining = f.t1.filter((s) => !JSON.stringify(s).includes(ANN));
    await seed(fresh, { t1: remaining, t2: [] }, [BOB]);
    expect(await dumpProjection(stores, 't1')).toEqual(await dumpProjection(fresh, 't1'));
    await fresh.analytics.close();
    await fresh.record.close();

    // idempotent: again, nothing to erase, figures unchanged
    const dump = await dumpProjection(stores, 't1');
    expect((await ops.forget({ learner: `lti:${HOME}|${ANN}`, tenantId: 't1' })).tenants).toEqual([]);
    expect(await dumpProjection(stores, 't1')).toEqual(dump);

    // the audit log: forget and exports, the learner as an HMAC only
    const audit = await ops.audit({ tenantId: 't1' });
    const forget = audit.find((e) => e.action === 'forget');
    expect(forget?.target).toBe(`learner:${learnerDigest(TEST_SECRET, `lti:${HOME}|${ANN}`)}`);
    expect(audit.filter((e) => e.action === 'export').length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain(ANN);
    expect(JSON.stringify(audit)).not.toContain(TEST_SECRET);
  });
});
