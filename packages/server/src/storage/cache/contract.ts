import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from './types.js';

/** The cache contract: Redis and memory must pass it unchanged. */
export function cacheContract(name: string, open: () => Promise<Cache | undefined>): void {
  describe(`Cache contract: ${name}`, () => {
    let cache: Cache;
    const k = (s: string) => `test:${randomUUID()}:${s}`;

    beforeAll(async () => {
      const c = await open();
      if (!c) throw new Error(`${name}: no cache`);
      cache = c;
    });
    afterAll(async () => {
      await cache?.close();
    });

    it('answers ping', async () => {
      await expect(cache.ping()).resolves.toBeUndefined();
    });

    it('gets, sets, expires and deletes values', async () => {
      const key = k('v');
      expect(await cache.get(key)).toBeUndefined();
      await cache.set(key, 'one');
      expect(await cache.get(key)).toBe('one');
      await cache.del(key);
      expect(await cache.get(key)).toBeUndefined();
      const short = k('ttl');
      await cache.set(short, 'x', 50);
      expect(await cache.get(short)).toBe('x');
      await new Promise((r) => setTimeout(r, 120));
      expect(await cache.get(short)).toBeUndefined();
    });

    it('deletes by key prefix, and only those keys', async () => {
      const base = k('prefix');
      await cache.set(`${base}:a`, '1');
      await cache.set(`${base}:b`, '2', 60_000);
      await cache.set(`${base}*:c`, '3'); // a glob special in a key is a plain character
      await cache.set(`${base}x`, 'kept');
      expect(await cache.deleteByPrefix(`${base}:`)).toBe(2);
      expect(await cache.get(`${base}:a`)).toBeUndefined();
      expect(await cache.get(`${base}:b`)).toBeUndefined();
      expect(await cache.get(`${base}*:c`)).toBe('3');
      expect(await cache.get(`${base}x`)).toBe('kept');
      expect(await cache.deleteByPrefix(`${base}*:`)).toBe(1);
      expect(await cache.get(`${base}x`)).toBe('kept');
      expect(await cache.deleteByPrefix(`${base}:`)).toBe(0);
    });

    it('counts hits per window', async () => {
      const key = k('rate');
      const counts: number[] = [];
      for (let i = 0; i < 5; i++) counts.push(await cache.hit(key, 60_000));
      // a window boundary may fall between two hits; then the count restarts at 1
      expect(counts.at(-1)).toBeGreaterThanOrEqual(1);
      expect(counts.filter((c, i) => i > 0 && c !== counts[i - 1]! + 1 && c !== 1)).toEqual([]);
      const other = k('rate');
      expect(await cache.hit(other, 60_000)).toBe(1);
    });

    it('queues in FIFO order', async () => {
      const q = k('queue');
      expect(await cache.dequeue(q)).toBeUndefined();
      await cache.enqueue(q, 'a');
      await cache.enqueue(q, 'b');
      expect(await cache.queueLength(q)).toBe(2);
      expect(await cache.dequeue(q)).toBe('a');
      expect(await cache.dequeue(q)).toBe('b');
      expect(await cache.queueLength(q)).toBe(0);
    });

    it('publishes to subscribers until they unsubscribe', async () => {
      const channel = k('live');
      const got: string[] = [];
      const unsubscribe = await cache.subscribe(channel, (m) => got.push(m));
      await cache.publish(channel, 'hello');
      await waitFor(() => got.length === 1);
      expect(got).toEqual(['hello']);
      await unsubscribe();
      await cache.publish(channel, 'again');
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual(['hello']);
    });
  });
}

async function waitFor(ok: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
