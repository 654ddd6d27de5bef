import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresSchema, randomName, serviceUrl } from '../../../../test/support/services.js';
import { type AppOnStores, startAppOn, storesOf } from '../../../../test/support/stores-app.js';
import { localOperations } from '../admin/operations.js';
import { RedisCache } from '../storage/cache/redis.js';
import { SqlRecordStore } from '../storage/record/sql/record-store.js';
import { openPostgres } from '../storage/sql/database.js';
import type { CredentialRecord, CredentialRepository, Stores } from '../storage/types.js';
import { createApiKey } from './api-keys.js';
import { KEY_CACHE_MS, KeyCache } from './key-cache.js';

describe('KeyCache', () => {
  const record: CredentialRecord = {
    tenantId: 't',
    key: 'kk_1',
    secretHash: '00',
    name: 'k',
    scopes: ['all'],
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  const counting = () => {
    const calls: string[] = [];
    const credentials = {
      find: async (key: string) => {
        calls.push(key);
        return key === record.key ? record : undefined;
      },
    } as CredentialRepository;
    return { calls, credentials };
  };

  it('reads a key at most once per lifetime, and again once forgotten or expired', async () => {
    let now = 1_000;
    const { calls, credentials } = counting();
    const keys = new KeyCache(credentials, { now: () => now });
    const [a, b] = await Promise.all([keys.find('kk_1'), keys.find('kk_1')]);
    expect(a).toBe(record);
    expect(b).toBe(record);
    expect(calls).toEqual(['kk_1']);
    now += KEY_CACHE_MS - 1;
    await keys.find('kk_1');
    expect(calls).toHaveLength(1);
    now += 1;
    await keys.find('kk_1');
    expect(calls).toHaveLength(2);
    keys.forget('kk_1');
    await keys.find('kk_1');
    expect(calls).toHaveLength(3);
    expect(await keys.find('kk_nope')).toBeUndefined();
  });

  it('trusts a key a few seconds at most (the bound when a revocation message is missed)', () => {
    expect(KEY_CACHE_MS).toBeGreaterThan(0);
    expect(KEY_CACHE_MS).toBeLessThanOrEqual(5_000);
  });
});

describe('revoking a key across processes (PostgreSQL + Redis)', () => {
  let a: AppOnStores;
  let b: AppOnStores;
  const opened: Stores[] = [];
  let drop: () => Promise<void> = async () => {};
  let open: () => Promise<Stores>;

  beforeAll(async () => {
    const pg = await serviceUrl('postgres');
    const redis = await serviceUrl('redis');
    if (!pg || !redis) throw new Error('PostgreSQL and Redis are needed (run test/services/up)');
    const schema = await freshPostgresSchema(pg);
    drop = schema.drop;
    // one deployment: every "process" has its own pool and Redis connections, on one schema and prefix
    const prefix = `${randomName('kt')}:`;
    open = async () => {
      const stores = await storesOf(
        new SqlRecordStore(await openPostgres(schema.url)),
        await RedisCache.connect(redis, { prefix }),
      );
      opened.push(stores);
      return stores;
    };
    a = await startAppOn(await open());
    b = await startAppOn(await open());
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const s of opened) await s.close();
    await drop();
  });

  it('stops the key and its tokens on every running server at once (kairos keys revoke)', async () => {
    const { record, secret } = await createApiKey(a.stores.record.credentials, {
      tenantId: 'default',
      name: 'site',
      scopes: ['all'],
    });
    const basic = `Basic ${Buffer.from(`${record.key}:${secret}`).toString('base64')}`;
    const minted = await fetch(`${a.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({
        role: 'learner',
        actor: { account: { homePage: 'https://site.example', name: 'u1' } },
      }),
    });
    expect(minted.status).toBe(201);
    const bearer = `Bearer ${((await minted.json()) as { token: string }).token}`;
    const status = async (app: AppOnStores, authorization: string) =>
      (
        await fetch(`${app.url}/xapi/statements`, {
          headers: { authorization, 'x-experience-api-version': '2.0.0' },
        })
      ).status;
    // both servers have now read (and cached) the key
    for (const app of [a, b]) {
      expect(await status(app, basic)).toBe(200);
      expect(await status(app, bearer)).toBe(200);
    }

    // the CLI on PostgreSQL revokes on the stores directly, from a third process
    const cli = await open();
    expect(await localOperations(cli, 'http://lrs.test').revokeKey(record.key)).toBe(true);
    const revokedAt = Date.now();
    for (const app of [a, b]) {
      for (const authorization of [basic, bearer]) {
        while ((await status(app, authorization)) !== 401) {
          // the message crosses Redis in milliseconds; the cache lifetime would take KEY_CACHE_MS
          expect(Date.now() - revokedAt).toBeLessThan(1_000);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  });
});
