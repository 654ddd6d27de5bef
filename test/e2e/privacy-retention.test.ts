import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { localOperations } from '../../packages/server/src/admin/operations.js';
import { Projector } from '../../packages/server/src/analytics/projection/projector.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { RETENTION_LOCK, runRetention } from '../../packages/server/src/privacy/retention.js';
import { MemoryCache } from '../../packages/server/src/storage/cache/memory.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite } from '../../packages/server/src/storage/sql/database.js';
import type { Stores } from '../../packages/server/src/storage/types.js';
import { dumpProjection } from '../support/projection-dump.js';
import { recordStoreFactories } from '../support/record-stores.js';
import { startAppOn, storesOf, TEST_SECRET } from '../support/stores-app.js';

// `kairos retention` on each record backend (PGlite; PostgreSQL; MongoDB/FerretDB with the analytics in
// PGlite). Statements are written through the real import path under a clock set in the past, so their
// `stored` (and the documents' `updated`) are chosen dates. Tenant t1 keeps 6 months; on 2025-12-20 12:00Z
// its cutoff is 2025-06-20 12:00Z (hand-computed). Tenant t2 has no setting: it is never touched.

const OLD = '2025-01-15T10:00:00.000Z'; // stored before the cutoff
const NEW = '2025-09-15T10:00:00.000Z'; // stored after it
const NOW = new Date('2025-12-20T12:00:00.000Z');
const CUTOFF = '2025-06-20T12:00:00.000Z';
const HOME = 'https://lms.example';
const COURSE = 'https://school.example/course/alpha';
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';
const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const orphanContent = Buffer.from('drawing only an old statement declares');
const sharedContent = Buffer.from('essay an old and a new statement declare');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const agentKeyOf = (name: string) => `account:${HOME}|${name}`;

function attachmentOf(content: Buffer) {
  return {
    usageType: 'http://id.tincanapi.com/attachment/supporting_media',
    display: { en: 'work' },
    contentType: 'text/plain',
    length: content.length,
    sha2: sha(content),
    fileUrl: `https://files.example/${sha(content)}`,
  };
}

function statement(who: string, verb: string, activity: string, extra: Record<string, unknown>, ts: string) {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: HOME, name: who } },
    verb: { id: verb },
    object: { id: `${COURSE}/${activity}` },
    context: { contextActivities: { grouping: [{ id: COURSE }] } },
    timestamp: ts,
    ...extra,
  };
}

/** t1's statements: 4 stored before the cutoff, 4 after (one of which voids an old one). */
function fixture() {
  const old = [
    statement('ann', ANSWERED, 'q1', { result: { success: true, score: { scaled: 1 } } }, OLD),
    statement('ann', ANSWERED, 'q2', { result: { success: false, score: { scaled: 0 } } }, OLD),
    statement(
      'bob',
      ANSWERED,
      'q1',
      { result: { success: true }, attachments: [attachmentOf(orphanContent)] },
      OLD,
    ),
    statement(
      'bob',
      COMPLETED,
      'essay',
      { result: { completion: true }, attachments: [attachmentOf(sharedContent)] },
      OLD,
    ),
  ];
  const voiding = {
    id: randomUUID(),
    actor: { account: { homePage: HOME, name: 'ann' } },
    verb: { id: VOIDED },
    object: { objectType: 'StatementRef', id: old[1]!.id },
    timestamp: NEW,
  };
  const kept = [
    statement('ann', ANSWERED, 'q3', { result: { success: true, score: { scaled: 0.5 } } }, NEW),
    statement(
      'bob',
      ANSWERED,
      'q2',
      { result: { success: true }, attachments: [attachmentOf(sharedContent)] },
      NEW,
    ),
    statement('carol', ANSWERED, 'q1', { result: { success: false } }, NEW),
  ];
  return { old, voiding, kept, t2: old.slice(0, 2).map((s) => ({ ...s, id: randomUUID() })) };
}

const projectorOf = (stores: Stores) =>
  new Projector(stores, {
    horizon: () => new Date(Date.now() + 60_000),
    settleMs: 0,
    logger: createLogger('silent'),
  });
const opsOf = (stores: Stores) =>
  localOperations(stores, 'http://lrs.test', undefined, TEST_SECRET, projectorOf(stores));

/** Runs `fn` with the clock at `iso` (Date only, still ticking: drivers keep their real timers). */
async function at<T>(iso: string, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(iso));
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}
afterEach(() => vi.useRealTimers());

const doc = (id: string, agent = 'ann') => ({
  kind: 'state' as const,
  activityId: `${COURSE}/q1`,
  agentKey: agentKeyOf(agent),
  registration: '',
  id,
});
const json = (v: unknown) => ({ contentType: 'application/json', content: Buffer.from(JSON.stringify(v)) });

async function seed(stores: Stores, f: ReturnType<typeof fixture>): Promise<void> {
  const ops = opsOf(stores);
  await at(OLD, async () => {
    await ops.importStatements('t1', f.old, '2.0.0');
    await ops.importStatements('t2', f.t2, '2.0.0');
    await stores.record.attachments.put('t1', [
      { sha2: sha(orphanContent), contentType: 'text/plain', content: orphanContent },
      { sha2: sha(sharedContent), contentType: 'text/plain', content: sharedContent },
    ]);
    await stores.record.documents.put('t1', doc('old-bookmark'), json({ page: 1 }));
    await stores.record.documents.put('t1', doc('updated-bookmark'), json({ page: 2 }));
    await stores.record.documents.put('t2', doc('old-bookmark'), json({ page: 1 }));
  });
  await at(NEW, async () => {
    await ops.importStatements('t1', [f.voiding, ...f.kept], '2.0.0');
    await stores.record.documents.put('t1', doc('new-bookmark', 'bob'), json({ page: 3 }));
    await stores.record.documents.put('t1', doc('updated-bookmark'), json({ page: 4 }));
  });
  for (const t of ['t1', 't2']) await projectorOf(stores).settle(t);
}

const docIds = async (stores: Stores, tenantId: string) =>
  (
    await Promise.all(
      ['ann', 'bob'].map((a) =>
        stores.record.documents.listIds(tenantId, {
          kind: 'state',
          activityId: `${COURSE}/q1`,
          agentKey: agentKeyOf(a),
        }),
      ),
    )
  )
    .flat()
    .sort();

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe.each(recordStoreFactories)('kairos retention on %s', (_name, recordStore) => {
  it('a dry run counts, a run purges what is older than the cutoff and recomputes the figures', {
    timeout: 90_000,
  }, async () => {
    const record = await recordStore();
    if (!record) return;
    const stores = await storesOf(record, new MemoryCache());
    cleanups.push(() => stores.close());
    const f = fixture();
    await seed(stores, f);
    const ops = opsOf(stores);
    expect(await stores.record.statements.count('t1')).toBe(8);
    expect(await docIds(stores, 't1')).toEqual(['new-bookmark', 'old-bookmark', 'updated-bookmark']);

    // bad input: a clear error, nothing stored
    await expect(ops.setRetention('nobody', 6)).rejects.toMatchObject({
      code: 'usage',
      message: /unknown tenant "nobody"/,
    });
    await expect(ops.setRetention('t1', 0)).rejects.toMatchObject({ code: 'usage', message: /--months/ });
    await expect(ops.runRetention({ tenantId: 't1' })).rejects.toMatchObject({
      code: 'usage',
      message: /no retention setting/,
    });
    expect(await ops.retentionStatus()).toEqual([]);

    await ops.setRetention('t1', 6);
    const projector = projectorOf(stores);
    const dry = await runRetention(stores, projector, { dryRun: true, now: NOW });
    // 4 old statements + the voiding one stored later but about one of them; 1 document not updated since
    expect(dry.tenants).toEqual([
      {
        tenantId: 't1',
        months: 6,
        cutoff: CUTOFF,
        statements: 5,
        documents: 1,
        attachments: null,
        reprojected: false,
        cacheKeys: 0,
      },
    ]);
    expect(await stores.record.statements.count('t1')).toBe(8);
    expect(await docIds(stores, 't1')).toEqual(['new-bookmark', 'old-bookmark', 'updated-bookmark']);
    expect(await stores.record.attachments.get('t1', [sha(orphanContent)])).toHaveLength(1);

    // one run at a time: a run while another holds the lock is refused, nothing deleted
    const busy = await stores.analytics.exclusive(RETENTION_LOCK, () =>
      runRetention(stores, projector, { now: NOW }).catch((e) => e as { code: string }),
    );
    expect(busy).toMatchObject({ ran: true, value: { code: 'retention_busy' } });
    expect(await stores.record.statements.count('t1')).toBe(8);

    const t2Dump = await dumpProjection(stores, 't2');
    const progress: string[] = [];
    const run = await runRetention(stores, projector, { now: NOW, onProgress: (l) => progress.push(l) });
    expect(run.tenants).toEqual([
      {
        tenantId: 't1',
        months: 6,
        cutoff: CUTOFF,
        statements: 5,
        documents: 1,
        attachments: 1,
        reprojected: true,
        cacheKeys: 0,
      },
    ]);
    expect(progress.join('\n')).toMatch(/t1: 5 statements, 1 documents, 1 attachments purged/);
    // exactly the statements stored after the cutoff remain
    const remaining = await stores.record.eraser!.select(
      't1',
      { kind: 'before', stored: '9999-01-01T00:00:00Z' },
      [],
      100,
    );
    expect(remaining.map((s) => s.id).sort()).toEqual(f.kept.map((s) => s.id).sort());
    expect(await docIds(stores, 't1')).toEqual(['new-bookmark', 'updated-bookmark']);
    expect(await stores.record.attachments.get('t1', [sha(orphanContent)])).toEqual([]);
    expect(await stores.record.attachments.get('t1', [sha(sharedContent)])).toHaveLength(1);

    // tenant t2 (no setting) is untouched: its old statements, document and figures
    expect(await stores.record.statements.count('t2')).toBe(2);
    expect(await docIds(stores, 't2')).toEqual(['old-bookmark']);
    expect(await dumpProjection(stores, 't2')).toEqual(t2Dump);

    // course figures = a projection of the remaining statements only, on fresh stores
    const fresh = await storesOf(new SqlRecordStore(await openPglite('memory://')), new MemoryCache());
    await opsOf(fresh).importStatements('t1', f.kept, '2.0.0');
    await projectorOf(fresh).settle('t1');
    const dump = await dumpProjection(stores, 't1');
    expect(dump.facts).toHaveLength(3);
    expect(dump).toEqual(await dumpProjection(fresh, 't1'));
    await fresh.close();

    // a second run finds nothing, recomputes nothing; the last run is recorded
    const again = await runRetention(stores, projector, { now: NOW });
    expect(again.tenants[0]).toMatchObject({
      statements: 0,
      documents: 0,
      attachments: 0,
      reprojected: false,
    });
    expect(await dumpProjection(stores, 't1')).toEqual(dump);
    const [status] = await ops.retentionStatus();
    expect(status).toMatchObject({ tenantId: 't1', months: 6, lastRun: { cutoff: CUTOFF, statements: 0 } });

    // the audit log: setting, dry run and run with their counts (runs here through the ops)
    await ops.runRetention({ tenantId: 't1', dryRun: true });
    const audit = (await ops.audit({ tenantId: 't1' })).filter((e) => e.action.startsWith('retention'));
    expect(audit.map((e) => e.action)).toEqual(['retention.set', 'retention-dry-run']);
    expect(audit[1]!.details).toMatchObject({ tenants: [{ tenantId: 't1', months: 6 }] });
    expect(await ops.clearRetention('t1')).toBe(true);
    expect(await ops.clearRetention('t1')).toBe(false);
    expect(await ops.retentionStatus()).toEqual([]);
  });

  it('a run stopped after the statements went finishes with the next one (reprojection included)', {
    timeout: 90_000,
  }, async () => {
    const record = await recordStore();
    if (!record) return;
    const stores = await storesOf(record, new MemoryCache());
    cleanups.push(() => stores.close());
    const f = fixture();
    await seed(stores, f);
    await opsOf(stores).setRetention('t1', 6);
    const projector = projectorOf(stores);
    // the reprojection fails once (a store outage, a kill): the statements are gone, the figures stale
    const reproject = projector.reproject.bind(projector);
    projector.reproject = async () => {
      throw new Error('store went away');
    };
    await expect(runRetention(stores, projector, { now: NOW })).rejects.toThrow('store went away');
    expect(await stores.record.statements.count('t1')).toBe(3);
    projector.reproject = reproject;
    const resumed = await runRetention(stores, projector, { now: NOW });
    expect(resumed.tenants[0]).toMatchObject({ statements: 0, reprojected: true });
    const fresh = await storesOf(new SqlRecordStore(await openPglite('memory://')), new MemoryCache());
    await opsOf(fresh).importStatements('t1', f.kept, '2.0.0');
    await projectorOf(fresh).settle('t1');
    expect(await dumpProjection(stores, 't1')).toEqual(await dumpProjection(fresh, 't1'));
    await fresh.close();
  });
});

describe("the server's retention job", () => {
  it('purges a tenant past its retention shortly after start, audited as the job, and stops at shutdown', {
    timeout: 60_000,
  }, async () => {
    const stores = await storesOf(new SqlRecordStore(await openPglite('memory://')), new MemoryCache());
    cleanups.push(() => stores.close());
    const f = fixture();
    // relative to the real clock: the job computes its cutoff from now (12 months ago)
    const yearsAgo = new Date(Date.now() - 2 * 365 * 86_400_000).toISOString();
    await at(yearsAgo, () => opsOf(stores).importStatements('t1', f.old, '2.0.0'));
    await opsOf(stores).importStatements('t1', f.kept, '2.0.0');
    await opsOf(stores).setRetention('t1', 12);
    const app = await startAppOn(stores, { env: { KAIROS_RETENTION_INTERVAL_MS: '1000' } });
    const started = Date.now();
    while ((await stores.record.statements.count('t1')) > 3 && Date.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 100));
    await app.close();
    expect(await stores.record.statements.count('t1')).toBe(3);
    const entries = (await opsOf(stores).audit({ tenantId: 't1' })).filter((e) => e.action === 'retention');
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries[0]).toMatchObject({
      actor: 'server (retention job)',
      tenantId: '*',
      details: { tenants: [{ tenantId: 't1', months: 12, statements: 4, documents: 0 }] },
    });
    // stopped with the app: no check runs after close
    const count = (await opsOf(stores).audit({})).filter((e) => e.action === 'retention').length;
    await new Promise((r) => setTimeout(r, 2500));
    expect((await opsOf(stores).audit({})).filter((e) => e.action === 'retention').length).toBe(count);
  });
});
