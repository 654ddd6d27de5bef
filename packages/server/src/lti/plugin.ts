import { createHash } from 'node:crypto';
import { scalarFields } from '../storage/record/keyed.js';
import type { FieldValue, KeyedRecord, KeyedRecordRepository } from '../storage/types.js';
import { type Sealed, seal, unseal } from '../util/seal.js';
import type { LtijsDatabase, LtijsRow } from './ltijs.js';

/** Lifetime of ltijs' short-lived collections (shared notes, "Database plugin"); others never expire. */
export const LTIJS_EXPIRY_S: Record<string, number> = {
  accesstoken: 3600,
  idtoken: 24 * 3600,
  contexttoken: 24 * 3600,
  nonce: 600,
  state: 600,
};

const PREFIX = 'ltijs:';

/** The ltijs setup key, derived from the Kairos secret (it seals ltijs' keys and tokens at rest). */
export const ltijsKey = (secret: string): string =>
  createHash('sha256').update(`kairos-ltijs:${secret}`).digest('hex');

/**
 * The ltijs database plugin over Kairos' record store (PostgreSQL, PGlite or MongoDB alike): each ltijs
 * item is one keyed record of collection `ltijs:<name>`, matched on its index and scalar top-level fields,
 * its whole body in `data` (sealed with AES-GCM when ltijs passes a key). Short-lived collections get an
 * `expiresAt`; expired rows are never returned and are purged by the periodic job ({@link startExpiryJob}).
 *
 * @example
 * lti.setup(key, { plugin: ltijsPlugin(stores.record.keyed) }, options);
 */
export function ltijsPlugin(keyed: KeyedRecordRepository, now: () => Date = () => new Date()): LtijsDatabase {
  const record = (
    key: string | false,
    collection: string,
    item: object,
    index?: Record<string, unknown>,
  ): KeyedRecord => {
    const created = now();
    const ttl = LTIJS_EXPIRY_S[collection];
    return {
      collection: PREFIX + collection,
      fields: key
        ? scalarFields(index ?? {})
        : { ...scalarFields(item as Record<string, unknown>), ...scalarFields(index ?? {}) },
      data: key ? seal(key, item) : item,
      createdAt: created.toISOString(),
      ...(ttl ? { expiresAt: new Date(created.getTime() + ttl * 1000).toISOString() } : {}),
    };
  };
  const read = (key: string | false, r: KeyedRecord): LtijsRow => ({
    ...(key ? unseal(key, r.data as Sealed) : (r.data as Record<string, unknown>)),
    createdAt: new Date(r.createdAt),
  });
  const match = (query?: Record<string, unknown>): Record<string, FieldValue> => scalarFields(query ?? {});

  return {
    async setup() {
      return true;
    },
    async Close() {
      return true;
    },
    async Get(key, collection, query) {
      const rows = await keyed.find(PREFIX + collection, match(query));
      return rows.length === 0 ? false : rows.map((r) => read(key, r));
    },
    async Insert(key, collection, item, index) {
      await keyed.insert(record(key, collection, item, index));
      return true;
    },
    async Replace(key, collection, query, item, index) {
      await keyed.replace(PREFIX + collection, match(query), record(key, collection, item, index));
      return true;
    },
    async Modify(key, collection, query, mod) {
      const [first] = await keyed.find(PREFIX + collection, match(query));
      if (!first) return false;
      const merged = { ...read(key, first), ...mod } as Record<string, unknown>;
      delete merged.createdAt;
      const next = record(key, collection, merged, key ? first.fields : undefined);
      await keyed.update(PREFIX + collection, match(query), {
        fields: key ? first.fields : { ...first.fields, ...next.fields },
        data: next.data,
      });
      return true;
    },
    async Delete(collection, query) {
      await keyed.delete(PREFIX + collection, match(query));
      return true;
    },
  };
}

/**
 * Starts the periodic purge of expired keyed records (nonces, state, tokens, retired keys, finished AGS
 * jobs): no TTL indexes, which FerretDB lacks. Returns the function that stops it.
 */
export function startExpiryJob(
  keyed: KeyedRecordRepository,
  onError: (error: unknown) => void,
  everyMs = 60_000,
): () => void {
  const timer = setInterval(() => {
    keyed.deleteExpired(new Date().toISOString()).catch(onError);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
