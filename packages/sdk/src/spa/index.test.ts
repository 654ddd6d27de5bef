// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, resetPage } from '../../test/fakes.js';
import { ProfileExtensions as X } from '../profile.js';
import { createTracker, type Tracker } from '../tracker/tracker.js';
import type { Statement } from '../types.js';
import { captureHistory } from './index.js';

const trackers: Tracker[] = [];
function make(name: string) {
  const seen: Statement[] = [];
  const t = createTracker({
    endpoint: 'https://kairos.test/xapi',
    token: 'tok',
    actor: { account: { homePage: 'https://lms.example', name } },
    storage: 'memory',
    heartbeat: 0,
    fetch: fakeFetch().fetch,
    beforeSend: (s) => {
      seen.push(s);
      return s;
    },
  });
  trackers.push(t);
  const nav = () =>
    seen.map((s) => [
      s.context!.extensions![X.navigationFrom] ?? null,
      s.context!.extensions![X.navigationTo],
    ]);
  return { t, seen, nav };
}

beforeEach(() => {
  resetPage();
  vi.useFakeTimers();
  history.replaceState(null, '', '/start');
});
afterEach(() => {
  for (const t of trackers.splice(0)) t.destroy();
  vi.useRealTimers();
});

describe('captureHistory', () => {
  it('turns pushState, replaceState, popstate and hashchange into navigation statements', () => {
    const { t, nav, seen } = make('a');
    const stop = captureHistory(t);
    const o = location.origin;
    vi.advanceTimersByTime(2000);
    history.pushState(null, '', '/lesson/1?token=secret');
    history.replaceState(null, '', '/lesson/1?page=2'); // same screen once the query is dropped
    vi.advanceTimersByTime(3000);
    location.hash = '#part-2';
    dispatchEvent(new HashChangeEvent('hashchange'));
    history.pushState(null, '', '/start');
    dispatchEvent(new PopStateEvent('popstate'));
    expect(nav()).toEqual([
      [null, `${o}/start`],
      [`${o}/start`, `${o}/lesson/1`],
      [`${o}/lesson/1`, `${o}/lesson/1#part-2`],
      [`${o}/lesson/1#part-2`, `${o}/start`],
    ]);
    expect(seen[1]!.result!.extensions![X.timeOnPrevious]).toBe(2);
    expect(seen[2]!.result!.extensions![X.timeOnPrevious]).toBe(3);
    stop();
    history.pushState(null, '', '/after');
    expect(seen).toHaveLength(4);
  });

  it('lets two trackers capture the same history without wrapping each other', () => {
    const a = make('a');
    const b = make('b');
    const stopA = captureHistory(a.t);
    captureHistory(b.t, {
      toActivity: (u) => (u.pathname.startsWith('/skip') ? undefined : `urn:screen:${u.pathname}`),
    });
    history.pushState(null, '', '/x');
    history.pushState(null, '', '/skip/me');
    stopA();
    history.pushState(null, '', '/y');
    expect(a.seen).toHaveLength(3);
    expect(b.nav().map((n) => n[1])).toEqual(['urn:screen:/start', 'urn:screen:/x', 'urn:screen:/y']);
  });
});
