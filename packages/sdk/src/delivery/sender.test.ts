// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBeacon, fakeFetch, resetPage, setOnline, settle } from '../../test/fakes.js';
import { localStorageStore } from '../queue/local-storage.js';
import { memoryStore } from '../queue/memory.js';
import { createQueue } from '../queue/queue.js';
import type { QueueStore } from '../queue/types.js';
import type { Statement } from '../types.js';
import { createLock } from './lock.js';
import { createSender, type DeliveryFailure, type SenderOptions } from './sender.js';

const st = (n: number, pad = 0): Statement => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: `https://example.org/q/${n}` },
  ...(pad ? { pad: 'x'.repeat(pad) } : {}),
});

function setup(
  over: Partial<SenderOptions> = {},
  store: QueueStore = memoryStore(),
  name = 'q',
  server?: Parameters<typeof fakeFetch>[0],
) {
  const net = fakeFetch(server);
  const failures: DeliveryFailure[] = [];
  const sent: Statement[][] = [];
  const queue = createQueue(Promise.resolve(store), 1000, 1e7, () => {});
  let token = 'tok';
  const sender = createSender({
    endpoint: 'https://kairos.test/xapi',
    token: () => token,
    fetch: net.fetch,
    queue,
    lock: createLock(name, localStorage, 60_000),
    batchSize: 50,
    batchBytes: 48_000,
    flushInterval: 2000,
    retryBase: 1000,
    retryCap: 300_000,
    timeout: 30_000,
    onSuccess: (s) => sent.push(s),
    onFailure: (f) => failures.push(f),
    ...over,
  });
  const push = (...s: Statement[]) => {
    for (const x of s) {
      queue.push(x);
      sender.schedule();
    }
  };
  const ids = () => net.calls.map((c) => c.body.map((s) => (s as Statement).id));
  return { net, failures, sent, queue, sender, push, ids, setToken: (t: string) => (token = t) };
}

beforeEach(() => {
  resetPage();
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.5); // backoff jitter factor = 1
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('batching', () => {
  it('sends a partial batch after flushInterval, not before', async () => {
    const t = setup();
    t.push(st(1), st(2));
    await vi.advanceTimersByTimeAsync(1999);
    expect(t.net.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.ids()).toEqual([[st(1).id, st(2).id]]);
    const { init, url } = t.net.calls[0]!;
    expect(url).toBe('https://kairos.test/xapi/statements');
    expect(init.headers).toMatchObject({
      Authorization: 'Bearer tok',
      'X-Experience-API-Version': '2.0.0',
      'Content-Type': 'application/json',
    });
    expect(await t.queue.load()).toEqual([]);
    expect(t.sent).toHaveLength(1);
  });

  it('sends at once when a batch is full by count, in batches of batchSize', async () => {
    const t = setup({ batchSize: 3 });
    t.push(...[1, 2, 3, 4, 5, 6, 7].map((n) => st(n)));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ids().map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('bounds a batch by bytes', async () => {
    const t = setup({ batchBytes: 1000 });
    t.push(st(1, 400), st(2, 400), st(3, 400));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ids().map((b) => b.length)).toEqual([1, 1, 1]);
    for (const c of t.net.calls) expect(String(c.init.body).length).toBeLessThanOrEqual(1000);
    expect(t.ids().flat()).toHaveLength(3);
  });

  it('puts as many statements as fit the byte bound in one batch', async () => {
    const t = setup({ batchBytes: 1200 });
    t.push(st(1, 400), st(2, 400), st(3, 400));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.ids().map((b) => b.length)).toEqual([2, 1]);
  });
});

describe('retry by status class', () => {
  it('backs off exponentially on 503 and keeps the batch', async () => {
    const t = setup();
    t.net.next(503, 503);
    t.push(st(1));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.net.calls).toHaveLength(1);
    expect(t.failures[0]).toMatchObject({ code: 'transient', status: 503, willRetry: true });
    await vi.advanceTimersByTimeAsync(999);
    expect(t.net.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // base 1000 × 2^0
    expect(t.net.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(t.net.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // base × 2^1
    expect(t.net.calls).toHaveLength(3);
    expect(t.sent.flat().map((s) => s.id)).toEqual([st(1).id]);
    expect(await t.queue.load()).toEqual([]);
  });

  it('retries after a fractional backoff although setTimeout truncates its delay (found in Chromium)', async () => {
    vi.mocked(Math.random).mockReturnValue(0.2345); // wait 1000 × 0.7345 = 734.5 ms
    // Browsers convert the delay to a whole number of ms (WebIDL long): the timer fires at 734 ms.
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) =>
      real(fn, Math.trunc(ms ?? 0))) as typeof setTimeout);
    const t = setup();
    t.net.next(503);
    t.push(st(1));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.net.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(736);
    expect(t.net.calls).toHaveLength(2);
    expect(t.sent.flat().map((s) => s.id)).toEqual([st(1).id]);
  });

  it('retries a refused keepalive request at once without keepalive', async () => {
    const t = setup();
    t.net.next('network');
    t.push(st(1));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.net.calls.map((c) => c.init.keepalive)).toEqual([true, false]);
    expect(t.failures).toEqual([]);
    expect(t.sent).toHaveLength(1);
  });

  it('retries network errors the same way', async () => {
    const t = setup();
    t.net.next('network', 'network');
    t.push(st(1));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.failures[0]).toMatchObject({ code: 'transient', status: 0, willRetry: true });
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.sent).toHaveLength(1);
  });

  it('caps the backoff and applies ±50 % jitter', async () => {
    vi.mocked(Math.random).mockReturnValue(0.99);
    const t = setup({ retryCap: 5000 });
    t.net.next(500, 500, 500, 500, 500);
    t.push(st(1));
    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(1490); // 1000 × 1.49
    expect(t.net.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2980 + 5000 + 5000);
    expect(t.net.calls).toHaveLength(5); // 4th and 5th waits capped at 5000
  });

  it('honours Retry-After on 429', async () => {
    const t = setup();
    t.net.next({ status: 429, headers: { 'Retry-After': '7' } });
    t.push(st(1));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.failures[0]).toMatchObject({ code: 'throttled', status: 429, willRetry: true });
    t.push(st(2), st(3)); // new statements do not jump the wait
    await vi.advanceTimersByTimeAsync(6999);
    expect(t.net.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.ids()[1]).toEqual([st(1).id, st(2).id, st(3).id]);
  });

  it('does not retry a 400: drops the statement and reports it', async () => {
    const t = setup();
    const body = { code: 'invalid', message: 'statement[0].result.score.scaled: must be between -1 and 1' };
    t.net.next({ status: 400, body });
    t.push(st(1));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.failures).toEqual([
      {
        code: 'rejected',
        status: 400,
        serverCode: 'invalid',
        message: body.message,
        statements: [st(1)],
        willRetry: false,
      },
    ]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(t.net.calls).toHaveLength(1);
    expect(await t.queue.load()).toEqual([]);
  });

  it('drops only the statement a 400 names and resends the rest of the batch', async () => {
    const t = setup();
    t.net.next({ status: 400, body: { code: 'invalid', message: 'statement[1].verb.id: must be an IRI' } });
    t.push(st(1), st(2), st(3));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.ids()).toEqual([
      [st(1).id, st(2).id, st(3).id],
      [st(1).id, st(3).id],
    ]);
    expect(t.failures.map((f) => f.statements.map((s) => s.id))).toEqual([[st(2).id]]);
  });

  it('sends a rejected batch one by one when the 400 names no statement', async () => {
    const t = setup();
    t.net.next({ status: 403, body: { message: 'forbidden' } }, 200, { status: 403, body: {} });
    t.push(st(1), st(2));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.ids()).toEqual([[st(1).id, st(2).id], [st(1).id], [st(2).id]]);
    expect(t.sent.flat().map((s) => s.id)).toEqual([st(1).id]);
    expect(t.failures).toMatchObject([{ code: 'rejected', status: 403, statements: [st(2)] }]);
  });

  it('splits the batch on 413, and drops a single statement that is still too large', async () => {
    const t = setup();
    t.net.next(413, 200, 413, 413);
    t.push(st(1), st(2), st(3), st(4));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.ids().map((b) => b.length)).toEqual([4, 2, 2, 1, 1]);
    expect(t.failures).toMatchObject([{ code: 'too-large', statements: [st(3)], willRetry: false }]);
  });

  it('pauses on 401 without retrying, keeps the statements, and resumes with a new token', async () => {
    const t = setup();
    t.net.next(401);
    t.push(st(1));
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.failures).toMatchObject([{ code: 'unauthorized', status: 401, willRetry: false }]);
    t.push(st(2));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(t.net.calls).toHaveLength(1);
    t.setToken('tok2');
    t.sender.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.net.calls[1]!.init.headers).toMatchObject({ Authorization: 'Bearer tok2' });
    expect(t.ids()[1]).toEqual([st(1).id, st(2).id]);
  });
});

describe('statements the server refuses (issue 8)', () => {
  /** A statement the fake server refuses, as Kairos refuses a NUL in a string. */
  const poisoned = (n: number): Statement => ({ ...st(n), result: { response: 'a\u0000b' } });
  const isPoisoned = (s: unknown) => JSON.stringify(s).includes('\\u0000');

  for (const status of [400, 403, 409, 412, 415, 422, 451]) {
    it(`drops a batch refused with ${status} and reports the server's code and message`, async () => {
      const t = setup();
      const body = { code: 'some_code', message: 'statement[0].result.response: contains U+0000 …' };
      t.net.next({ status, body });
      t.push(st(1));
      await vi.advanceTimersByTimeAsync(2000);
      expect(t.failures).toEqual([
        {
          code: 'rejected',
          status,
          serverCode: 'some_code',
          message: body.message,
          statements: [st(1)],
          willRetry: false,
        },
      ]);
      await vi.advanceTimersByTimeAsync(600_000);
      expect(t.net.calls).toHaveLength(1);
      expect(await t.queue.load()).toEqual([]);
    });
  }

  for (const status of [404, 405, 408, 500, 502, 503]) {
    it(`keeps a batch answered ${status} and retries it with backoff (it says nothing about the statements)`, async () => {
      const t = setup();
      t.net.next({ status, body: { code: 'not_found', message: 'no resource' } });
      t.push(st(1));
      await vi.advanceTimersByTimeAsync(2000);
      expect(t.failures).toMatchObject([
        { code: 'transient', status, serverCode: 'not_found', willRetry: true },
      ]);
      await vi.advanceTimersByTimeAsync(1000);
      expect(t.sent.flat()).toEqual([st(1)]);
    });
  }

  it('finds the refused statements of a batch when the 400 names none, and delivers the rest', async () => {
    const t = setup({}, memoryStore(), 'q', (batch) =>
      batch.some(isPoisoned) ? { status: 400, body: { code: 'invalid_statement', message: 'bad' } } : 200,
    );
    const all = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => (n % 4 === 2 ? poisoned(n) : st(n)));
    t.push(...all);
    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.sent.flat().map((s) => s.id)).toEqual(all.filter((s) => !isPoisoned(s)).map((s) => s.id));
    expect(t.failures.map((f) => f.statements.map((s) => s.id))).toEqual([
      [st(2).id],
      [st(6).id],
      [st(10).id],
    ]);
    expect(t.failures.every((f) => f.code === 'rejected' && f.serverCode === 'invalid_statement')).toBe(true);
    expect(t.net.calls.length).toBeLessThanOrEqual(1 + all.length);
    expect(await t.queue.load()).toEqual([]);
  });

  it('drops exactly the statements a 400 names (Kairos names each path) and delivers the rest at once', async () => {
    const t = setup({}, memoryStore(), 'q', (batch) => {
      const bad = batch.flatMap((s, i) => (isPoisoned(s) ? [`statement[${i}].result.response`] : []));
      return bad.length
        ? {
            status: 400,
            body: {
              code: 'invalid_statement',
              message: `${bad[0]}: contains U+0000`,
              issues: bad.map((path) => ({ path })),
            },
          }
        : 200;
    });
    const all = [1, 2, 3, 4, 5].map((n) => (n === 2 || n === 5 ? poisoned(n) : st(n)));
    t.push(...all);
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.ids()).toEqual([all.map((s) => s.id), [st(1).id, st(3).id, st(4).id]]);
    expect(t.failures).toMatchObject([{ code: 'rejected', statements: [all[1], all[4]], willRetry: false }]);
  });

  it('keeps a poisoned batch that the server answers 500 and retries it; it is never dropped', async () => {
    const t = setup({}, memoryStore(), 'q', (batch) => (batch.some(isPoisoned) ? 500 : 200));
    t.push(poisoned(1));
    await vi.advanceTimersByTimeAsync(2000 + 1000 + 2000 + 4000);
    expect(t.net.calls).toHaveLength(4);
    expect(t.failures.every((f) => f.willRetry)).toBe(true);
    expect(await t.queue.load()).toHaveLength(1);
  });
});

describe('offline', () => {
  it('does not send while offline and drains when back online', async () => {
    const t = setup();
    setOnline(false);
    t.push(st(1), st(2));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.net.calls).toHaveLength(0);
    setOnline(true);
    t.sender.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ids()).toEqual([[st(1).id, st(2).id]]);
  });

  it('drains what an earlier page load left in a durable store', async () => {
    const store = localStorageStore('drain');
    const first = setup({}, store);
    setOnline(false);
    first.push(st(1));
    await settle();
    first.sender.stop();
    setOnline(true);
    const second = setup({}, localStorageStore('drain'));
    await second.sender.flush();
    expect(second.ids()).toEqual([[st(1).id]]);
  });
});

describe('page hide', () => {
  it('sends with keepalive within the 64 KB budget, then falls back to sendBeacon', async () => {
    const beacon = fakeBeacon();
    const t = setup({ batchBytes: 40_000 });
    t.net.hold();
    t.push(st(1, 35_000), st(2, 35_000), st(3, 100));
    t.sender.hide();
    expect(t.net.calls).toHaveLength(1); // started synchronously, inside the event handler
    expect(t.net.calls[0]!.init.keepalive).toBe(true);
    expect(beacon.sent).toHaveLength(1); // 35 KB + 35 KB > 64 KB budget → beacon
    expect(beacon.sent[0]).toEqual({
      url: 'https://kairos.test/xapi/beacon',
      body: { token: 'tok', version: '2.0.0', statements: [st(2, 35_000), st(3, 100)] },
    });
    t.net.release();
    await settle();
    // Beaconed statements stay queued until a confirmed send: the server ignores the identical re-send.
    expect((await t.queue.load()).map((i) => i.s.id)).toEqual([st(2).id, st(3).id]);
  });

  it('falls back to sendBeacon when the keepalive fetch is refused', async () => {
    const beacon = fakeBeacon();
    const t = setup();
    t.net.next('network');
    t.push(st(1));
    t.sender.hide();
    await settle();
    expect(beacon.sent.map((b) => b.body.statements)).toEqual([[st(1)]]);
  });

  it('leaves statements queued when the beacon is refused too', async () => {
    fakeBeacon(10);
    const t = setup({ batchBytes: 60_000 });
    t.net.hold();
    t.push(st(1, 50_000), st(2, 50_000));
    t.sender.hide();
    expect(t.net.calls).toHaveLength(1);
    expect(t.queue.pending()).toHaveLength(2);
  });

  it('does nothing after a 401 or without a token', async () => {
    const beacon = fakeBeacon();
    const t = setup();
    t.setToken('');
    t.push(st(1));
    t.sender.hide();
    expect(t.net.calls).toHaveLength(0);
    expect(beacon.sent).toHaveLength(0);
  });
});

describe('several tabs', () => {
  it('never sends the same batch from two tabs at once (localStorage lease)', async () => {
    const a = setup({}, localStorageStore('shared'), 'shared');
    const b = setup({}, localStorageStore('shared'), 'shared');
    a.push(st(1), st(2));
    b.push(st(3));
    await settle();
    a.net.hold();
    const fa = a.sender.flush();
    await settle();
    await b.sender.flush(); // lease held by tab a: b backs off
    expect(b.net.calls).toHaveLength(0);
    a.net.release();
    await fa;
    expect(a.ids()).toEqual([[st(1).id, st(2).id, st(3).id]]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(b.net.calls).toHaveLength(0); // a already sent b's statement from the shared queue
    expect(await b.queue.load()).toEqual([]);
  });
});
