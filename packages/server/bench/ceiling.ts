/**
 * The database's raw insert ceiling (issue 13): the statement JSON the ingestion benchmark posts, inserted
 * straight from Node `pg` into a plain table of a scratch PostgreSQL database — no HTTP, no validation, no
 * Kairos schema — in batches of 100 rows per INSERT on 4 connections. Kairos figures are quoted as ratios
 * to it: both share the machine's cores at the moment of measuring, so a ratio survives a busy machine
 * where an absolute figure does not.
 */
import type pg from 'pg';
import { cpuMeter, round, scratchPostgres, serviceUrl } from './support.js';

/** Rows per INSERT and connections of the ceiling (the definition: batches of 100 on 4). */
export const CEILING_BATCH = 100;
export const CEILING_CONNECTIONS = 4;

/**
 * The smallest table an LRS can answer the spec's GET filters from. Every index here is one a GET needs:
 * - the primary key: `statementId` / `voidedStatementId` lookups and the duplicate-id check on POST;
 * - `(tenant, stored, id)`: the default order, `since` / `until` and the `more` keyset;
 * - one expression index per required filter, each ending in `stored` so a filtered page is an index range
 *   read in order: `agent` (the actor's IFI), `verb`, `activity` (the object's id) and `registration`.
 * `related_agents` / `related_activities` are left out: a minimal LRS filters those from the rows the other
 * indexes give, and Kairos's own extra terms for them are exactly the cost the ceiling must not carry.
 */
const SCHEMA = `
  CREATE TABLE statements (
    id uuid PRIMARY KEY,
    tenant text NOT NULL,
    stored timestamptz NOT NULL DEFAULT now(),
    body jsonb NOT NULL
  );
  CREATE INDEX statements_stored ON statements (tenant, stored, id);
  CREATE INDEX statements_agent ON statements (tenant, (coalesce(
    body->'actor'->>'mbox', body->'actor'->>'mbox_sha1sum', body->'actor'->>'openid',
    (body->'actor'->'account'->>'homePage') || ' ' || (body->'actor'->'account'->>'name'))), stored);
  CREATE INDEX statements_verb ON statements (tenant, (body->'verb'->>'id'), stored);
  CREATE INDEX statements_activity ON statements (tenant, (body->'object'->>'id'), stored);
  CREATE INDEX statements_registration ON statements (tenant, (body->'context'->>'registration'), stored)
    WHERE body->'context' ? 'registration';
`;

/** How a batch travels: one multi-row VALUES with 2 parameters a row, or 2 arrays and `unnest`. */
export type CeilingInsert = 'values' | 'unnest';

/**
 * `values` is the default, the faster of the two on the 2-core bench machine (2026-12-07, 4 windows of 3 s
 * each, alternating, machine 100 % busy with other work): 4,382–5,557 rows/s (median 5,073) against
 * 3,441–4,587 (median 3,969) for `unnest`, and 0.13–0.17 of a core of client CPU against 0.18–0.25:
 * `pg` sends each body as its own text parameter instead of escaping 100 of them into one array literal.
 */
export const CEILING_INSERT: CeilingInsert = 'values';

const VALUES_SQL = `INSERT INTO statements (id, tenant, body) VALUES ${Array.from(
  { length: CEILING_BATCH },
  (_, i) => `($${2 * i + 2}::uuid, $1, $${2 * i + 3}::jsonb)`,
).join(', ')}`;
const UNNEST_SQL = `INSERT INTO statements (id, tenant, body)
  SELECT id, $1, body FROM unnest($2::uuid[], $3::jsonb[]) AS b(id, body)`;

/** One window of the ceiling: statements inserted, and the CPU of the client and of PostgreSQL meanwhile. */
export interface CeilingWindow {
  statements: number;
  seconds: number;
  statementsPerSecond: number;
  /** CPU seconds per wall second of this process (the benchmark: statement generation + `pg`). */
  clientCores: number;
  /** Every postgres process on the machine (shared service: other users' work counts too). */
  databaseCores: number;
  machineBusyPct: number;
}

/** The ceiling's scratch database, its table and 4 connected clients: run windows, then `close()`. */
export interface Ceiling {
  database: string;
  insert: CeilingInsert;
  /** Inserts for `seconds` on every connection, each sending its next batch when the previous committed. */
  window(seconds: number): Promise<CeilingWindow>;
  /** Rows in the table now. */
  rows(): Promise<number>;
  /** Disconnects and drops the scratch database. */
  close(): Promise<void>;
}

/** Why the ceiling could not run: PostgreSQL is missing or refused the scratch database. */
export class CeilingUnavailableError extends Error {
  readonly code = 'CEILING_UNAVAILABLE';
}

/**
 * Creates a scratch database `kairos_bench_<letters>` on the server of `DATABASE_URL` with the ceiling's
 * table and connects its 4 clients. `statement()` makes one statement (the benchmark's own generator).
 */
export async function openCeiling(
  statement: () => Record<string, unknown>,
  insert: CeilingInsert = CEILING_INSERT,
): Promise<Ceiling> {
  const { default: pgModule } = await import('pg');
  let db: Awaited<ReturnType<typeof scratchPostgres>>;
  try {
    db = await scratchPostgres();
  } catch (error) {
    throw new CeilingUnavailableError(
      `the raw insert ceiling needs PostgreSQL at ${serviceUrl('DATABASE_URL')} (${(error as Error).message}); start the test services with test/services/up or set DATABASE_URL`,
    );
  }
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < CEILING_CONNECTIONS; i++) {
      const c = new pgModule.Client({ connectionString: db.url });
      await c.connect();
      clients.push(c);
    }
    await clients[0]!.query(SCHEMA);
  } catch (error) {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await db.drop().catch(() => {});
    throw error;
  }
  const tenant = 'bench-ceiling';
  const batch = (): unknown[] => {
    const rows = Array.from({ length: CEILING_BATCH }, statement);
    if (insert === 'unnest')
      return [tenant, rows.map((s) => s.id as string), rows.map((s) => JSON.stringify(s))];
    const params: unknown[] = [tenant];
    for (const s of rows) params.push(s.id, JSON.stringify(s));
    return params;
  };
  const sql = insert === 'unnest' ? UNNEST_SQL : VALUES_SQL;
  return {
    database: db.name,
    insert,
    async window(seconds) {
      const cpu = cpuMeter();
      const t0 = performance.now();
      const end = t0 + seconds * 1000;
      let statements = 0;
      await Promise.all(
        clients.map(async (c) => {
          while (performance.now() < end) {
            await c.query(sql, batch());
            statements += CEILING_BATCH;
          }
        }),
      );
      const s = (performance.now() - t0) / 1000;
      const used = cpu();
      return {
        statements,
        seconds: round(s, 2),
        statementsPerSecond: Math.round(statements / s),
        clientCores: used.process,
        databaseCores: used.database,
        machineBusyPct: used.busyPct,
      };
    },
    async rows() {
      const r = await clients[0]!.query<{ n: string }>('SELECT count(*) AS n FROM statements');
      return Number(r.rows[0]!.n);
    },
    async close() {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await db.drop();
    },
  };
}
