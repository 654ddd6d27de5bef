import type { QueueItem, QueueStore } from './types.js';

/**
 * One localStorage key per item (`kairos:q:<name>:<k>`): two tabs writing at once never overwrite
 * each other's items, as they would with one JSON array under a single key.
 */
export function localStorageStore(name: string, ls: Storage = localStorage): QueueStore {
  const prefix = `kairos:q:${name}:`;
  return {
    add: async (i) => ls.setItem(prefix + i.k, JSON.stringify(i.s)),
    all: async (limit) => {
      const out: QueueItem[] = [];
      for (let n = 0; n < ls.length; n++) {
        const key = ls.key(n);
        const v = key?.startsWith(prefix) && ls.getItem(key);
        if (v) out.push({ k: key!.slice(prefix.length), s: JSON.parse(v), b: v.length });
      }
      return out.sort((a, b) => (a.k < b.k ? -1 : 1)).slice(0, limit);
    },
    remove: async (keys) => {
      for (const k of keys) ls.removeItem(prefix + k);
    },
  };
}

/** localStorage when it exists and accepts a write (Safari private mode and some iframes refuse). */
export function usableLocalStorage(): Storage | undefined {
  try {
    const ls = globalThis.localStorage;
    ls.setItem('kairos:t', '1');
    ls.removeItem('kairos:t');
    return ls;
  } catch {
    return undefined;
  }
}
