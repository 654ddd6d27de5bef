/**
 * The live projection's cost per pass, query by query: `node scripts/run-ts.mjs
 * packages/server/bench/live-projection.ts [CHUNK=25] [PASSES=200] [SEEDED=5000]` (from the repo root;
 * `NO_ANALYZE=1` leaves the planner without statistics, as on the test services whose autovacuum is off;
 * `EXPLAIN=N` prints `EXPLAIN (ANALYZE, BUFFERS)` of the N costliest statements). Documented in
 * docs/benchmarks.md ("Live projection").
 *
 * In a scratch PostgreSQL database: SEEDED statements of the soak's shape (4 courses, 200 learners,
 * 4 sequences × 8 items) stored and settled from zero in bulk (timed), then PASSES times: CHUNK new
 * statements stored, then one `Projector.catchUp` — the live path, woken per POST. Prints the time per
 * pass and, per SQL statement (by its first 90 characters), the milliseconds per pass and the calls.
 */
import { validateStatement } from '@kairos/xapi';
import pg from 'pg';
import { Projector } from '../src/analytics/projection/projector.js';
import { createLogger } from '../src/logger.js';
import { prepareStatement } from '../src/lrs/statements/prepare.js';
import { SqlAnalyticsStore } from '../src/storage/analytics/sql/analytics-store.js';
import { MemoryCache } from '../src/storage/cache/memory.js';
import { announceStored } from '../src/storage/record/announce.js';
import { SqlRecordStore } from '../src/storage/record/sql/record-store.js';
import { openPostgres } from '../src/storage/sql/database.js';
import type { Stores } from '../src/storage/types.js';
import { soakStatement } from './soak-statements.js';
import * as B from './support.js';

const stats = new Map<string, { n: number; ms: number; text?: string; values?: unknown }>();
let on = false;
const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
const orig = proto.query;
proto.query = function (this: unknown, ...args: unknown[]) {
  const t = performance.now();
  const first = args[0] as string | { text?: string };
  const text = typeof first === 'string' ? first : (first?.text ?? '?');
  const key = text.replace(/\s+/g, ' ').slice(0, 90);
  const done = () => {
    const s = stats.get(key) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += performance.now() - t;
    s.text = text;
    s.values = typeof first === 'string' ? args[1] : (first as { values?: unknown }).values;
    stats.set(key, s);
  };
  const last = args[args.length - 1];
  if (on && typeof last === 'function') {
    args[args.length - 1] = (...a: unknown[]) => {
      done();
      return (last as (...x: unknown[]) => unknown)(...a);
    };
  }
  const r = orig.apply(this, args) as Promise<unknown>;
  if (on && r && typeof r.then === 'function') r.then(done, done);
  return r;
};

const statement = () => soakStatement(200);
const TENANT = 'default';
const AUTHORITY = {
  objectType: 'Agent' as const,
  account: { homePage: 'http://kairos.bench', name: 'bench' },
};
const records = (n: number) =>
  Array.from({ length: n }, () =>
    prepareStatement(validateStatement(statement(), { version: '2.0.0' }), {
      tenantId: TENANT,
      authority: AUTHORITY,
      version: '2.0.0',
      now: Date.now(),
    }),
  );

const chunk = Number(process.argv[2] ?? 25);
const passes = Number(process.argv[3] ?? 200);
const pre = Number(process.argv[4] ?? 5000);
const db0 = await B.scratchPostgres();
try {
  const db = await openPostgres(db0.url, { max: 8 });
  const record = new SqlRecordStore(db, false);
  const analytics = new SqlAnalyticsStore(db, false);
  const cache = new MemoryCache();
  await record.migrate();
  await analytics.migrate();
  const stores: Stores = { record: announceStored(record, cache), analytics, cache, close: async () => {} };
  const projector = new Projector(stores, {
    horizon: () => new Date(Date.now() + 1000),
    settleMs: 0,
    logger: createLogger('warn'),
  });
  for (let i = 0; i < pre; i += 1000) await stores.record.statements.insert(TENANT, records(1000));
  const s0 = performance.now();
  const timer = setInterval(
    () => console.log(`  … ${projector.projected} at ${Math.round((performance.now() - s0) / 1000)} s`),
    30_000,
  );
  await projector.settle(TENANT);
  clearInterval(timer);
  console.log(
    `bulk settle of ${pre} from zero, no statistics: ${Math.round((performance.now() - s0) / 1000)} s, ${Math.round(pre / ((performance.now() - s0) / 1000))} statements/s`,
  );
  if (!process.env.NO_ANALYZE) await db.pool.query('ANALYZE');
  on = true;
  const t0 = performance.now();
  let busy = 0;
  for (let p = 0; p < passes; p++) {
    await stores.record.statements.insert(TENANT, records(chunk));
    const t = performance.now();
    await projector.catchUp(TENANT);
    busy += performance.now() - t;
  }
  const t1 = performance.now();
  await projector.settle(TENANT);
  const settleMs = performance.now() - t1;
  const wall = performance.now() - t0;
  on = false;
  console.log(
    `projected in passes ${projector.projected}; final settle ${Math.round(settleMs)} ms; overall ${Math.round((chunk * passes) / (wall / 1000))} statements/s`,
  );
  console.log(
    `chunk ${chunk} × ${passes} passes: ${(busy / passes).toFixed(1)} ms per pass (${Math.round((chunk * passes) / (busy / 1000))} statements/s of projection time), wall ${Math.round(wall)} ms`,
  );
  const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
  for (const [k, s] of rows)
    console.log(`${(s.ms / passes).toFixed(2).padStart(7)} ms/pass ${String(s.n).padStart(6)}× ${k}`);
  await new Promise((r) => setTimeout(r, 1500));
  if (process.env.EXPLAIN) {
    for (const [k, st] of rows
      .filter(([k]) => !/^(COMMIT|BEGIN)/.test(k))
      .slice(0, Number(process.env.EXPLAIN))) {
      const c = await db.pool.connect();
      try {
        await c.query('BEGIN');
        const plan = await c.query<Record<string, string>>(
          `EXPLAIN (ANALYZE, BUFFERS) ${st.text}`,
          st.values as unknown[],
        );
        console.log(`\n### ${k}\n${plan.rows.map((r) => Object.values(r)[0]).join('\n')}`);
      } catch (e) {
        console.log(`explain failed ${k}: ${e}`);
      } finally {
        await c.query('ROLLBACK').catch(() => {});
        c.release();
      }
    }
  }
  await projector.stop();
  await db.close();
} finally {
  await db0.drop();
}
