import type { AddressInfo } from 'node:net';
import { createApiKey } from '../../packages/server/src/auth/api-keys.js';
import { loadConfig } from '../../packages/server/src/config/index.js';
import { features } from '../../packages/server/src/features.js';
import { createApp } from '../../packages/server/src/http/app.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { ShutdownHooks } from '../../packages/server/src/shutdown.js';
import { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { MemoryCache } from '../../packages/server/src/storage/cache/memory.js';
import { announceStored } from '../../packages/server/src/storage/record/announce.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite } from '../../packages/server/src/storage/sql/database.js';
import type { AnalyticsStore, RecordStore, Stores } from '../../packages/server/src/storage/types.js';

/** An in-process Kairos app on a free port, over the given record store. */
export interface TestApp {
  url: string;
  stores: Stores;
  secret: string;
  /** Basic auth header for a new API key of `tenantId` with `scopes`. */
  basic(scopes: string[], tenantId?: string): Promise<string>;
  close(): Promise<void>;
}

/** The analytics store beside `record`: in the same database for SQL stores, else embedded in memory. */
async function analyticsFor(record: RecordStore): Promise<AnalyticsStore> {
  if (record instanceof SqlRecordStore) return new SqlAnalyticsStore(record.db, false);
  return new SqlAnalyticsStore(await openPglite('memory://'));
}

/** Starts the real app (every feature) over `record`; `env` sets configuration (e.g. KAIROS_BODY_LIMIT). */
export async function startTestApp(record: RecordStore, env: Record<string, string> = {}): Promise<TestApp> {
  await record.migrate();
  const cache = new MemoryCache();
  const analytics = await analyticsFor(record);
  await analytics.migrate();
  const stores: Stores = {
    record: announceStored(record, cache),
    analytics,
    cache,
    close: async () => {
      await analytics.close();
      await record.close();
      await cache.close();
    },
  };
  const config = loadConfig({ KAIROS_PUBLIC_URL: 'http://lrs.test', ...env });
  const secret = 'test-secret-0123456789-0123456789-abcdef';
  const shutdown = new ShutdownHooks();
  const app = createApp({ config, stores, logger: createLogger('silent'), secret, features, shutdown });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stores,
    secret,
    async basic(scopes, tenantId = 'default') {
      const { record: c, secret: s } = await createApiKey(record.credentials, {
        tenantId,
        name: 'test',
        scopes,
      });
      return `Basic ${Buffer.from(`${c.key}:${s}`).toString('base64')}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await shutdown.run();
      await stores.close();
    },
  };
}
