import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Runs `fn` with `actor` as who the audit log names for the admin actions it performs. */
export function asActor<T>(actor: string, fn: () => T): T {
  return current.run(actor, fn);
}

/** Who performs the admin action under way: `cli` (a command on the stores) unless a caller said otherwise. */
export function currentActor(): string {
  return current.getStore() ?? 'cli';
}
