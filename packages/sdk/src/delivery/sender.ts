import type { Queue } from '../queue/queue.js';
import type { QueueItem } from '../queue/types.js';
import type { Statement } from '../types.js';
import type { Lock } from './lock.js';
import { backoff, badIndexes, classify, retryAfter } from './retry.js';
import { beacon, KEEPALIVE_BUDGET, post, type Reply, utf8 } from './transport.js';

/**
 * Why statements did not reach Kairos. `willRetry: false` means they were dropped, except with code
 * `unauthorized`: those stay queued and go out after `tracker.setToken()` or on the next page load.
 */
export interface DeliveryFailure {
  code: 'rejected' | 'unauthorized' | 'too-large' | 'throttled' | 'transient' | 'queue-full';
  /** HTTP status (0: network error or timeout). */
  status?: number;
  /** The server's error code, e.g. `invalid_statement`, `forbidden_actor`. */
  serverCode?: string;
  /** The server's message, naming what to fix: `statement[1].actor.account.name: contains U+0000 …`. */
  message?: string;
  statements: Statement[];
  willRetry: boolean;
}

/** Delivery settings (see `TrackerOptions` for their defaults). */
export interface SenderOptions {
  endpoint: string;
  token: () => string | undefined;
  fetch: typeof fetch;
  queue: Queue;
  lock: Lock;
  batchSize: number;
  batchBytes: number;
  flushInterval: number;
  retryBase: number;
  retryCap: number;
  timeout: number;
  onSuccess: (s: Statement[]) => void;
  onFailure: (f: DeliveryFailure) => void;
}

/** Batches, sends and retries what the queue holds. */
export interface Sender {
  /** Called after each push: sends at once when a batch is full, else within `flushInterval`. */
  schedule(): void;
  /** Sends everything now (unless offline, paused by 401/429/backoff, or another tab is sending). */
  flush(): Promise<void>;
  /** Page is being hidden or unloaded: keepalive fetches within 64 KB, then `sendBeacon`. */
  hide(): void;
  /** Back online or new token: forget the network backoff and the 401 pause. */
  resume(): void;
  stop(): void;
}

/** Creates the sender. */
export function createSender(o: SenderOptions): Sender {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = Infinity;
  let notBefore = 0;
  let attempt = 0;
  let authBlocked = false;
  let stopped = false;
  let busy: Promise<void> | undefined;
  let limit = o.batchSize;
  let keepaliveBytes = 0;
  const inflight = new Set<string>();
  const solo = new Set<string>();

  const arm = (delay: number) => {
    // Never earlier than a 429 Retry-After or a backoff allows. Whole ms rounded up: setTimeout truncates
    // a fractional delay (the jittered backoff), and a timer firing before `notBefore` would send nothing.
    delay = Math.ceil(Math.max(delay, notBefore - Date.now()));
    if (stopped || Date.now() + delay >= due) return;
    clearTimeout(timer);
    due = Date.now() + delay;
    timer = setTimeout(() => {
      due = Infinity;
      // Timers and Date.now() are different clocks: fired a little early, wait the rest (else it stalls).
      if (Date.now() < notBefore) arm(0);
      else flush();
    }, delay);
  };
  const canSend = () =>
    !stopped && !authBlocked && !!o.token() && navigator.onLine !== false && Date.now() >= notBefore;

  const pick = (items: QueueItem[]) => {
    if (solo.has(items[0]!.k)) return [items[0]!];
    const batch: QueueItem[] = [];
    let bytes = 2;
    for (const i of items) {
      if (batch.length && (batch.length >= limit || bytes + i.b + 1 > o.batchBytes)) break;
      batch.push(i);
      bytes += i.b + 1;
    }
    return batch;
  };

  const fail = (code: DeliveryFailure['code'], r: Reply, batch: QueueItem[], willRetry: boolean) => {
    let e: { code?: string; message?: string } = {};
    try {
      e = JSON.parse(r.body || '{}');
    } catch {}
    o.onFailure({
      code,
      status: r.status,
      serverCode: e.code,
      message: e.message,
      statements: batch.map((i) => i.s),
      willRetry,
    });
  };

  const drop = async (batch: QueueItem[], code: DeliveryFailure['code'], r: Reply) => {
    for (const i of batch) solo.delete(i.k);
    await o.queue.remove(batch);
    fail(code, r, batch, false);
  };

  /** Sends one batch and applies the outcome; resolves true when the loop may go on. */
  const send = async (batch: QueueItem[], hiding?: boolean): Promise<boolean> => {
    const token = o.token()!;
    const body = JSON.stringify(batch.map((i) => i.s));
    const size = utf8(body);
    const keepalive = keepaliveBytes + size <= KEEPALIVE_BUDGET;
    if (hiding && !keepalive)
      return (
        beacon(
          o.endpoint,
          token,
          batch.map((i) => i.s),
        ) && false
      );
    for (const i of batch) inflight.add(i.k);
    if (keepalive) keepaliveBytes += size;
    let r = await post(o.fetch, o.endpoint, token, body, keepalive, o.timeout);
    // The browser may refuse a keepalive request (quota shared with other scripts): retry plainly.
    if (!r.status && keepalive && !hiding) r = await post(o.fetch, o.endpoint, token, body, false, o.timeout);
    if (keepalive) keepaliveBytes -= size;
    for (const i of batch) inflight.delete(i.k);
    // A refused keepalive while the page goes away: the beacon collector is the last chance.
    if (
      hiding &&
      !r.status &&
      beacon(
        o.endpoint,
        token,
        batch.map((i) => i.s),
      )
    )
      return false;
    const outcome = classify(r.status);
    if (outcome === 'ok') {
      attempt = 0;
      limit = o.batchSize;
      for (const i of batch) solo.delete(i.k);
      await o.queue.remove(batch);
      o.onSuccess(batch.map((i) => i.s));
      return true;
    }
    if (outcome === 'auth') {
      authBlocked = true;
      fail('unauthorized', r, batch, false);
    } else if (outcome === 'rejected') {
      // The batch is all-or-nothing: drop only the statements the server names, resend the rest.
      const bad = badIndexes(r.body ?? '', batch.length);
      if (bad.length)
        await drop(
          bad.map((n) => batch[n]!),
          'rejected',
          r,
        );
      else if (batch.length > 1) for (const i of batch) solo.add(i.k);
      else await drop(batch, 'rejected', r);
      return true;
    } else if (outcome === 'too-large') {
      if (batch.length > 1) limit = Math.max(1, batch.length >> 1);
      else await drop(batch, 'too-large', r);
      return true;
    } else {
      const wait =
        (outcome === 'throttled' && retryAfter(r.retryAfter)) || backoff(attempt++, o.retryBase, o.retryCap);
      notBefore = Date.now() + wait;
      arm(wait);
      fail(outcome, r, batch, true);
    }
    return false;
  };

  const run = async () => {
    while (canSend()) {
      const items = (await o.queue.load(o.batchSize + inflight.size)).filter((i) => !inflight.has(i.k));
      if (!items.length || !canSend() || !(await send(pick(items)))) return;
    }
  };

  const flush = (): Promise<void> => {
    if (!busy && canSend()) {
      busy = o
        .lock(run)
        .then((got) => {
          if (!got) arm(o.flushInterval);
        })
        .finally(() => {
          busy = undefined;
        });
    }
    return busy ?? Promise.resolve();
  };

  return {
    schedule() {
      const [count, bytes] = o.queue.size();
      arm(count >= o.batchSize || bytes >= o.batchBytes ? 0 : o.flushInterval);
    },
    flush,
    hide() {
      if (stopped || authBlocked || !o.token() || navigator.onLine === false) return;
      let rest = o.queue.pending().filter((i) => !inflight.has(i.k));
      while (rest.length) {
        const batch = pick(rest);
        rest = rest.slice(batch.length);
        send(batch, true);
      }
    },
    resume() {
      authBlocked = false;
      notBefore = attempt = 0;
      flush();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
