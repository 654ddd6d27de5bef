import type { QueueItem, QueueStore } from './types.js';

/** A store that lives as long as the page: nothing survives a reload. */
export function memoryStore(): QueueStore {
  const m = new Map<string, QueueItem>();
  return {
    add: async (i) => void m.set(i.k, i),
    all: async (limit) => [...m.values()].sort((a, b) => (a.k < b.k ? -1 : 1)).slice(0, limit),
    remove: async (keys) => {
      for (const k of keys) m.delete(k);
    },
  };
}
