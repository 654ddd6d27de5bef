import { uuid } from '../util/ids.js';

/** Runs `fn` while holding a cross-tab lock; resolves `false` without running it when another tab holds it. */
export type Lock = (fn: () => Promise<void>) => Promise<boolean>;

/**
 * A cross-tab lock so two tabs sharing a queue never send the same batch at the same time: the Web
 * Locks API when present (released even if the tab crashes), else a localStorage lease that expires
 * after `ttl` ms, else an in-page flag only.
 */
export function createLock(name: string, ls: Storage | undefined, ttl: number): Lock {
  const locks = globalThis.navigator?.locks;
  if (typeof locks?.request === 'function') {
    return (fn) =>
      locks.request(`kairos:${name}`, { ifAvailable: true }, (l) =>
        l ? fn().then(() => true) : false,
      ) as Promise<boolean>;
  }
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
