import { describe, expect, it } from 'vitest';
import { serviceUrl } from '../../../../../test/support/services.js';
import { cacheContract } from './contract.js';
import { MemoryCache } from './memory.js';
import { RedisCache } from './redis.js';

cacheContract('memory', async () => new MemoryCache());

cacheContract('Redis', async () => {
  const url = await serviceUrl('redis');
  return url ? RedisCache.connect(url, { prefix: 'kairos-test:' }) : undefined;
});

describe('memory cache bound', () => {
  it('drops the oldest expiring values past its size, never the values without expiry', async () => {
    const cache = new MemoryCache(100);
    await cache.set('kept', 'x'.repeat(50));
    for (let i = 0; i < 10; i++) await cache.set(`v${i}`, 'y'.repeat(20), 60_000);
    expect(await cache.get('kept')).toBe('x'.repeat(50));
    expect(await cache.get('v9')).toBe('y'.repeat(20));
    expect(await cache.get('v0')).toBeUndefined();
  });
});
