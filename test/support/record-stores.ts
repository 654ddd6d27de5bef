import { MongoRecordStore } from '../../packages/server/src/storage/record/mongo/record-store.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite, openPostgres } from '../../packages/server/src/storage/sql/database.js';
import type { RecordStore } from '../../packages/server/src/storage/types.js';
import { freshMongoDatabase, freshPostgresSchema, serviceUrl } from './services.js';

/** Each backend's factory of an empty record store (undefined when its service is absent outside CI). */
export const recordStoreFactories: [string, () => Promise<RecordStore | undefined>][] = [
  ['PGlite', async () => new SqlRecordStore(await openPglite('memory://'))],
  [
    'PostgreSQL',
    async () => {
      const base = await serviceUrl('postgres');
      if (!base) return undefined;
      const schema = await freshPostgresSchema(base);
      const store = new SqlRecordStore(await openPostgres(schema.url));
      const close = store.close.bind(store);
      store.close = async () => {
        await close();
        await schema.drop();
      };
      return store;
    },
  ],
  [
    'MongoDB',
    async () => {
      const base = await serviceUrl('mongodb');
      // FerretDB scans where MongoDB would use an index, and shares 2 cores with the test run: a longer
      // deadline than the product's default (10 s) keeps a busy moment from failing a test of something else
      return base ? MongoRecordStore.connect(freshMongoDatabase(base), { timeoutMs: 30_000 }) : undefined;
    },
  ],
];
