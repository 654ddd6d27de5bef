import type { Tracker } from '../tracker/tracker.js';
import type { ActivityInput } from '../types.js';

/** Options of `captureHistory`. */
export interface HistoryOptions {
  /**
   * Maps a URL to the screen activity, or `undefined` to ignore the change. Default: origin + path
   * + hash, without the query string (which often carries tokens or personal data), named by `document.title`.
   */
  toActivity?: (url: URL) => ActivityInput | undefined;
}

const EVENT = 'kairos:locationchange';

// Patched once per window and never unpatched: several trackers (and copies of the SDK) share the
// event instead of wrapping each other's wrappers, which could not be undone in any order.
function patch(h: History & { __kairos?: 1 }) {
  if (h.__kairos) return;
  h.__kairos = 1;
  for (const m of ['pushState', 'replaceState'] as const) {
    const original = h[m];
    h[m] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      dispatchEvent(new Event(EVENT));
    };
  }
}

/**
 * Opt-in SPA navigation capture: `pushState`, `replaceState`, `popstate` and `hashchange` become
 * `tracker.navigate()` calls (an `experienced` statement with from/to and time on the previous screen).
 * Returns a function that stops the capture.
 * @example
 * import { captureHistory } from '@kairos/sdk/spa';
 * const stop = captureHistory(tracker);
 */
export function captureHistory(tracker: Tracker, options: HistoryOptions = {}): () => void {
  const map =
    options.toActivity ??
    ((u: URL) => ({ id: u.origin + u.pathname + u.hash, name: document.title || u.pathname }));
  let current: string | undefined;
  const check = () => {
    const a = map(new URL(location.href));
    const id = a && (typeof a === 'string' ? a : a.id);
    if (!a || id === current) return;
    current = id;
    tracker.navigate(a);
  };
  patch(history);
  check();
  const types = [EVENT, 'popstate', 'hashchange'];
  for (const t of types) addEventListener(t, check);
  return () => {
    for (const t of types) removeEventListener(t, check);
  };
}
