import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../packages/server/src/config/index.js';
import { features } from '../../packages/server/src/features.js';
import { createApp } from '../../packages/server/src/http/app.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { ShutdownHooks } from '../../packages/server/src/shutdown.js';
import { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { announceStored } from '../../packages/server/src/storage/record/announce.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite } from '../../packages/server/src/storage/sql/database.js';
import type { Cache, RecordStore, Stores } from '../../packages/server/src/storage/types.js';

/** The secret every app of {@link startAppOn} signs with (two of them behave as one deployment). */
export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef';

/** A Kairos process stand-in: the real app listening on a free port over stores it does not own. */
export interface AppOnStores {
  url: string;
  stores: Stores;
  /** Stops listening and runs the shutdown hooks; the stores stay open (other apps may share them). */
  close(): Promise<void>;
}

/**
 * Stores over `record` and `cache` (migrated), with an analytics store beside them; closing them closes
 * all three. Two apps started on the same stores, or on stores sharing one database and one Redis, are
 * two server processes of one deployment.
 */
export async function storesOf(record: RecordStore, cache: Cache): Promise<Stores> {
  await record.migrate();
  const analytics =
    record instanceof SqlRecordStore
      ? new SqlAnalyticsStore(record.db, false)
      : new SqlAnalyticsStore(await openPglite('memory://'));
  await analytics.migrate();
  return {
    record: announceStored(record, cache),
    analytics,
    cache,
    close: async () => {
      await analytics.close();
      await record.close();
      await cache.close();
    },
  };
}

/** Starts the real app (every feature) on `stores`; `adminToken` opens `/admin/v1` as the admin channel does. */
export async function startAppOn(
  stores: Stores,
  options: { adminToken?: string; env?: Record<string, string> } = {},
): Promise<AppOnStores> {
  const config = loadConfig({ KAIROS_PUBLIC_URL: 'http://lrs.test', ...options.env });
  const shutdown = new ShutdownHooks();
  const app = createApp({
    config,
    stores,
    logger: createLogger('silent'),
    secret: TEST_SECRET,
    features,
    shutdown,
    adminToken: () => options.adminToken,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stores,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await shutdown.run();
    },
  };
}
