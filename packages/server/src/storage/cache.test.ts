import { serviceUrl } from '../../../../test/support/services.js';
import { MemoryCache } from './cache/memory.js';
import { RedisCache } from './cache/redis.js';
import { cacheContract } from './cache.contract.js';

cacheContract('memory', async () => new MemoryCache());

cacheContract('Redis', async () => {
  const url = await serviceUrl('redis');
  return url ? RedisCache.connect(url, { prefix: 'kairos-test:' }) : undefined;
});
