import { Redis } from 'ioredis';
import { withDeadline } from '../../util/deadline.js';
import { asOutage, isRedisOutage } from '../outage.js';
import type { Cache } from './types.js';

/** Deadline of a Redis call when the caller gives none (`KAIROS_STORE_TIMEOUT_MS`'s default). */
const DEFAULT_TIMEOUT_MS = 10_000;

async function closeConnection(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    connection.quit().catch(() => {}),
    new Promise<void>((r) => {
      timer = setTimeout(r, Math.min(timeoutMs, 2000));
    }),
  ]);
  clearTimeout(timer);
  connection.disconnect();
}

/** Runs a Redis call; an outage (refused, closed, past its deadline) rejects as a `StoreUnavailableError`. */
function guarded<T>(call: Promise<T>): Promise<T> {
  return call.catch((e) => Promise.reject(asOutage('Redis', e, isRedisOutage)));
}

/**
 * Cache, rate limits, queues and pub/sub on Redis, shared by every Kairos process. Keys are prefixed
 * (default `kairos:`) so one Redis can serve several deployments.
 */
export class RedisCache implements Cache {
  readonly backend = 'redis' as const;
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  private constructor(
    private readonly redis: Redis,
    private readonly url: string,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Connects and waits until Redis answers; rejects with the connection error otherwise. Every command
   * then has the deadline `timeoutMs` (a Redis that hangs fails the call, it is not waited on), and while
   * Redis is down a command fails after two quick reconnection attempts instead of queueing forever.
   */
  static async connect(
    url: string,
    options: { prefix?: string; timeoutMs?: number } = {},
  ): Promise<RedisCache> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      commandTimeout: timeoutMs,
      connectTimeout: timeoutMs,
    });
    let lastError: Error | undefined;
    redis.on('error', (e: Error) => {
      lastError = e; // reconnects by itself; readiness reports the state
    });
    try {
      await redis.connect();
    } catch (error) {
      // no reconnecting client left behind (it would keep the process alive), and the real reason
      // (ECONNREFUSED, ETIMEDOUT, an AUTH error) rather than ioredis's "Connection is closed."
      redis.disconnect();
      throw lastError ?? error;
    }
    return new RedisCache(redis, url, options.prefix ?? 'kairos:', timeoutMs);
  }

  async ping(): Promise<void> {
    await guarded(this.redis.ping());
  }

  /**
   * Closes both connections: politely (QUIT) when Redis answers, at once when it does not — a QUIT to a
   * Redis that is down waits for a reconnection that may never come, and shutdown must not.
   */
  async close(): Promise<void> {
    await Promise.all(
      [this.subscriber, this.redis].map((c) => (c ? closeConnection(c, this.timeoutMs) : undefined)),
    );
  }

  async get(key: string): Promise<string | undefined> {
    return (await guarded(this.redis.get(this.prefix + key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await guarded(this.redis.set(this.prefix + key, value));
    else await guarded(this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async del(key: string): Promise<void> {
    await guarded(this.redis.del(this.prefix + key));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    // SCAN's MATCH is a glob: its specials in the key prefix are escaped
    const pattern = `${(this.prefix + prefix).replace(/[*?[\]\\]/g, '\\$&')}*`;
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await guarded(this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
      cursor = next;
      if (keys.length > 0) n += await guarded(this.redis.del(...keys));
    } while (cursor !== '0');
    return n;
  }

  async hit(key: string, windowMs: number): Promise<number> {
    const now = Date.now();
    const windowKey = `${this.prefix}${key}:${Math.floor(now / windowMs)}`;
    const [[, count] = []] = (await guarded(
      this.redis
        .multi()
        .incr(windowKey)
        .pexpire(windowKey, windowMs - (now % windowMs) + 1000)
        .exec(),
    )) as [Error | null, number][];
    return Number(count);
  }

  async enqueue(queue: string, message: string): Promise<void> {
    await guarded(this.redis.rpush(`${this.prefix}queue:${queue}`, message));
  }

  async dequeue(queue: string): Promise<string | undefined> {
    return (await guarded(this.redis.lpop(`${this.prefix}queue:${queue}`))) ?? undefined;
  }

  async queueLength(queue: string): Promise<number> {
    return guarded(this.redis.llen(`${this.prefix}queue:${queue}`));
  }

  async publish(channel: string, message: string): Promise<void> {
    await guarded(this.redis.publish(this.prefix + channel, message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    if (!this.subscriber) {
      this.subscriber = new Redis(this.url, { lazyConnect: true, connectTimeout: this.timeoutMs });
      this.subscriber.on('error', () => {});
      this.subscriber.on('message', (ch: string, message: string) => {
        for (const l of this.listeners.get(ch) ?? []) l(message);
      });
      await guarded(this.subscriber.connect());
    }
    const full = this.prefix + channel;
    const set = this.listeners.get(full) ?? new Set();
    if (set.size === 0) await guarded(this.subscriber.subscribe(full));
    set.add(onMessage);
    this.listeners.set(full, set);
    return async () => {
      set.delete(onMessage);
      // a subscriber waiting for Redis to come back would queue the UNSUBSCRIBE until it does (and hold
      // up shutdown): a connection that is not ready has no subscription to drop, and one that looked
      // ready as Redis went away gets the store deadline
      if (set.size === 0 && this.subscriber?.status === 'ready') {
        await withDeadline(guarded(this.subscriber.unsubscribe(full)), this.timeoutMs).catch(() => {});
      }
    };
  }
}
