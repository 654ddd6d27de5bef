import type { Cache } from '../cache/types.js';
import type { RecordStore, StatementRepository } from './types.js';

/** Channel on which every process hears that a tenant stored new statements (the statement feed wakes on it). */
export const STORED_CHANNEL = 'kairos:statements-stored';

/** A burst of writes of one tenant is announced at most this often (the last one always is). */
const THROTTLE_MS = 20;

/**
 * The record store with a statements repository that announces, on the cache's pub/sub, each tenant that
 * stored new statements: in-process with the memory cache, to every process with Redis. Whoever writes
 * (the LRS, imports, the admin channel) wakes the projection without knowing about it. Reads and every
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
        if (outcome.ok && outcome.inserted.length > 0) announce(tenantId);
        return outcome;
      },
    },
  });
  return Object.create(record, { statements: { value: statements } });
}
