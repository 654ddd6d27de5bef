import type { Cache, CredentialRecord, CredentialRepository } from '../storage/types.js';

/**
 * How long a process trusts what it read of an API key. This bounds how long a revoked key (and every
 * token it minted) keeps working on an instance that missed the revocation message (no Redis between
 * processes, or a dropped subscription); instances that hear it drop the key at once.
 */
export const KEY_CACHE_MS = 5_000;

/** Cache channel on which revocations travel (Redis pub/sub across processes, memory within one). */
export const KEY_REVOKED_CHANNEL = 'keys:revoked';

// The entries stay small (a credential each), but a flood of unknown keys must not grow memory unbounded.
const MAX_ENTRIES = 10_000;

/** The API keys a process has read, for at most {@link KEY_CACHE_MS}, dropped when revoked anywhere. */
export class KeyCache {
  private readonly entries = new Map<
    string,
    { record: Promise<CredentialRecord | undefined>; until: number }
  >();

  constructor(
    private readonly credentials: CredentialRepository,
    private readonly options: { ttlMs?: number; now?: () => number } = {},
  ) {}

  /** The credential of `key` as the store had it at most the cache lifetime ago (revoked ones included). */
  find(key: string): Promise<CredentialRecord | undefined> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.record;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    // concurrent requests of one credential share a single store read
    const record = this.credentials.find(key);
    this.entries.set(key, { record, until: now + (this.options.ttlMs ?? KEY_CACHE_MS) });
    record.catch(() => this.entries.delete(key));
    return record;
  }

  /** Forgets `key`, so the next request reads the store again. */
  forget(key: string): void {
    this.entries.delete(key);
  }
}

const perRepository = new WeakMap<CredentialRepository, KeyCache>();
const listening = new WeakMap<KeyCache, WeakSet<Cache>>();

/**
 * The one {@link KeyCache} of a process for `credentials` (every router that authenticates shares it),
 * listening on `cache` for revocations published by {@link announceRevocation}.
 */
export function keyCacheOf(credentials: CredentialRepository, cache?: Cache): KeyCache {
  let keys = perRepository.get(credentials);
  if (!keys) {
    keys = new KeyCache(credentials);
    perRepository.set(credentials, keys);
  }
  const heard = listening.get(keys) ?? new WeakSet<Cache>();
  listening.set(keys, heard);
  if (cache && !heard.has(cache)) {
    heard.add(cache);
    const k = keys;
    // A failed subscription (Redis down at start) leaves the cache lifetime as the bound.
    cache.subscribe(KEY_REVOKED_CHANNEL, (key) => k.forget(key)).catch(() => heard.delete(cache));
  }
  return keys;
}

/**
 * Tells every process listening on `cache` (this one included) that `key` was revoked, so they drop it
 * from their {@link KeyCache} now rather than when its entry expires.
 */
export async function announceRevocation(cache: Cache, key: string): Promise<void> {
  await cache.publish(KEY_REVOKED_CHANNEL, key);
}
