/** What the SDK does with a response, by status class. */
export type Outcome = 'ok' | 'auth' | 'too-large' | 'throttled' | 'rejected' | 'transient';

/**
 * 2xx → ok; 401 → auth (kept, waits for a new token); 413 → too-large (split the batch);
 * 429 → throttled (honour Retry-After); 404, 405, 408 → transient; any other 4xx → rejected (never
 * retried as is); 0 (network error), 5xx and anything else → transient (exponential backoff).
 */
export function classify(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401) return 'auth';
  if (status === 413) return 'too-large';
  if (status === 429) return 'throttled';
  // A 4xx refuses these statements: sent again they fail again, and would hold up the learner's queue.
  // But 408 (the request timed out) and 404/405 (an endpoint misconfigured or not deployed yet) say
  // nothing about them: dropping would lose every statement until the endpoint is fixed.
  return status >= 400 && status < 500 && status !== 404 && status !== 405 && status !== 408
    ? 'rejected'
    : 'transient';
}

/** Exponential backoff with ±50 % jitter, capped: `base·2^attempt·(0.5…1.5)`, at most `cap` ms. */
export function backoff(attempt: number, base: number, cap: number, rand = Math.random()): number {
  return Math.min(cap, base * 2 ** Math.min(attempt, 30) * (0.5 + rand));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function retryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/** Indexes named in a 400/409 body (`statement[2].result…`), so only the bad statements are dropped. */
export function badIndexes(body: string, size: number): number[] {
  const found = new Set<number>();
  for (const m of body.matchAll(/statement\[(\d+)\]/g)) if (Number(m[1]) < size) found.add(Number(m[1]));
  return [...found];
}
