import { uuid } from '../util/ids.js';

/** Runs `fn` while holding a cross-tab lock; resolves `false` without running it when another tab holds it. */
export type Lock = (fn: () => Promise<void>) => Promise<boolean>;

/**
 * A cross-tab lock so two tabs sharing a queue never send the same batch at the same time: the Web
 * Locks API when present (released even if the tab crashes), else a localStorage lease that expires
 * after `ttl` ms, else no lock (the page's own sender runs one batch at a time). A page where the Locks
 * API refuses to work — a third-party LMS frame with cookies blocked gets "The request was denied" — falls
 * back to the lease (or to none) from then on, so statements still go out.
 */
export function createLock(name: string, ls: Storage | undefined, ttl: number): Lock {
  const lease = leaseLock(name, ls, ttl);
  const locks = globalThis.navigator?.locks;
  if (typeof locks?.request !== 'function') return lease;
  let refused = false;
  return async (fn) => {
    if (refused) return lease(fn);
    let ran = false;
    try {
      return (await locks.request(`kairos:${name}`, { ifAvailable: true }, (l) => {
        if (!l) return false;
        ran = true;
        return fn().then(() => true);
      })) as boolean;
    } catch (error) {
      if (ran) throw error; // the work failed, not the lock
      refused = true;
      return lease(fn);
    }
  };
}

/** A localStorage lease that expires after `ttl` ms; without storage, no lock at all. */
function leaseLock(name: string, ls: Storage | undefined, ttl: number): Lock {
  const key = `kairos:lease:${name}`;
  const me = uuid();
  return async (fn) => {
    if (ls) {
      const [owner, until] = (ls.getItem(key) ?? '').split(' ');
      if (owner && owner !== me && Number(until) > Date.now()) return false;
      ls.setItem(key, `${me} ${Date.now() + ttl}`);
      // Two tabs may both have seen the lease free: the last writer wins, the other backs off.
      if (!ls.getItem(key)?.startsWith(`${me} `)) return false;
    }
    try {
      await fn();
    } finally {
      if (ls?.getItem(key)?.startsWith(`${me} `)) ls.removeItem(key);
    }
    return true;
  };
}
