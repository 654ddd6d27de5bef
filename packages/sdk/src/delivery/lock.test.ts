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
});
