import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Projector } from '../../packages/server/src/analytics/projection/projector.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { simulateClass } from '../../packages/server/src/simulator/index.js';
import { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { MemoryCache } from '../../packages/server/src/storage/cache/memory.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPostgres, type SqlDatabase } from '../../packages/server/src/storage/sql/database.js';
import type { Stores } from '../../packages/server/src/storage/types.js';
import { store } from '../support/learning.js';
import { dumpProjection } from '../support/projection-dump.js';
import { freshPostgresSchema, serviceUrl } from '../support/services.js';

// Projector kill (issue 12, "Fault tests"): a projector process is killed with -9 mid-batch, several times,
// then run to the end: the aggregates equal those of an uninterrupted run, every statement counted once.
// KAIROS_FAULTS_LONG=1 projects a larger class and kills it more often.
const LONG = process.env.KAIROS_FAULTS_LONG === '1';
const KILLS = LONG ? 12 : 4;

const CHILD = fileURLToPath(new URL('../support/projector-process.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A projector process on `tenant`; `lines` collects its log lines. */
function projectorProcess(url: string, tenant: string) {
  const child: ChildProcess = spawn(process.execPath, ['--import', TSX, CHILD], {
    env: { ...process.env, DATABASE_URL: url, TENANT: tenant, BATCH: '40' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: { msg: string; after?: string }[] = [];
  let buffer = '';
  let err = '';
  const waiters: { test: (l: { msg: string }) => boolean; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      try {
        const l = JSON.parse(line) as { msg: string; after?: string };
        lines.push(l);
        for (const w of waiters.splice(0))
          if (w.test(l)) w.resolve();
          else waiters.push(w);
      } catch {}
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    /** Resolves at the next log line matching `test`. */
    next: (test: (l: { msg: string }) => boolean) =>
      new Promise<void>((resolve) => waiters.push({ test, resolve })),
  };
}

describe('the projection across processes (PostgreSQL)', () => {
  let db: SqlDatabase;
  let stores: Stores;
  let url: string;
  let drop: () => Promise<void>;
  let total = 0;
  const sim = simulateClass({
    seed: 11,
    learners: LONG ? 60 : 24,
    days: LONG ? 28 : 14,
    start: new Date('2026-02-02T08:00:00Z'),
  });

  beforeAll(
    async () => {
      const base = await serviceUrl('postgres');
      if (!base) throw new Error('PostgreSQL must run (test/services/up)');
      const schema = await freshPostgresSchema(base);
      url = schema.url;
      drop = schema.drop;
      db = await openPostgres(url, { max: 4 });
      const record = new SqlRecordStore(db, false);
      const analytics = new SqlAnalyticsStore(db, false);
      await record.migrate();
      await analytics.migrate();
      stores = { record, analytics, cache: new MemoryCache(), close: async () => {} };
      const all = [...sim.statements()];
      total = all.length;
      for (const tenant of ['clean', 'killed', 'twin']) {
        for (let i = 0; i < all.length; i += 400) await store(stores, tenant, all.slice(i, i + 400));
      }
      const projector = new Projector(stores, {
        horizon: () => new Date(Date.now() + 1000),
        settleMs: 0,
        batchSize: 40,
        logger: createLogger('silent'),
      });
      await projector.settle('clean');
    },
    LONG ? 600_000 : 120_000,
  );
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  const position = async (tenant: string) =>
    (await stores.analytics.projection.generations(tenant)).find((g) => g.state === 'active');

  it(
    'gives the aggregates of an uninterrupted run after kill -9 mid-batch and a restart, several times over',
    async () => {
      let midBatch = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const p = projectorProcess(url, 'killed');
        // let it commit a few batches, then kill it while the next one is in flight
        for (let b = 0; b < 3; b++)
          await Promise.race([p.next((l) => l.msg === 'projection batch'), p.exited]);
        if (p.child.exitCode !== null) break; // it finished before: nothing left to interrupt
        const inFlight = p.lines.filter((l) => l.msg === 'projection batch').at(-1)!;
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 8)));
        p.child.kill('SIGKILL');
        await p.exited;
        // the batch in flight either committed whole (its checkpoint moved past it) or left nothing
        const g = await position('killed');
        if (g?.position === inFlight.after) midBatch++;
      }
      const last = projectorProcess(url, 'killed');
      await Promise.race([last.next((l) => l.msg === 'settled'), last.exited]);
      expect(last.stderr()).toBe('');
      await last.exited;
      expect(midBatch).toBeGreaterThan(0);
      expect(await dumpProjection(stores, 'killed')).toEqual(await dumpProjection(stores, 'clean'));
      // every statement counted once: the checkpoint's count is the number of statements
      expect((await position('killed'))!.statements).toBe(total);
      console.log(
        `projector kill ×${KILLS} (${midBatch} mid-batch): statements ${total}, projected ${(await position('killed'))!.statements}, ` +
          `lost 0, twice 0; aggregates equal to an uninterrupted run`,
      );
    },
    LONG ? 600_000 : 120_000,
  );

  it(
    'gives the aggregates of one projector when two processes project the same tenant',
    async () => {
      const a = projectorProcess(url, 'twin');
      const b = projectorProcess(url, 'twin');
      await Promise.all([a.exited, b.exited]);
      expect([a.stderr(), b.stderr()]).toEqual(['', '']);
      expect(await dumpProjection(stores, 'twin')).toEqual(await dumpProjection(stores, 'clean'));
      expect((await position('twin'))!.statements).toBe(total);
      // both took part, one batch at a time
      const batches = (p: typeof a) => p.lines.filter((l) => l.msg === 'projection batch').length;
      expect(batches(a) + batches(b)).toBeGreaterThan(0);
    },
    LONG ? 600_000 : 120_000,
  );
});
