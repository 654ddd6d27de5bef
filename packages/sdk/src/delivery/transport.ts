import type { Statement } from '../types.js';

/** Per-page budget for in-flight `keepalive` request bodies (Fetch standard, "inflight keepalive bytes"). */
export const KEEPALIVE_BUDGET = 65536;

/** What the sender needs from a response; status 0 = network error, timeout or refused keepalive. */
export interface Reply {
  status: number;
  retryAfter?: string | null;
  body?: string;
}

/** POSTs a batch to `{endpoint}/statements`; never throws. */
export async function post(
  fetchFn: typeof fetch,
  endpoint: string,
  token: string,
  body: string,
  keepalive: boolean,
  timeout: number,
): Promise<Reply> {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), timeout);
  try {
    const r = await fetchFn(`${endpoint}/statements`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Experience-API-Version': '2.0.0',
        'Content-Type': 'application/json',
      },
      body,
      keepalive,
      signal: ac.signal,
      credentials: 'omit',
    });
    // Always read the body: until it is consumed, Chromium counts a keepalive request against the quota.
    const text = await r.text().catch(() => '');
    return { status: r.status, retryAfter: r.headers.get('Retry-After'), body: text };
  } catch {
    return { status: 0 };
  } finally {
    clearTimeout(t);
  }
}

/**
 * Last-chance delivery to the collector (`{endpoint}/beacon`): a beacon cannot set headers, so the
 * token travels in a `text/plain` JSON body (a CORS-safelisted type: no preflight).
 * Returns whether the browser queued it.
 */
export function beacon(endpoint: string, token: string, statements: Statement[]): boolean {
  try {
    const body = JSON.stringify({ token, version: '2.0.0', statements });
    return navigator.sendBeacon(`${endpoint}/beacon`, body);
  } catch {
    return false;
  }
}

/** UTF-8 byte length of a string (what the keepalive budget counts). */
export const utf8 = (s: string): number => new TextEncoder().encode(s).length;
