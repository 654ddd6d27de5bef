import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../../storage/record/contract.js';
import { SqlRecordStore } from '../../storage/record/sql/record-store.js';
import { openPglite } from '../../storage/sql/database.js';
import type { StatementRecord, StatementRepository } from '../../storage/types.js';
import { InsertCoalescer } from './coalescer.js';

describe('InsertCoalescer (group commit)', () => {
  let store: SqlRecordStore;
  let calls: number[];
  let spy: StatementRepository;
  beforeAll(async () => {
    store = new SqlRecordStore(await openPglite('memory://'));
    await store.migrate();
    spy = {
      ...store.statements,
      insert: (tenantId: string, records: StatementRecord[]) => {
        calls.push(records.length);
        return store.statements.insert(tenantId, records);
      },
      get: store.statements.get.bind(store.statements),
      query: store.statements.query.bind(store.statements),
      count: store.statements.count.bind(store.statements),
    };
  });
  afterAll(async () => store?.close());

  it('writes a lone request at once and combines the requests that wait behind it', async () => {
    calls = [];
    const coalescer = new InsertCoalescer(spy);
    const tenant = `t-${randomUUID()}`;
    const batches = Array.from({ length: 20 }, () => [record(tenant)]);
    const outcomes = await Promise.all(batches.map((b) => coalescer.insert(tenant, b)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    for (const [i, o] of outcomes.entries()) {
      expect(o).toEqual({ ok: true, inserted: [batches[i]![0]!.id], duplicates: [] });
    }
    expect(calls.slice(0, 4)).toEqual([1, 1, 1, 1]); // the first ones went at once
    expect(calls.length).toBeLessThan(20); // the rest were grouped
    expect(calls.reduce((a, b) => a + b, 0)).toBe(20);
    expect(await store.statements.count(tenant)).toBe(20);
  });

  it('refuses only the conflicting request of a group, and reports duplicates to their own request', async () => {
    calls = [];
    const coalescer = new InsertCoalescer(spy);
    const tenant = `t-${randomUUID()}`;
    const existing = record(tenant);
    await store.statements.insert(tenant, [existing]);
    const first = [record(tenant)];
    const clash = [record(tenant, { id: existing.id, signature: 'different' })];
    const resend = [record(tenant, { id: existing.id, signature: existing.signature })];
    const fresh = [record(tenant), record(tenant)];
    const [a, b, c, d] = await Promise.all(
      [first, clash, resend, fresh].map((r) => coalescer.insert(tenant, r)),
    );
    expect(a).toEqual({ ok: true, inserted: [first[0]!.id], duplicates: [] });
    expect(b).toEqual({ ok: false, conflicts: [existing.id] });
    expect(c).toEqual({ ok: true, inserted: [], duplicates: [existing.id] });
    expect(d).toMatchObject({ ok: true, inserted: fresh.map((r) => r.id) });
    expect(await store.statements.count(tenant)).toBe(4); // existing + first + 2 fresh; nothing of the clash
  });

  it('rejects every request of a group when the store fails', async () => {
    const failing = { ...spy, insert: async () => Promise.reject(new Error('database down')) };
    const coalescer = new InsertCoalescer(failing);
    const results = await Promise.allSettled([1, 2, 3].map(() => coalescer.insert('t', [record('t')])));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });
});
