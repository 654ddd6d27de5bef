import type { Statement } from '../types.js';

/** One queued statement. `k` orders the queue (enqueue time, then a counter) and keys it in storage. */
export interface QueueItem {
  k: string;
  s: Statement;
  /** Size of the statement as JSON, in bytes (UTF-16 code units, a safe over-estimate for batching). */
  b: number;
}

/** Where queued statements live. Every backend is shared by the tabs of one origin under one `name`. */
export interface QueueStore {
  add(item: QueueItem): Promise<void>;
  /** The oldest `limit` items (default all), oldest first. */
  all(limit?: number): Promise<QueueItem[]>;
  remove(keys: string[]): Promise<void>;
}

/** Storage backends: `auto` = IndexedDB, else localStorage, else memory. */
export type StorageKind = 'auto' | 'indexeddb' | 'localStorage' | 'memory';
