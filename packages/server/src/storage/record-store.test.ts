import { freshMongoDatabase, freshPostgresSchema, serviceUrl } from '../../../../test/support/services.js';
import { MongoRecordStore } from './mongo/record-store.js';
import { recordStoreContract } from './record-store.contract.js';
import { openPglite, openPostgres } from './sql/database.js';
import { SqlRecordStore } from './sql/record-store.js';

recordStoreContract('PGlite', async () => new SqlRecordStore(await openPglite('memory://')));

recordStoreContract('PostgreSQL', async () => {
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
});

recordStoreContract('MongoDB', async () => {
  const base = await serviceUrl('mongodb');
  return base ? MongoRecordStore.connect(freshMongoDatabase(base)) : undefined;
});
