// @vitest-environment happy-dom
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { settle } from '../../test/fakes.js';
import type { Statement } from '../types.js';
import { indexedDbStore } from './indexeddb.js';
import { localStorageStore } from './local-storage.js';
import { memoryStore } from './memory.js';
import { createQueue, openStore } from './queue.js';
import type { QueueItem } from './types.js';

const st = (n: number, pad = 0): Statement => ({
  id: `id-${n}`,
  verb: { id: 'v' },
  object: { id: `https://example.org/${n}` },
  ...(pad ? { pad: 'x'.repeat(pad) } : {}),
});
const ids = (items: QueueItem[]) => items.map((i) => i.s.id);

beforeEach(() => {
  localStorage.clear();
  vi.stubGlobal('IDBKeyRange', IDBKeyRange);
});

describe('bounds', () => {
  it('drops the oldest statements past maxItems and reports them', async () => {
    const dropped: QueueItem[][] = [];
    const q = createQueue(Promise.resolve(memoryStore()), 3, 1e9, (d) => dropped.push(d));
    for (let n = 1; n <= 5; n++) q.push(st(n));
    expect(ids(q.pending())).toEqual(['id-3', 'id-4', 'id-5']);
    expect(dropped.map(ids)).toEqual([['id-1'], ['id-2']]);
    await settle();
    expect(ids(await q.load())).toEqual(['id-3', 'id-4', 'id-5']);
  });

  it('drops the oldest statements past maxBytes, but keeps the newest even if alone it is larger', async () => {
    const dropped: QueueItem[] = [];
    const q = createQueue(Promise.resolve(memoryStore()), 100, 1000, (d) => dropped.push(...d));
    q.push(st(1, 400));
    q.push(st(2, 400));
    expect(dropped).toEqual([]);
    q.push(st(3, 400));
    expect(ids(dropped)).toEqual(['id-1']);
    q.push(st(4, 5000));
    expect(ids(q.pending())).toEqual(['id-4']);
  });

  it('trims what another tab left past the bounds on load', async () => {
    const store = localStorageStore('t');
    const other = createQueue(Promise.resolve(store), 100, 1e9, () => {});
    for (let n = 1; n <= 4; n++) other.push(st(n));
    await settle();
    const dropped: QueueItem[] = [];
    const q = createQueue(Promise.resolve(localStorageStore('t')), 2, 1e9, (d) => dropped.push(...d));
    expect(ids(await q.load())).toEqual(['id-3', 'id-4']);
    expect(ids(dropped)).toEqual(['id-1', 'id-2']);
  });
});

describe('persistence', () => {
  it('keeps statements in localStorage, one key per statement, across page loads', async () => {
    const q1 = createQueue(Promise.resolve(localStorageStore('p')), 100, 1e9, () => {});
    q1.push(st(1));
    q1.push(st(2));
    await settle();
    expect(Object.keys(localStorage).filter((k) => k.startsWith('kairos:q:p:'))).toHaveLength(2);
    const q2 = createQueue(Promise.resolve(localStorageStore('p')), 100, 1e9, () => {});
    const items = await q2.load();
    expect(ids(items)).toEqual(['id-1', 'id-2']);
    await q2.remove(items.slice(0, 1));
    expect(
      ids(await createQueue(Promise.resolve(localStorageStore('p')), 100, 1e9, () => {}).load()),
    ).toEqual(['id-2']);
  });

  it('keeps statements in IndexedDB across page loads, per queue name, in order', async () => {
    const idb = new IDBFactory();
    const a = createQueue(indexedDbStore('a', idb), 100, 1e9, () => {});
    const b = createQueue(indexedDbStore('b', idb), 100, 1e9, () => {});
    for (let n = 1; n <= 3; n++) a.push(st(n));
    b.push(st(9));
    await vi.waitFor(async () => expect(await (await indexedDbStore('a', idb)).all()).toHaveLength(3));
    const again = createQueue(indexedDbStore('a', idb), 100, 1e9, () => {});
    const items = await again.load();
    expect(ids(items)).toEqual(['id-1', 'id-2', 'id-3']);
    await again.remove([items[1]!]);
    expect(ids(await (await indexedDbStore('a', idb)).all())).toEqual(['id-1', 'id-3']);
    expect(ids(await (await indexedDbStore('b', idb)).all())).toEqual(['id-9']);
  });

  it('shows statements whose write has not landed yet in load() and pending()', async () => {
    let land!: () => void;
    const store = memoryStore();
    const slow = {
      ...store,
      add: (i: QueueItem) => new Promise<void>((r) => (land = () => r(store.add(i)))),
    };
    const q = createQueue(Promise.resolve(slow), 100, 1e9, () => {});
    q.push(st(1));
    await settle();
    expect(ids(await q.load())).toEqual(['id-1']);
    land();
    await settle();
    expect(ids(await q.load())).toEqual(['id-1']);
  });

  it('falls back from IndexedDB to localStorage to memory', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const ls = await openStore('auto', 'f');
    await ls.add({ k: '1', s: st(1), b: 10 });
    expect(localStorage.getItem('kairos:q:f:1')).not.toBeNull();
    const mem = await openStore('memory', 'f');
    expect(await mem.all()).toEqual([]);
    vi.stubGlobal('indexedDB', new IDBFactory());
    const idb = await openStore('auto', 'f');
    await idb.add({ k: '2', s: st(2), b: 10 });
    expect(localStorage.getItem('kairos:q:f:2')).toBeNull();
    expect((await idb.all()).map((i) => i.k)).toEqual(['2']);
  });

  it('keeps a statement in memory when storage refuses the write', async () => {
    const store = memoryStore();
    const full = { ...store, add: () => Promise.reject(new DOMException('full', 'QuotaExceededError')) };
    const q = createQueue(Promise.resolve(full), 100, 1e9, () => {});
    q.push(st(1));
    await settle();
    expect(ids(q.pending())).toEqual(['id-1']);
  });
});

describe('several tabs', () => {
  it('two tabs writing to the same localStorage queue never lose each other’s statements', async () => {
    const a = createQueue(Promise.resolve(localStorageStore('s')), 100, 1e9, () => {});
    const b = createQueue(Promise.resolve(localStorageStore('s')), 100, 1e9, () => {});
    a.push(st(1));
    b.push(st(2));
    a.push(st(3));
    await settle();
    expect(ids(await b.load()).sort()).toEqual(['id-1', 'id-2', 'id-3']);
  });

  it('a partial load forgets what another tab sent, and keeps what it has not read', async () => {
    const a = createQueue(Promise.resolve(localStorageStore('s')), 100, 1e9, () => {});
    for (let n = 1; n <= 4; n++) a.push(st(n));
    await settle();
    const b = createQueue(Promise.resolve(localStorageStore('s')), 100, 1e9, () => {});
    await b.remove((await b.load()).slice(0, 2)); // tab b sends 1 and 2
    expect(ids(await a.load(1))).toEqual(['id-3', 'id-4']);
    expect(a.size()).toEqual([2, a.pending().reduce((n, i) => n + i.b, 0)]);
  });
});
