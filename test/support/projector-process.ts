/**
 * A projector in a process of its own (the fault tests kill it with -9, or run two side by side):
 * projects every statement of `TENANT` in the PostgreSQL database `DATABASE_URL`, logging each batch at
 * debug level on stdout, then prints `{"msg":"settled"}` and exits.
 */
import { Projector } from '../../packages/server/src/analytics/projection/projector.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { MemoryCache } from '../../packages/server/src/storage/cache/memory.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPostgres } from '../../packages/server/src/storage/sql/database.js';

const db = await openPostgres(process.env.DATABASE_URL!, { max: 2 });
const cache = new MemoryCache();
const stores = {
  record: new SqlRecordStore(db, false),
  analytics: new SqlAnalyticsStore(db, false),
  cache,
  close: () => db.close(),
};
const logger = createLogger('debug', process.stdout);
const projector = new Projector(stores, {
  horizon: () => new Date(Date.now() + 1000),
  settleMs: 0,
  batchSize: Number(process.env.BATCH ?? 50),
  logger,
});
await projector.settle(process.env.TENANT!);
process.stdout.write(`${JSON.stringify({ msg: 'settled' })}\n`);
await db.close();
process.exit(0);
