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

    it('moves checkpoints forward only, per tenant', async () => {
      const s = opened.store;
      await s.ping();
      expect(await s.getCheckpoint('t1', 'projection')).toBeUndefined();
      await s.saveCheckpoint('t1', 'projection', '0190-b');
      await s.saveCheckpoint('t1', 'projection', '0190-a');
      expect((await s.getCheckpoint('t1', 'projection'))!.position).toBe('0190-b');
      await s.saveCheckpoint('t1', 'projection', '0190-c');
      expect((await s.getCheckpoint('t1', 'projection'))!.position).toBe('0190-c');
      expect(await s.getCheckpoint('t2', 'projection')).toBeUndefined();
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
