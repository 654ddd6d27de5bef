import type { Statement } from '../types.js';
import { indexedDbStore } from './indexeddb.js';
import { localStorageStore, usableLocalStorage } from './local-storage.js';
import { memoryStore } from './memory.js';
import type { QueueItem, QueueStore, StorageKind } from './types.js';

/** Picks a backend: IndexedDB, else localStorage, else memory (or exactly the one asked for). */
export async function openStore(kind: StorageKind, name: string): Promise<QueueStore> {
  if (kind !== 'memory' && kind !== 'localStorage' && globalThis.indexedDB) {
    try {
      return await indexedDbStore(name);
    } catch {}
  }
  const ls = kind !== 'memory' && usableLocalStorage();
  return ls ? localStorageStore(name, ls) : memoryStore();
}

/** A bounded queue over a store, with an in-memory mirror a page-hide flush can read synchronously. */
export interface Queue {
  /** Adds a statement; drops (and reports) the oldest items past the bounds. */
  push(s: Statement): QueueItem;
  /**
   * Re-reads the shared store (other tabs may have added or sent items) and returns what is queued,
   * oldest first. With `limit`, reads only the oldest `limit` stored items (a sender needs one batch).
   */
  load(limit?: number): Promise<QueueItem[]>;
  remove(items: QueueItem[]): Promise<void>;
  /** What this page knows is queued, oldest first, without touching storage. */
  pending(): QueueItem[];
  /** How many statements and bytes `pending()` holds, without copying it. */
  size(): [count: number, bytes: number];
}

let seq = 0;

/** Creates the bounded queue; `store` may still be opening. */
export function createQueue(
  store: Promise<QueueStore>,
  maxItems: number,
  maxBytes: number,
  onDrop: (items: QueueItem[]) => void,
): Queue {
  const mirror = new Map<string, QueueItem>();
  let bytes = 0;
  // Items pushed whose write has not landed yet: a load() must not forget them.
  const unsaved = new Map<string, QueueItem>();
  const sorted = () => [...mirror.values()].sort((a, b) => (a.k < b.k ? -1 : 1));
  const remove = async (items: QueueItem[]) => {
    for (const i of items) {
      if (mirror.delete(i.k)) bytes -= i.b;
      unsaved.delete(i.k);
    }
    await (await store).remove(items.map((i) => i.k)).catch(() => {});
  };
  const trim = (items: QueueItem[]) => {
    let b = bytes;
    let n = 0;
    while (items.length - n > maxItems || (b > maxBytes && items.length - n > 1)) b -= items[n++]!.b;
    if (n) {
      const dropped = items.slice(0, n);
      remove(dropped);
      onDrop(dropped);
    }
    return items.slice(n);
  };
  return {
    push(s) {
      const json = JSON.stringify(s);
      const item = {
        k: `${Date.now().toString(36)}.${(++seq).toString(36).padStart(6, '0')}`,
        s,
        b: json.length,
      };
      mirror.set(item.k, item);
      unsaved.set(item.k, item);
      bytes += item.b;
      store
        .then((st) => st.add(item))
        .then(
          () => unsaved.delete(item.k),
          () => {}, // quota or private mode: the item stays in memory and still goes out from this page
        );
      if (mirror.size > maxItems || bytes > maxBytes) trim(sorted());
      return item;
    },
    async load(limit) {
      const stored = await (await store).all(limit).catch(() => [] as QueueItem[]);
      const seen = new Set(stored.map((i) => i.k));
      // Up to the last key read, what the store no longer holds was sent (or dropped) by another tab.
      const last = limit && stored.length >= limit ? stored[stored.length - 1]!.k : '\uffff';
      for (const [k, i] of mirror) {
        if (k <= last && !seen.has(k) && !unsaved.has(k)) {
          mirror.delete(k);
          bytes -= i.b;
        }
      }
      for (const i of stored) {
        if (!mirror.has(i.k)) {
          mirror.set(i.k, i);
          bytes += i.b;
        }
      }
      return trim(sorted());
    },
    remove,
    pending: sorted,
    size: () => [mirror.size, bytes],
  };
}
