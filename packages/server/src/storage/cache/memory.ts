import type { Cache } from './types.js';

/** In-process cache, rate limits and queues: the zero-configuration default, for a single instance only. */
export class MemoryCache implements Cache {
  readonly backend = 'memory' as const;
  private readonly values = new Map<string, { value: string; expires: number }>();
  private readonly queues = new Map<string, string[]>();
  private readonly channels = new Map<string, Set<(message: string) => void>>();
  private bytes = 0;

  /** @param maxBytes what values with an expiry may hold in all (characters), before the oldest are dropped */
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.values.clear();
    this.bytes = 0;
    this.queues.clear();
    this.channels.clear();
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.values.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.drop(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.sweep();
    this.drop(key);
    this.values.set(key, {
      value,
      expires: ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlMs,
    });
    this.bytes += value.length;
    // a bounded memory: the oldest values go first when the cache outgrows its share of the process
    for (const [k, v] of this.values) {
      if (this.bytes <= this.maxBytes) break;
      if (v.expires === Number.POSITIVE_INFINITY) continue;
      this.drop(k);
    }
  }

  async del(key: string): Promise<void> {
    this.drop(key);
  }

  private drop(key: string): void {
    const old = this.values.get(key);
    if (!old) return;
    this.bytes -= old.value.length;
    this.values.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let n = 0;
    for (const key of [...this.values.keys()]) {
      if (!key.startsWith(prefix)) continue;
      this.drop(key);
      n++;
    }
    return n;
  }

  async hit(key: string, windowMs: number): Promise<number> {
    const now = Date.now();
    const windowKey = `${key}:${Math.floor(now / windowMs)}`;
    const count = Number((await this.get(windowKey)) ?? '0') + 1;
    await this.set(windowKey, String(count), windowMs - (now % windowMs));
    return count;
  }

  async enqueue(queue: string, message: string): Promise<void> {
    const q = this.queues.get(queue) ?? [];
    q.push(message);
    this.queues.set(queue, q);
  }

  async dequeue(queue: string): Promise<string | undefined> {
    return this.queues.get(queue)?.shift();
  }

  async queueLength(queue: string): Promise<number> {
    return this.queues.get(queue)?.length ?? 0;
  }

  async publish(channel: string, message: string): Promise<void> {
    for (const listener of this.channels.get(channel) ?? []) listener(message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const set = this.channels.get(channel) ?? new Set();
    set.add(onMessage);
    this.channels.set(channel, set);
    return async () => {
      set.delete(onMessage);
    };
  }

  // Expired entries go when the map grows, so a long-lived process keeps bounded memory.
  private sweep(): void {
    if (this.values.size < 10_000) return;
    const now = Date.now();
    for (const [k, v] of this.values) if (v.expires <= now) this.drop(k);
  }
}
