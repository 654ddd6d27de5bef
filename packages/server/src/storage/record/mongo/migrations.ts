import type { MongoMigration } from './connection.js';

/** Collections and indexes of the MongoDB record store; every index is tenant (`t`) first. */
export const mongoRecordMigrations: MongoMigration[] = [
  {
    version: 1,
    name: 'statements and credentials',
    async up(db) {
      const statements = db.collection('statements');
      await statements.createIndex({ t: 1, id: 1 }, { unique: true, name: 'tenant_statement_id' });
      await statements.createIndex({ t: 1, voided: 1, _id: -1 }, { name: 'tenant_voided_key' });
      await statements.createIndex({ t: 1, terms: 1, _id: -1 }, { name: 'tenant_terms_key' });
      await statements.createIndex({ t: 1, actor: 1, _id: -1 }, { name: 'tenant_actor_key' });
      await statements.createIndex({ t: 1, ref: 1 }, { name: 'tenant_ref_target' });
      await statements.createIndex({ t: 1, vt: 1 }, { name: 'tenant_voiding_target' });
      const credentials = db.collection('credentials');
      await credentials.createIndex({ t: 1 }, { name: 'tenant' });
    },
  },
  {
    version: 2,
    name: 'keyed tool records (LTI data)',
    async up(db) {
      const keyed = db.collection('keyed_records');
      await keyed.createIndex({ c: 1, k: 1 }, { name: 'collection_match_keys' });
      await keyed.createIndex({ expiresAt: 1 }, { name: 'expiry' });
    },
  },
  {
    version: 3,
    name: 'statement attachments',
    // documents are keyed `${tenant}|${sha2}`: the _id index is all they need
    async up() {},
  },
  {
    version: 4,
    name: 'xAPI documents (state, activity profile, agent profile)',
    // Revisions are `_id` `<key hash>:<revision>` (unique: the compare-and-swap); `h, v` finds a key's
    // latest revision, the other index serves listing, `since` and State's delete-by-scope.
    async up(db) {
      const documents = db.collection('xapi_documents');
      await documents.createIndex({ h: 1, v: -1 }, { name: 'key_revision' });
      await documents.createIndex(
        { t: 1, k: 1, a: 1, g: 1, u: 1 },
        { name: 'tenant_kind_activity_agent_updated' },
      );
    },
  },
  {
    version: 5,
    name: 'statement feed of the projection',
    // the feed reads a tenant's statements in key order: tenant first, then key
    async up(db) {
      await db.collection('statements').createIndex({ t: 1, _id: 1 }, { name: 'tenant_key' });
    },
  },
];
