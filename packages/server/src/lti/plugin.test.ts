import { afterAll, describe, expect, it } from 'vitest';
import { recordStoreFactories } from '../../../../test/support/record-stores.js';
import type { RecordStore } from '../storage/types.js';
import { ltijsPlugin } from './plugin.js';

for (const [backend, make] of recordStoreFactories) {
  describe(`ltijs plugin on ${backend}`, async () => {
    const store: RecordStore | undefined = await make();
    afterAll(async () => store?.close());
    it.skipIf(!store)(
      'stores, finds, replaces, modifies and deletes ltijs items; seals keys; expires nonces',
      async () => {
        await store!.migrate();
        const db = ltijsPlugin(store!.keyed);
        expect(await db.Get(false, 'platform', { platformUrl: 'https://lms' })).toBe(false);
        await db.Insert(false, 'platform', {
          platformUrl: 'https://lms',
          clientId: 'a',
          kid: 'k1',
          authConfig: { method: 'JWK_SET' },
        });
        await db.Insert(false, 'platform', { platformUrl: 'https://lms', clientId: 'b', kid: 'k2' });
        expect(await db.Get(false, 'platform', { platformUrl: 'https://lms' })).toHaveLength(2);
        const [a] = (await db.Get(false, 'platform', {
          platformUrl: 'https://lms',
          clientId: 'a',
        })) as Record<string, unknown>[];
        expect(a).toMatchObject({ kid: 'k1', authConfig: { method: 'JWK_SET' } });
        expect(a!.createdAt).toBeInstanceOf(Date);
        await db.Modify(false, 'platform', { kid: 'k1' }, { platformName: 'Moodle' });
        expect(await db.Get(false, 'platform', { platformName: 'Moodle' })).toHaveLength(1);
        await db.Replace(false, 'platformStatus', { id: 'k1' }, { id: 'k1', active: false });
        await db.Replace(false, 'platformStatus', { id: 'k1' }, { id: 'k1', active: true });
        expect(await db.Get(false, 'platformStatus', { id: 'k1' })).toEqual([
          expect.objectContaining({ active: true }),
        ]);

        await db.Insert(
          'seal-key',
          'privatekey',
          { key: 'PEM', kid: 'k1' },
          { kid: 'k1', platformUrl: 'https://lms', clientId: 'a' },
        );
        const raw = await store!.keyed.find('ltijs:privatekey', { kid: 'k1' });
        expect(JSON.stringify(raw[0]!.data)).not.toContain('PEM');
        expect(await db.Get('seal-key', 'privatekey', { kid: 'k1' })).toEqual([
          expect.objectContaining({ key: 'PEM' }),
        ]);
        await expect(db.Get('wrong-key', 'privatekey', { kid: 'k1' })).rejects.toThrow();

        const past = ltijsPlugin(store!.keyed, () => new Date(Date.now() - 3_600_000));
        await past.Insert(false, 'nonce', { nonce: 'old' });
        await db.Insert(false, 'nonce', { nonce: 'new' });
        expect(await db.Get(false, 'nonce', { nonce: 'old' })).toBe(false);
        expect(await db.Get(false, 'nonce', { nonce: 'new' })).toHaveLength(1);
        expect(await store!.keyed.deleteExpired(new Date().toISOString())).toBeGreaterThanOrEqual(1);

        await db.Delete('platform', { platformUrl: 'https://lms' });
        expect(await db.Get(false, 'platform')).toBe(false);
      },
    );
  });
}
