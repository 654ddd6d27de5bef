// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLock } from './lock.js';

beforeEach(() => localStorage.clear());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('localStorage lease', () => {
  it('lets one tab in at a time and releases on completion', async () => {
    const a = createLock('x', localStorage, 60_000);
    const b = createLock('x', localStorage, 60_000);
    const d = deferred();
    const held = a(() => d.promise);
    expect(await b(async () => {})).toBe(false);
    d.resolve();
    expect(await held).toBe(true);
    expect(await b(async () => {})).toBe(true);
    expect(localStorage.getItem('kairos:lease:x')).toBeNull();
  });

  it('takes over a lease whose tab died after ttl', async () => {
    vi.useFakeTimers();
    localStorage.setItem('kairos:lease:x', `dead-tab ${Date.now() + 1000}`);
    const b = createLock('x', localStorage, 60_000);
    expect(await b(async () => {})).toBe(false);
    vi.advanceTimersByTime(1001);
    expect(await b(async () => {})).toBe(true);
  });

  it('releases the lease when the work throws', async () => {
    const a = createLock('x', localStorage, 60_000);
    await expect(a(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(localStorage.getItem('kairos:lease:x')).toBeNull();
  });
});

describe('Web Locks', () => {
  it('uses navigator.locks with ifAvailable when present', async () => {
    const held = new Set<string>();
    const request = vi.fn(async (name: string, opts: LockOptions, cb: (l: unknown) => unknown) => {
      if (opts.ifAvailable && held.has(name)) return cb(null);
      held.add(name);
      try {
        return await cb({ name });
      } finally {
        held.delete(name);
      }
    });
    vi.stubGlobal('navigator', { ...navigator, locks: { request } });
    const a = createLock('y', localStorage, 60_000);
    const b = createLock('y', localStorage, 60_000);
    const d = deferred();
    const first = a(() => d.promise);
    expect(await b(async () => {})).toBe(false);
    d.resolve();
    expect(await first).toBe(true);
    expect(request).toHaveBeenCalledWith('kairos:y', { ifAvailable: true }, expect.any(Function));
    expect(localStorage.getItem('kairos:lease:y')).toBeNull();
  });

  it('falls back to the lease when the Locks API refuses (a third-party frame with cookies blocked)', async () => {
    const request = vi.fn(async () => {
      throw new DOMException('The request was denied.', 'SecurityError');
    });
    vi.stubGlobal('navigator', { ...navigator, locks: { request } });
    const a = createLock('z', localStorage, 60_000);
    const b = createLock('z', localStorage, 60_000);
    let runs = 0;
    expect(await a(async () => void runs++)).toBe(true);
    expect(runs).toBe(1);
    // from then on the lease keeps two tabs apart, without asking the Locks API again
    const d = deferred();
    const held = a(() => d.promise);
    expect(await b(async () => void runs++)).toBe(false);
    d.resolve();
    expect(await held).toBe(true);
    expect(request).toHaveBeenCalledTimes(2); // once per lock, then never again
  });

  it('does not run the work twice when the work itself fails under the lock', async () => {
    const request = vi.fn(async (_n: string, _o: LockOptions, cb: (l: unknown) => unknown) => cb({}));
    vi.stubGlobal('navigator', { ...navigator, locks: { request } });
    const a = createLock('w', localStorage, 60_000);
    let runs = 0;
    await expect(
      a(async () => {
        runs++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(runs).toBe(1);
  });
});
