import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { asOutage, isPostgresOutage } from '../outage.js';

/** Rows and count of one query. */
export interface SqlResult<R> {
  rows: R[];
  rowCount: number | null;
}

/** Per-query options. */
export interface QueryOptions {
  /** This query's deadline instead of the database's (migrations that build indexes take longer). */
  timeoutMs?: number;
}

/** Something that runs one parameterised query (a pool or a checked-out connection). */
export interface SqlClient {
  query<R = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<SqlResult<R>>;
}

/** A pool of connections: queries, plus a connection held for a transaction. */
export interface SqlPool extends SqlClient {
  /** A connection held until released; `options.timeoutMs` is the default deadline of its queries. */
  connect(options?: QueryOptions): Promise<SqlClient & { release(): void }>;
}

/** A PostgreSQL-compatible database: a server reached with `pg`, or embedded PGlite. */
export interface SqlDatabase {
  readonly backend: 'postgres' | 'pglite';
  readonly pool: SqlPool;
  close(): Promise<void>;
}

// count(*) is int8, which pg leaves as a string; our counts fit a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/** Deadline of a PostgreSQL call when the caller gives none (`KAIROS_STORE_TIMEOUT_MS`'s default). */
export const DEFAULT_STORE_TIMEOUT_MS = 10_000;

const outage = (error: unknown) => asOutage('PostgreSQL', error, isPostgresOutage);

/**
 * Opens a pool on a PostgreSQL server. Every call has a deadline (`timeoutMs`): getting a connection, and
 * each query; past it, or when the server is unreachable, the call fails with a `StoreUnavailableError`
 * (503 to HTTP clients). A connection whose query failed that way is closed, not reused.
 *
 * @example
 * const db = await openPostgres('postgres://postgres@127.0.0.1:5432/kairos');
 */
export async function openPostgres(
  url: string,
  options: { max?: number; timeoutMs?: number } = {},
): Promise<SqlDatabase> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 20,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
  });
  // A client losing its server connection must not crash the process: idle ones report on the pool, and
  // a checked-out one (a transaction in flight) on itself — its query then fails and the caller retries.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const config = (text: string, params: unknown[] | undefined, o: QueryOptions | undefined) => ({
    text,
    values: params,
    ...(o?.timeoutMs !== undefined && { query_timeout: o.timeoutMs }),
  });
  return {
    backend: 'postgres',
    pool: {
      query: (text, params, o) =>
        pool.query(config(text, params, o)).catch((e) => Promise.reject(outage(e))) as never,
      async connect(defaults?: QueryOptions) {
        const client = await pool.connect().catch((e) => Promise.reject(outage(e)));
        let broken: Error | undefined;
        return {
          query: (text: string, params?: unknown[], o?: QueryOptions) =>
            client.query(config(text, params, o ?? defaults)).catch((e) => {
              const converted = outage(e);
              // a connection whose query timed out may still carry that query: the pool must not hand it out
              if (converted !== e) broken = e as Error;
              return Promise.reject(converted);
            }) as never,
          release: () => client.release(broken),
        };
      },
    },
    close: () => pool.end(),
  };
}

/**
 * Opens embedded PGlite in `dir` (created if missing; `memory://` for an ephemeral database). PGlite is
 * one session, so queries are serialised and a transaction holds it exclusively until released.
 * (PGlite's node-postgres adapter loses its connection after the first SQL error, so we call PGlite directly.)
 */
export async function openPglite(dir: string): Promise<SqlDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  let tail: Promise<void> = Promise.resolve();
  const acquire = async (): Promise<() => void> => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const before = tail;
    tail = before.then(() => held);
    await before;
    return release;
  };
  const run = async <R>(text: string, params?: unknown[]): Promise<SqlResult<R>> => {
    if (params === undefined || params.length === 0) {
      // exec: simple protocol, several statements allowed (migrations)
      const results = await db.exec(text);
      const last = results[results.length - 1];
      return { rows: (last?.rows ?? []) as R[], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
    }
    const r = await db.query<R>(text, params);
    return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
  };
  let closed = false;
  return {
    backend: 'pglite',
    pool: {
      async query<R>(text: string, params?: unknown[]) {
        const release = await acquire();
        try {
          return await run<R>(text, params);
        } finally {
          release();
        }
      },
      async connect() {
        const release = await acquire();
        return { query: run, release };
      },
    },
    async close() {
      if (closed) return;
      closed = true;
      const release = await acquire();
      await db.close();
      release();
    },
  };
}

/** Runs `fn` inside a transaction on one connection; rolls back when it throws. */
export async function inTransaction<T>(pool: SqlPool, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
