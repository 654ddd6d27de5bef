import { bumpVersion } from '../analytics/api/router.js';
import type { Cache } from '../storage/types.js';

/**
 * Drops every cached analytics answer of a tenant: its version moves (no process serves an old answer
 * again), and the old answers' keys (`an:a:<tenant>:…`, which hold learner keys and figures) are
 * deleted now rather than left to expire. Returns how many keys were deleted.
 */
export async function purgeTenantCache(cache: Cache, tenantId: string): Promise<number> {
  await bumpVersion(cache, tenantId);
  return cache.deleteByPrefix(`an:a:${tenantId}:`);
}
