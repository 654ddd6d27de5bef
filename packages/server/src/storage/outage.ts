import { KairosError } from '../errors.js';

/** The store servers a Kairos process talks to. */
export type StoreName = 'PostgreSQL' | 'MongoDB' | 'Redis';

/** Seconds a client is told to wait (`Retry-After`) before retrying a request a store outage refused. */
export const OUTAGE_RETRY_AFTER_S = 5;

/**
 * A store server did not answer: it is down, restarting, refusing connections, or it hangs past the store
 * deadline (`KAIROS_STORE_TIMEOUT_MS`). Requests answer 503 with `Retry-After`; nothing the request asked
 * to store was acknowledged, and re-sending it is safe (statements are idempotent by id and content).
 */
export class StoreUnavailableError extends KairosError {
  constructor(
    /** Which store failed. */
    readonly store: StoreName,
    cause: unknown,
  ) {
    super(
      'store_unavailable',
      `${store} is not answering; retry in ${OUTAGE_RETRY_AFTER_S} s (re-sending is safe: a statement ` +
        'already stored is not stored twice)',
      { status: 503, cause },
    );
    this.name = 'StoreUnavailableError';
  }

  /** What the driver said, for logs. */
  get reason(): string {
    return causeText(this.cause);
  }
}

/** The first line of what the driver said, for logs (clients are not told the store's address). */
export function causeText(cause: unknown): string {
  const e = cause as { message?: string; code?: string };
  return (e?.message || e?.code || String(cause)).split('\n')[0]!.slice(0, 200);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL errors that mean "the server is not there" rather than "this query is wrong": network
 * failures, the pool's and the query's deadlines, SQLSTATE class 08 (connection exception), shutdowns
 * (57P01–57P03), too many connections (53300) and a statement cancelled by its timeout (57014).
 */
export function isPostgresOutage(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code)) return true;
  if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300', '57014'].includes(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Query read timeout|Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end/i.test(
    message,
  );
}

const MONGO_OUTAGE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoOperationTimeoutError',
]);
// Shutdown in progress, interrupted at shutdown, primary stepped down, not writable primary, time limit.
const MONGO_OUTAGE_CODES = new Set([50, 91, 189, 10107, 11600, 11602, 13435, 13436]);

/** MongoDB driver errors that mean the server (or replica set) cannot answer now. */
export function isMongoOutage(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown };
  if (!e || typeof e !== 'object' || typeof e.name !== 'string' || !e.name.startsWith('Mongo')) return false;
  if (MONGO_OUTAGE_NAMES.has(e.name) || (typeof e.code === 'number' && MONGO_OUTAGE_CODES.has(e.code)))
    return true;
  // insertMany reports a network failure as a bulk write error with no write error and no server code
  const bulk = e as { writeErrors?: unknown[] };
  return e.name === 'MongoBulkWriteError' && e.code === undefined && (bulk.writeErrors?.length ?? 0) === 0;
}

/**
 * Redis client errors that mean Redis cannot answer: everything but a reply error (a wrong command or
 * type, which is a bug, not an outage).
 */
export function isRedisOutage(error: unknown): boolean {
  const e = error as { name?: unknown };
  return !!e && typeof e === 'object' && e.name !== 'ReplyError';
}

/**
 * The outage behind `error`, when it is one: a {@link StoreUnavailableError} anywhere in its `cause` chain,
 * or a MongoDB driver outage (the MongoDB store calls its driver in many places; PostgreSQL and Redis errors
 * are converted where their clients are called).
 */
export function storeOutage(error: unknown): StoreUnavailableError | undefined {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StoreUnavailableError) return e;
    if (isMongoOutage(e)) return new StoreUnavailableError('MongoDB', e);
  }
  return undefined;
}

/** `error` as a {@link StoreUnavailableError} of `store` when `isOutage` says it is one, else unchanged. */
export function asOutage(store: StoreName, error: unknown, isOutage: (e: unknown) => boolean): unknown {
  return error instanceof StoreUnavailableError || !isOutage(error)
    ? error
    : new StoreUnavailableError(store, error);
}
