import { randomUUID } from 'node:crypto';
import { prepareStatement } from '../../packages/server/src/lrs/statements/prepare.js';
import { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { MemoryCache } from '../../packages/server/src/storage/cache/memory.js';
import { announceStored } from '../../packages/server/src/storage/record/announce.js';
import { MongoRecordStore } from '../../packages/server/src/storage/record/mongo/record-store.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite, openPostgres } from '../../packages/server/src/storage/sql/database.js';
import type { Stores } from '../../packages/server/src/storage/types.js';
import { minUuidv7 } from '../../packages/server/src/util/uuid.js';
import type { Statement } from '../../packages/xapi/src/index.js';
import { validateStatement } from '../../packages/xapi/src/index.js';
import { freshMongoDatabase, freshPostgresSchema, serviceUrl } from './services.js';

/** The store layouts analytics run on: embedded, PostgreSQL alone, MongoDB records + PostgreSQL projection. */
export const analyticsLayouts: [string, () => Promise<Stores>][] = [
  [
    'PGlite',
    async () => {
      const db = await openPglite('memory://');
      return assemble(new SqlRecordStore(db, false), new SqlAnalyticsStore(db, false), () => db.close());
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const base = await serviceUrl('postgres');
      if (!base) throw new Error('PostgreSQL is not running (test/services/up)');
      const schema = await freshPostgresSchema(base);
      const db = await openPostgres(schema.url, { max: 4 });
      return assemble(new SqlRecordStore(db, false), new SqlAnalyticsStore(db, false), async () => {
        await db.close();
        await schema.drop();
      });
    },
  ],
  [
    'MongoDB + PostgreSQL',
    async () => {
      const [mongo, base] = [await serviceUrl('mongodb'), await serviceUrl('postgres')];
      if (!mongo || !base) throw new Error('MongoDB and PostgreSQL must run (test/services/up)');
      const record = await MongoRecordStore.connect(freshMongoDatabase(mongo), { timeoutMs: 30_000 });
      const schema = await freshPostgresSchema(base);
      const db = await openPostgres(schema.url, { max: 4 });
      return assemble(record, new SqlAnalyticsStore(db, false), async () => {
        await record.close();
        await db.close();
        await schema.drop();
      });
    },
  ],
];

async function assemble(
  record: SqlRecordStore | MongoRecordStore,
  analytics: SqlAnalyticsStore,
  done: () => Promise<void>,
): Promise<Stores> {
  await record.migrate();
  await analytics.migrate();
  const cache = new MemoryCache();
  return {
    record: announceStored(record, cache),
    analytics,
    cache,
    async close() {
      await cache.close();
      await done();
    },
  };
}

const AUTHORITY = {
  objectType: 'Agent' as const,
  account: { homePage: 'http://kairos.test', name: 'kk_test' },
};

/** Validates and stores statements as the LRS would (ids, stored, authority, terms), in the order given. */
export async function store(
  stores: Stores,
  tenantId: string,
  statements: Statement[],
  options: { ageMs?: number } = {},
): Promise<string[]> {
  // `ageMs`: stored that long ago (their keys say so), as a history the projection catches up on
  const stored = Date.now() - (options.ageMs ?? 0);
  const records = statements.map((s, i) =>
    prepareStatement(validateStatement(s, { version: '2.0.0' }), {
      tenantId,
      authority: AUTHORITY,
      version: '2.0.0',
      now: Date.now(),
      ...(options.ageMs ? { key: `${minUuidv7(stored + i).slice(0, 24)}${randomUUID().slice(-12)}` } : {}),
    }),
  );
  const outcome = await stores.record.statements.insert(tenantId, records);
  if (!outcome.ok) throw new Error(`conflicting statements ${outcome.conflicts.join(', ')}`);
  return records.map((r) => r.id);
}

/** IRIs of a small test course. */
export const COURSE = 'https://school.example/courses/fractions';
export const SEQ = `${COURSE}/sequences/1`;
export const act = (n: number | string) => `${SEQ}/q${n}`;
export const COMPETENCY = 'https://school.example/competencies/compare-fractions';

/** An agent of the test school. */
export const learner = (name: string) => ({
  objectType: 'Agent' as const,
  account: { homePage: 'https://lms.example', name },
});
/** Its agent key (how the analytics name learners). */
export const learnerKey = (name: string) => `account:https://lms.example|${name}`;

const VERB = (v: string) => ({ id: `http://adlnet.gov/expapi/verbs/${v}`, display: { en: v } });

/** Options of {@link answered} and {@link statement}. */
export interface Step {
  who: string;
  activity: string;
  /** Minutes after 2026-03-02T09:00Z (the statement timestamp). */
  at: number;
  success?: boolean;
  scaled?: number;
  response?: string;
  seconds?: number;
  registration?: string;
  attempt?: number;
  parent?: string;
  course?: string;
  objectives?: string[];
  level?: string;
  interactionType?: string;
}

/** The timestamp of minute `m` of the test day. */
export const minute = (m: number) => new Date(Date.parse('2026-03-02T09:00:00Z') + m * 60_000).toISOString();

/** A statement of the test course: `verb` on `activity` by `who`, with what the step says. */
export function statement(verb: string, s: Step): Statement {
  const result: Record<string, unknown> = {};
  if (s.success !== undefined) result.success = s.success;
  if (s.scaled !== undefined) result.score = { scaled: s.scaled };
  if (s.response !== undefined) result.response = s.response;
  if (s.seconds !== undefined) result.duration = `PT${s.seconds}S`;
  if (verb === 'completed') result.completion = true;
  const definition: Record<string, unknown> = { name: { en: s.activity.split('/').pop() } };
  if (verb === 'answered') {
    definition.type = 'http://adlnet.gov/expapi/activities/cmi.interaction';
    definition.interactionType = s.interactionType ?? 'choice';
    if (definition.interactionType === 'choice') {
      definition.correctResponsesPattern = ['b'];
      definition.choices = ['a', 'b', 'c'].map((id) => ({ id, description: { en: id.toUpperCase() } }));
    }
  }
  if (s.level) definition.extensions = { 'https://kairos.dev/xapi/extensions/level': s.level };
  const other = (s.objectives ?? []).map((id) => ({
    id,
    definition: { type: 'http://adlnet.gov/expapi/activities/objective', name: { en: id.split('/').pop() } },
  }));
  return {
    id: randomUUID(),
    actor: learner(s.who),
    verb: VERB(verb),
    object: { objectType: 'Activity', id: s.activity, definition },
    ...(Object.keys(result).length > 0 ? { result } : {}),
    context: {
      ...(s.registration ? { registration: s.registration } : {}),
      contextActivities: {
        parent: [{ id: s.parent ?? SEQ }],
        grouping: [
          {
            id: s.course ?? COURSE,
            definition: { type: 'http://adlnet.gov/expapi/activities/course', name: { en: 'Fractions' } },
          },
        ],
        ...(other.length > 0 ? { other } : {}),
      },
      ...(s.attempt ? { extensions: { 'https://kairos.dev/xapi/extensions/attempt': s.attempt } } : {}),
    },
    timestamp: minute(s.at),
  } as Statement;
}

/** An `answered` statement. */
export const answered = (s: Step) => statement('answered', s);

/** A deterministic shuffle (a seeded LCG), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The hand-computed course of the analytics tests (docs/analytics.md works the same example):
 * - ann: q1 right, q2 right, q3 right (q3 is a `maitrise` activity)
 * - bob: q1 wrong ×3 → struggling on q1
 * - cat: q1 wrong, then right
 * - dan: q1 right
 * - eve: q1 wrong ×5 → stuck on q1
 * q1 and q2 are aligned to one competency through the statements' objectives.
 */
const objectives = [COMPETENCY];
export const HAND_COURSE: Step[] = [
  { who: 'ann', activity: act(1), at: 0, success: true, seconds: 20, attempt: 1, objectives },
  { who: 'ann', activity: act(2), at: 2, success: true, seconds: 30, attempt: 1, objectives },
  { who: 'ann', activity: act(3), at: 4, success: true, seconds: 40, attempt: 1, level: 'maitrise' },
  ...[1, 3, 5].map((at, i) => ({
    who: 'bob',
    activity: act(1),
    at,
    success: false,
    seconds: 5,
    attempt: i + 1,
    objectives,
  })),
  { who: 'cat', activity: act(1), at: 1, success: false, seconds: 10, attempt: 1, objectives },
  { who: 'cat', activity: act(1), at: 2, success: true, seconds: 10, attempt: 2, objectives },
  { who: 'dan', activity: act(1), at: 1, success: true, seconds: 20, attempt: 1, objectives },
  ...[2, 3, 4, 6, 8].map((at, i) => ({
    who: 'eve',
    activity: act(1),
    at,
    success: false,
    seconds: 30,
    attempt: i + 1,
    objectives,
  })),
];
