import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KairosConfig } from '../config/index.js';
import { redact } from '../config/index.js';
import { KairosError } from '../errors.js';
import { SqlAnalyticsStore } from './analytics/sql/analytics-store.js';
import { MemoryCache } from './cache/memory.js';
import { RedisCache } from './cache/redis.js';
import { type DataDirLock, lockDataDir } from './lock.js';
import { announceStored } from './record/announce.js';
import { MongoRecordStore } from './record/mongo/record-store.js';
import { SqlRecordStore } from './record/sql/record-store.js';
import { openPglite, openPostgres, type SqlDatabase } from './sql/database.js';
import type { Cache, RecordStore, Stores } from './types.js';

/** What {@link openStores} reports while it works (first PGlite start takes several seconds). */
export type OpenProgress = (message: string) => void;

/** An error's message, or its code where it has none (Node's AggregateError of a refused `localhost`). */
const reason = (error: unknown): string =>
  (error as Error)?.message || (error as { code?: string })?.code || String(error);

const unreachable = (what: string, variable: string, url: string, cause: unknown) =>
  new KairosError(
    'store_unreachable',
    `cannot reach ${what} at ${variable}=${redact(url)}: ${reason(cause)}. ` +
      `Check that the server runs and the URL is right, or unset ${variable} to use the embedded default.`,
    { cause },
  );

/** First contacts with a store server: one still starting, or this process busy starting, gets more chances. */
const FIRST_CONTACT_ATTEMPTS = 3;
const FIRST_CONTACT_PAUSE_MS = 1_000;

/**
 * Makes the first contact with a store server with `attempt` (which cleans up after itself when it fails),
 * up to {@link FIRST_CONTACT_ATTEMPTS} times, saying so between attempts; then fails as `unreachable`.
 */
async function firstContact<T>(
  what: string,
  variable: string,
  url: string,
  say: OpenProgress,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= FIRST_CONTACT_ATTEMPTS) throw unreachable(what, variable, url, error);
      say(
        `${what} at ${redact(url)} did not answer (${reason(error)}); ` +
          `trying again (${n + 1}/${FIRST_CONTACT_ATTEMPTS})`,
      );
      await new Promise((r) => setTimeout(r, FIRST_CONTACT_PAUSE_MS));
    }
  }
}

/**
 * Opens the stores the configuration asks for (DESIGN.md "Storage"): PostgreSQL when `DATABASE_URL` is
 * set, else embedded PGlite in the data directory (locked); the record store on MongoDB when `MONGODB_URL`
 * is set; Redis when `REDIS_URL` is set, else memory. Applies pending migrations unless `migrate: false`.
 * Every call to a store server has the deadline `storeTimeoutMs` (`KAIROS_STORE_TIMEOUT_MS`).
 */
export async function openStores(
  config: Pick<KairosConfig, 'databaseUrl' | 'mongodbUrl' | 'redisUrl' | 'dataDir'> &
    Partial<Pick<KairosConfig, 'storeTimeoutMs'>>,
  options: { migrate?: boolean; onProgress?: OpenProgress } = {},
): Promise<Stores> {
  const say = options.onProgress ?? (() => {});
  const timeoutMs = config.storeTimeoutMs;
  let lock: DataDirLock | undefined;
  let sql: SqlDatabase | undefined;
  let record: RecordStore | undefined;
  let cache: Cache | undefined;
  try {
    if (config.databaseUrl) {
      const url = config.databaseUrl;
      sql = await firstContact('PostgreSQL', 'DATABASE_URL', url, say, async () => {
        const db = await openPostgres(url, { timeoutMs });
        await db.pool.query('SELECT 1').catch(async (e) => {
          await db.close().catch(() => {});
          throw e;
        });
        return db;
      });
    } else {
      lock = lockDataDir(config.dataDir);
      say(
        existsSync(join(config.dataDir, 'pglite'))
          ? `opening the embedded database in ${config.dataDir}`
          : `creating the embedded database in ${config.dataDir} (first start only: ~10 s)`,
      );
      sql = await openPglite(join(config.dataDir, 'pglite'));
    }
    if (config.mongodbUrl) {
      const url = config.mongodbUrl;
      record = await firstContact('MongoDB', 'MONGODB_URL', url, say, () =>
        MongoRecordStore.connect(url, { timeoutMs }),
      );
    } else {
      record = new SqlRecordStore(sql, false);
    }
    const analytics = new SqlAnalyticsStore(sql, false);
    const redisUrl = config.redisUrl;
    cache = redisUrl
      ? await firstContact('Redis', 'REDIS_URL', redisUrl, say, () =>
          RedisCache.connect(redisUrl, { timeoutMs }),
        )
      : new MemoryCache();
    if (options.migrate !== false) {
      await record.migrate();
      await analytics.migrate();
    }
    const db = sql;
    const rec = announceStored(record, cache);
    const c = cache;
    return {
      record: rec,
      analytics,
      cache: c,
      async close() {
        await Promise.allSettled([rec.close(), analytics.close(), c.close()]);
        await db.close().catch(() => {});
        lock?.release();
      },
    };
  } catch (error) {
    await record?.close().catch(() => {});
    await cache?.close().catch(() => {});
    await sql?.close().catch(() => {});
    lock?.release();
    throw error;
  }
}
