import type { QueueItem, QueueStore } from './types.js';

const req = <T>(r: IDBRequest<T>) =>
  new Promise<T>((ok, ko) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });

/**
 * An IndexedDB store: database `kairos`, object store `q` keyed by `[name, k]`, so several queues
 * share one database and each reads its own range in order. Rejects when IndexedDB is unavailable
 * (Firefox private windows, some sandboxed iframes) so the caller can fall back.
 */
export async function indexedDbStore(name: string, idb: IDBFactory = indexedDB): Promise<QueueStore> {
  const open = idb.open('kairos', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('q', { keyPath: ['n', 'k'] });
  const db = await req(open);
  const tx = (mode: IDBTransactionMode) => db.transaction('q', mode).objectStore('q');
  const done = (t: IDBObjectStore) =>
    new Promise<void>((ok, ko) => {
      t.transaction.oncomplete = () => ok();
      t.transaction.onerror = t.transaction.onabort = () => ko(t.transaction.error);
    });
  return {
    add: (i) => {
      const t = tx('readwrite');
      t.put({ n: name, k: i.k, s: i.s, b: i.b });
      return done(t);
    },
    all: async (limit) => {
      const rows = await req(tx('readonly').getAll(IDBKeyRange.bound([name, ''], [name, '\uffff']), limit));
      return rows.map(({ k, s, b }: QueueItem) => ({ k, s, b }));
    },
    remove: (keys) => {
      const t = tx('readwrite');
      for (const k of keys) t.delete([name, k]);
      return done(t);
    },
  };
}
