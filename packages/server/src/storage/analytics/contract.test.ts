import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresSchema, serviceUrl } from '../../../../../test/support/services.js';
import { openPglite, openPostgres } from '../sql/database.js';
import { SqlAnalyticsStore } from './sql/analytics-store.js';
import type { AnalyticsStore } from './types.js';

function analyticsContract(
  name: string,
  open: () => Promise<{ store: AnalyticsStore; done(): Promise<void> } | undefined>,
) {
  describe(`AnalyticsStore contract: ${name}`, () => {
    let opened: { store: AnalyticsStore; done(): Promise<void> };
    beforeAll(async () => {
      const o = await open();
      if (!o) throw new Error(`${name}: no store`);
      opened = o;
      await opened.store.migrate();
      await opened.store.migrate();
    });
    afterAll(async () => {
      await opened?.store.close();
      await opened?.done();
    });

    it('numbers generations per tenant, the first active', async () => {
      const p = opened.store.projection;
      await opened.store.ping();
      expect(await p.generations('t1')).toEqual([]);
      const first = await p.createGeneration('t1', 'active');
      const second = await p.createGeneration('t1', 'building');
      expect([first.gen, first.state, second.gen, second.state]).toEqual([1, 'active', 2, 'building']);
      expect((await p.createGeneration('t2', 'active')).gen).toBe(1);
      expect((await p.generations('t1')).map((g) => g.gen)).toEqual([2, 1]);
      expect(await p.tenants()).toEqual(expect.arrayContaining(['t1', 't2']));
    });

    it('commits a batch and its checkpoint together, or neither', async () => {
      const p = opened.store.projection;
      const gen = await p.createGeneration('t3', 'active');
      await p.withLock('t3', (tx) => tx.savePosition(gen.gen, '01900000-0000-7000-8000-000000000001', 5));
      await expect(
        p.withLock('t3', async (tx) => {
          await tx.savePosition(gen.gen, '01900000-0000-7000-8000-000000000002', 5);
          throw new Error('killed mid-batch');
        }),
      ).rejects.toThrow('killed mid-batch');
      const [g] = await p.generations('t3');
      expect([g!.position, g!.statements]).toEqual(['01900000-0000-7000-8000-000000000001', 5]);
    });

    it('lets one projector at a time hold a tenant', async () => {
      const p = opened.store.projection;
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const first = p.withLock('t4', () => held.then(() => 'first'));
      if (opened.store.backend === 'postgres') {
        // another connection finds the lock taken, at once
        await new Promise((r) => setTimeout(r, 50));
        expect(await p.withLock('t4', async () => 'second')).toEqual({ ran: false });
        expect(await p.withLock('t5', async () => 'other tenant')).toEqual({
          ran: true,
          value: 'other tenant',
        });
        release();
      } else {
        // embedded PGlite is one connection: the next transaction waits for it, then finds the lock free
        const second = p.withLock('t4', async () => 'second');
        release();
        expect(await second).toEqual({ ran: true, value: 'second' });
      }
      expect(await first).toEqual({ ran: true, value: 'first' });
    });

    it('runs exclusive work once at a time, and that work can use the store', async () => {
      const store = opened.store;
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const first = store.exclusive('collect', async () => {
        await held;
        // the store answers inside (on PGlite the one session is not held by the lock)
        return (await store.projection.generations('t1')).length;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(await store.exclusive('collect', async () => 'second')).toEqual({ ran: false });
      expect(await store.exclusive('other', async () => 'other')).toEqual({ ran: true, value: 'other' });
      release();
      expect(await first).toEqual({ ran: true, value: (await store.projection.generations('t1')).length });
      expect(await store.exclusive('collect', async () => 'again')).toEqual({ ran: true, value: 'again' });
    });
  });
}

analyticsContract('PGlite', async () => {
  const db = await openPglite('memory://');
  return { store: new SqlAnalyticsStore(db), done: async () => {} };
});

analyticsContract('PostgreSQL', async () => {
  const base = await serviceUrl('postgres');
  if (!base) return undefined;
  const schema = await freshPostgresSchema(base);
  return { store: new SqlAnalyticsStore(await openPostgres(schema.url)), done: () => schema.drop() };
});
