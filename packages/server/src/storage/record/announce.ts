import { uuidv7Time } from '../../util/uuid.js';
import type { Cache } from '../cache/types.js';
import type { RecordStore, StatementRepository } from './types.js';

/** Channel on which every process hears that a tenant stored new statements (the statement feed wakes on it). */
export const STORED_CHANNEL = 'kairos:statements-stored';

/**
 * Channel of late writes: statements committed long after the instant their key encodes. A feed that
 * trusts the consistency horizon may already have read past them; it reads that stretch again.
 */
export const LATE_CHANNEL = 'kairos:statements-late';

/** A burst of writes of one tenant is announced at most this often (the last one always is). */
const THROTTLE_MS = 20;
/** A commit this long after its key's instant is late (half the horizon margin of several processes). */
export const LATE_MS = 500;

/**
 * The record store with a statements repository that announces, on the cache's pub/sub, each tenant that
 * stored new statements: in-process with the memory cache, to every process with Redis. Whoever writes
 * (the LRS, imports, the admin channel) wakes the projection without knowing about it; a write that commits
 * late (see {@link LATE_MS}) is also announced on {@link LATE_CHANNEL}. Reads and every
 * other member go to `record` unchanged (it stays the prototype, so `instanceof` still holds).
 */
export function announceStored(record: RecordStore, cache: Cache): RecordStore {
  const pending = new Map<string, NodeJS.Timeout>();
  const announce = (tenantId: string) => {
    if (pending.has(tenantId)) return;
    pending.set(
      tenantId,
      setTimeout(() => {
        pending.delete(tenantId);
        cache.publish(STORED_CHANNEL, tenantId).catch(() => {});
      }, THROTTLE_MS).unref(),
    );
  };
  const inner = record.statements;
  const statements: StatementRepository = Object.create(inner, {
    insert: {
      value: async (tenantId: string, records: Parameters<StatementRepository['insert']>[1]) => {
        const outcome = await inner.insert(tenantId, records);
        if (outcome.ok && outcome.inserted.length > 0) {
          announce(tenantId);
          const first = records.reduce((min, r) => (r.key < min ? r.key : min), records[0]!.key);
          // one process knows its own writes in flight (the horizon waits for them): only several processes need this
          if (cache.backend === 'redis' && Date.now() - uuidv7Time(first) > LATE_MS) {
            cache.publish(LATE_CHANNEL, JSON.stringify({ tenantId, key: first })).catch(() => {});
          }
        }
        return outcome;
      },
    },
  });
  return Object.create(record, { statements: { value: statements } });
}
