// Hand-written fakes for the browser surfaces the SDK touches (used with happy-dom).
import { vi } from 'vitest';

/** A recorded request. */
export interface Call {
  url: string;
  init: RequestInit;
  body: unknown[];
}

type Reply = number | { status: number; headers?: Record<string, string>; body?: unknown } | 'network';

/**
 * A `fetch` that answers from a script (`next` replies in order; then `fallback`, which may be a
 * function of the posted batch, like a server) and records calls.
 * `hold()` keeps the next requests pending until `release()`.
 */
export function fakeFetch(fallback: Reply | ((batch: unknown[]) => Reply) = 200) {
  const calls: Call[] = [];
  const script: Reply[] = [];
  let held: (() => void)[] | undefined;
  const fn = vi.fn(async (url: string | URL | Request, init: RequestInit = {}) => {
    const body = JSON.parse(String(init.body));
    calls.push({ url: String(url), init, body });
    if (process.env.KAIROS_DEBUG_FETCH) console.log(new Error('fetch').stack);
    if (held) await new Promise<void>((r) => held!.push(r));
    const r = script.shift() ?? (typeof fallback === 'function' ? fallback(body) : fallback);
    if (r === 'network') throw new TypeError('Failed to fetch');
    const { status, headers, body: b } = typeof r === 'number' ? { status: r } : r;
    const text =
      b === undefined
        ? status < 300
          ? JSON.stringify(body.map((s: { id: string }) => s.id))
          : ''
        : JSON.stringify(b);
    return new Response(status === 204 ? null : text, { status, headers });
  });
  return {
    fetch: fn as unknown as typeof fetch,
    calls,
    next: (...r: Reply[]) => script.push(...r),
    hold: () => {
      held = [];
    },
    release: () => {
      const h = held ?? [];
      held = undefined;
      for (const r of h) r();
    },
  };
}

/** Sets `navigator.onLine` and fires `online` / `offline`. */
export function setOnline(online: boolean): void {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
  dispatchEvent(new Event(online ? 'online' : 'offline'));
}

/** Sets `document.visibilityState` and fires `visibilitychange`. */
export function setVisible(visible: boolean): void {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (visible ? 'visible' : 'hidden'),
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Makes `document.hasFocus()` answer `focused` (before a clock starts) and fires focus/blur. */
export function setFocus(focused: boolean, fire = true): void {
  document.hasFocus = () => focused;
  if (fire) dispatchEvent(new Event(focused ? 'focus' : 'blur'));
}

/** Installs a `navigator.sendBeacon` that records bodies and accepts up to `budget` bytes. */
export function fakeBeacon(budget = 65536) {
  const sent: { url: string; body: { token: string; version: string; statements: unknown[] } }[] = [];
  const fn = vi.fn((url: string, data: string) => {
    if (data.length > budget) return false;
    sent.push({ url, body: JSON.parse(data) });
    return true;
  });
  Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: fn });
  return { sent, fn };
}

/** Lets pending promise chains (IndexedDB-free stores, fetch fakes) settle under fake timers. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Resets page state between tests. */
export function resetPage(): void {
  localStorage.clear();
  setOnline(true);
  setVisible(true);
  setFocus(true, false);
}
