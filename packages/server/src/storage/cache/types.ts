/**
 * The cache role (DESIGN.md "Storage"): cache, rate limits, queues and live updates, on Redis or in-process
 * memory (single instance only), with its contract suite beside it.
 */

/** Cache, rate limits, queues and live updates: Redis or in-process memory (single instance only). */
export interface Cache {
  readonly backend: 'redis' | 'memory';
  ping(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<string | undefined>;
  /** Sets a value, expiring after `ttlMs` when given. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  del(key: string): Promise<void>;
  /**
   * Deletes every value whose key starts with `prefix` (erasure: cached answers that name a learner go now,
   * not when they expire); returns how many were deleted. Not for hot paths: Redis scans its keys.
   */
  deleteByPrefix(prefix: string): Promise<number>;
  /**
   * Counts a hit in the fixed window of `windowMs` that contains now and returns the count so far
   * (rate limiting). The counter expires with its window.
   */
  hit(key: string, windowMs: number): Promise<number>;
  /** Appends a message to a FIFO queue. */
  enqueue(queue: string, message: string): Promise<void>;
  /** Takes the oldest message of a queue, or `undefined` when it is empty. */
  dequeue(queue: string): Promise<string | undefined>;
  /** Number of messages waiting in a queue. */
  queueLength(queue: string): Promise<number>;
  /** Publishes a live-update message; returns after delivery to local subscribers. */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes to a channel; the returned function unsubscribes. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
}
