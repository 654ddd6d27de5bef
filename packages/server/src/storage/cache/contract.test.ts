import { serviceUrl } from '../../../../../test/support/services.js';
import { cacheContract } from './contract.js';
import { MemoryCache } from './memory.js';
import { RedisCache } from './redis.js';

cacheContract('memory', async () => new MemoryCache());

cacheContract('Redis', async () => {
  const url = await serviceUrl('redis');
  return url ? RedisCache.connect(url, { prefix: 'kairos-test:' }) : undefined;
});
