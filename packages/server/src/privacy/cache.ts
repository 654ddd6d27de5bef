import { bumpVersion } from '../analytics/api/router.js';
import type { Cache } from '../storage/types.js';

/** The parts of the Redis cache a purge scans (kept private by `RedisCache`; read here only). */
interface ScannableRedis {
  redis?: {
    scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
    del(...keys: string[]): Promise<number>;
  };
  prefix?: string;
}

/**
 * Drops every cached analytics answer of a tenant: its version moves (no process serves an old answer
 * again), and on Redis the old answers' keys (`an:a:<tenant>:…`, which hold learner keys and figures) are
 * deleted now rather than left to expire. Returns how many keys were deleted.
 */
export async function purgeTenantCache(cache: Cache, tenantId: string): Promise<number> {
  await bumpVersion(cache, tenantId);
  const { redis, prefix = '' } = cache as unknown as ScannableRedis;
  if (cache.backend !== 'redis' || !redis) return 0;
  // SCAN's MATCH is a glob: escape its specials in the tenant id
  const pattern = `${prefix}an:a:${tenantId.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  let n = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) n += await redis.del(...keys);
  } while (cursor !== '0');
  return n;
}
