import { randomUUID } from 'node:crypto';
import { validateStatement } from '@kairos/xapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, answered, COURSE, learnerKey } from '../../../../../test/support/learning.js';
import { freshPostgresSchema, serviceUrl } from '../../../../../test/support/services.js';
import { createLogger } from '../../logger.js';
import { prepareStatement } from '../../lrs/statements/prepare.js';
import { SqlAnalyticsStore } from '../../storage/analytics/sql/analytics-store.js';
import { RedisCache } from '../../storage/cache/redis.js';
import { announceStored } from '../../storage/record/announce.js';
import { SqlRecordStore } from '../../storage/record/sql/record-store.js';
import { openPostgres, type SqlDatabase } from '../../storage/sql/database.js';
import type { Stores } from '../../storage/types.js';
import { minUuidv7, uuidv7 } from '../../util/uuid.js';
import { Projector } from './projector.js';

const authority = {
  objectType: 'Agent' as const,
  account: { homePage: 'http://kairos.test', name: 'kk_test' },
};

describe('late writes with several processes (PostgreSQL + Redis)', () => {
  let db: SqlDatabase;
  let stores: Stores;
  let drop: () => Promise<void>;
  let projector: Projector;
  beforeAll(async () => {
    const [base, redis] = [await serviceUrl('postgres'), await serviceUrl('redis')];
    if (!base || !redis) throw new Error('PostgreSQL and Redis must run (test/services/up)');
    const schema = await freshPostgresSchema(base);
    drop = schema.drop;
    db = await openPostgres(schema.url, { max: 4 });
    const cache = await RedisCache.connect(redis, { prefix: `kairos-test-${randomUUID()}:` });
    const record = new SqlRecordStore(db, false);
    const analytics = new SqlAnalyticsStore(db, false);
    await record.migrate();
    await analytics.migrate();
    stores = { record: announceStored(record, cache), analytics, cache, close: () => cache.close() };
    // as with several processes: the horizon trails writes by a margin
    projector = new Projector(stores, {
      horizon: () => new Date(Date.now() - 300),
      settleMs: 300,
      logger: createLogger('silent'),
    });
    await projector.start();
  });
  afterAll(async () => {
    await projector?.stop();
    await stores?.close();
    await db?.close();
    await drop?.();
  });

  const prepared = (who: string, key: string) =>
    prepareStatement(
      validateStatement(answered({ who, activity: act(1), at: 0, success: true }), { version: '2.0.0' }),
      {
        tenantId: 't',
        authority,
        version: '2.0.0',
        now: Date.now(),
        key,
      },
    );
  const projected = async (who: string) => {
    const gen = (await projector.activeGeneration('t')).gen;
    const rows = await stores.analytics.queries.learners('t', gen, COURSE, {}, 10);
    return rows.some((l) => l.learner === learnerKey(who));
  };
  const within = async (ms: number, check: () => Promise<boolean>) => {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return check();
  };

  it('projects a statement that commits after the projection read past its key', async () => {
    await stores.record.statements.insert('t', [prepared('on-time', uuidv7())]);
    expect(await within(5000, () => projected('on-time'))).toBe(true);
    const position = (await projector.activeGeneration('t')).position!;
    // a write whose key is 3 s old commits only now (a stalled process): its key is behind the checkpoint
    const lateKey = `${minUuidv7(Date.now() - 3000).slice(0, 24)}${randomUUID().slice(-12)}`;
    expect(lateKey < position).toBe(true);
    await stores.record.statements.insert('t', [prepared('late', lateKey)]);
    expect(await within(5000, () => projected('late'))).toBe(true);
    expect((await projector.activeGeneration('t')).position).toBe(position);
  });
});
