/**
 * Index-terms benchmark (issue 13, item 2): which storage of match terms costs PostgreSQL least per statement
 * while GET p95 stays under 20 ms with 1M statements stored? `npm run bench:terms -- [--small] [--stored N]
 * [--window S] [--rounds N] [--get-seconds S] [--candidates a,b]` (or `node scripts/run-ts.mjs
 * packages/server/bench/index-terms.ts …` from the repo root). Documented in docs/benchmarks.md.
 *
 * Candidates (bench/index-terms-candidates.ts): production's `statement_index`, a narrower one without the
 * tenant column, fewer terms (no related term another one implies), both, and a GIN index on
 * `statements.terms`. Each gets its own scratch database `kairos_bench_terms_<letters>` on the PostgreSQL of
 * DATABASE_URL (dropped at the end, on error and on Ctrl-C).
 *   1. Insert cost: the same generated statements (bench/index-terms-statements.ts: ingest.ts's generator,
 *      prepared by the LRS's `prepareStatement`) inserted with each candidate's SQL in batches of 100 on 4
 *      connections, in short windows interleaved across candidates (A, B, C, A, B, C…) so a busy machine moves
 *      all alike. Per window: statements/s, CPU of the 4 PostgreSQL backends (/proc/<pg_backend_pid()>/stat),
 *      CPU of every postgres process (shared: includes others' work and background writers), WAL bytes.
 *      Medians over the rounds; sizes per statement at the end.
 *   2. GET latency at N stored (default 1,000,000; 20,000 with --small): N statements staged once (100,000
 *      generated, the rest copies with fresh ids and growing keys), copied into each candidate's database
 *      (psql COPY pipe), indexed, ANALYZEd; then the GET mix on 4 connections, LIMIT 100, in windows
 *      interleaved across candidates: by agent, activity, verb + since, registration, related agent, related
 *      activity, agent + verb, and up to 3 `more` pages (keyset on key) after each full first page. Latency is
 *      the SQL round trip from Node `pg` (no HTTP); each query's backend CPU from /proc/<pid>/schedstat.
 *   3. Insert cost again, into the loaded stores (the same interleaved windows as 1).
 * Prints a table, writes bench-results/index-terms.json at the repo root.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import {
  CANDIDATES,
  type Candidate,
  insertBatch,
  insertSql,
  querySql,
  STATEMENTS_INDEXES,
  STATEMENTS_TABLE,
  type TermQuery,
  termStoreBulk,
  termStoreDdl,
} from './index-terms-candidates.js';
import {
  AUTHORITY_KEY,
  type BenchRow,
  CATEGORY,
  courseId,
  itemId,
  learnerKey,
  population,
  rnd,
  rowMaker,
  sequenceId,
  TENANT,
  VERBS,
} from './index-terms-statements.js';
import { median } from './ratios.js';
import {
  benchArgs,
  databaseCpuSince,
  databaseCpuTicks,
  fmtN,
  type LatencyStats,
  latencyStats,
  letters,
  printTable,
  ROOT,
  round,
  serviceUrl,
  withDatabase,
} from './support.js';

// ---------------------------------------------------------------------------------------------- options

const optionSpec = {
  small: { type: 'boolean', default: false },
  mode: { type: 'string', default: 'full' },
  stored: { type: 'string' },
  unique: { type: 'string' },
  window: { type: 'string' },
  rounds: { type: 'string' },
  'get-seconds': { type: 'string' },
  candidates: { type: 'string', default: CANDIDATES.map((c) => c.name).join(',') },
  'skip-get': { type: 'boolean', default: false },
  explain: { type: 'boolean', default: false },
  'skip-insert-at-n': { type: 'boolean', default: false },
  'get-connections': { type: 'string', default: '4' },
  out: { type: 'string', default: join(ROOT, 'bench-results') },
  help: { type: 'boolean', default: false },
} as const;
const { values: opts } = benchArgs(optionSpec, 'bench:terms');
if (opts.help) {
  console.log(`npm run bench:terms -- [options]
  --small            CI-cheap run: 20,000 stored, windows of 1 s, 2 rounds, 3 s of GETs; same as --mode=small
  --stored N         statements stored for the GET mix (default 1000000)
  --unique N         of those, generated in Node (the rest: copies with fresh ids and keys; default 100000)
  --window S         seconds of one insert window (default 3)
  --rounds N         insert windows per candidate (default 5)
  --get-seconds S    seconds of GET mix per candidate (default 20)
  --candidates LIST  ${CANDIDATES.map((c) => c.name).join(',')}
  --skip-get         insert cost into empty stores only
  --skip-insert-at-n no second insert-cost phase into the loaded stores
  --get-connections N  concurrent connections of the GET mix (default 4)
  --explain          print EXPLAIN ANALYZE of one query per kind and candidate`);
  process.exit(0);
}
const small = opts.small || opts.mode === 'small';
const storedTarget = Number(opts.stored ?? (small ? 20_000 : 1_000_000));
const uniqueTarget = Number(opts.unique ?? 100_000);
const windowS = Number(opts.window ?? (small ? 1 : 3));
const rounds = Number(opts.rounds ?? (small ? 2 : 5));
const getSeconds = Number(opts['get-seconds'] ?? (small ? 3 : 20));
const candidates = opts.candidates!.split(',').map((n) => {
  const c = CANDIDATES.find((x) => x.name === n.trim());
  if (!c) {
    console.error(`bench: unknown candidate "${n}" (expected ${CANDIDATES.map((x) => x.name).join(', ')})`);
    process.exit(2);
  }
  return c;
});
const BATCH = 100;
const CONNECTIONS = 4;
const LIMIT = 100;
const GET_CONNECTIONS = Number(opts['get-connections']);
const pop = population(small);

// ---------------------------------------------------------------------------------------------- databases

const { default: pgModule } = await import('pg');
const admin = serviceUrl('DATABASE_URL');
const created = new Set<string>();

async function createDatabase(): Promise<{ name: string; url: string }> {
  const name = `kairos_bench_terms_${letters(8)}`;
  const c = new pgModule.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
    created.add(name);
  } finally {
    await c.end();
  }
  return { name, url: withDatabase(admin, name) };
}

async function dropDatabase(name: string): Promise<void> {
  const c = new pgModule.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    created.delete(name);
  } finally {
    await c.end();
  }
}

async function dropAll(): Promise<void> {
  for (const name of [...created]) await dropDatabase(name).catch(() => {});
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, dropping ${created.size} scratch database(s)`);
    void dropAll().finally(() => process.exit(130));
  });
}

async function connect(url: string, n: number): Promise<pg.Client[]> {
  const clients: pg.Client[] = [];
  for (let i = 0; i < n; i++) {
    const c = new pgModule.Client({ connectionString: url });
    // a scratch database dropped WITH (FORCE) on Ctrl-C ends its connections: not a crash
    c.on('error', () => {});
    await c.connect();
    clients.push(c);
  }
  return clients;
}

const CLK_TCK = 100;
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return Number.NaN;
  }
}

/** Nanoseconds process `pid` has run on a CPU (/proc/<pid>/schedstat: exact, unlike the 10 ms ticks of stat). */
function onCpuNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

async function sizes(c: pg.Client, stored: number) {
  const r = await c.query<{ heap: string; statements: string; terms: string }>(
    `SELECT pg_table_size('statements') AS heap, pg_total_relation_size('statements') AS statements,
       coalesce(pg_total_relation_size(to_regclass('statement_index')), 0) AS terms`,
  );
  const row = r.rows[0]!;
  const total = Number(row.statements) + Number(row.terms);
  return {
    stored,
    statementsHeapBytes: Math.round(Number(row.heap) / stored),
    statementsTotalBytes: Math.round(Number(row.statements) / stored),
    statementIndexBytes: Math.round(Number(row.terms) / stored),
    totalBytesPerStatement: Math.round(total / stored),
  };
}

const log = (m: string) => console.log(`[terms] ${m}`);
const loadNow = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

// ---------------------------------------------------------------------------------------------- 1. insert cost

interface InsertWindow {
  statements: number;
  seconds: number;
  statementsPerSecond: number;
  backendCpuMsPerStatement: number;
  allPostgresCpuMsPerStatement: number;
  walBytesPerStatement: number;
}

interface InsertTarget {
  candidate: Candidate;
  db: { name: string; url: string };
  clients: pg.Client[];
  pids: number[];
  sql: string;
  cursor: number;
  windows: InsertWindow[];
}

const makeRow = rowMaker(pop);

/** 4 connections to `db` and their backends' pids, ready to insert as `candidate`. */
async function insertTarget(candidate: Candidate, db: { name: string; url: string }): Promise<InsertTarget> {
  const clients = await connect(db.url, CONNECTIONS);
  const pids = await Promise.all(
    clients.map(async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid),
  );
  return { candidate, db, clients, pids, sql: insertSql(candidate), cursor: 0, windows: [] };
}

/**
 * Inserts the same statements into every target in windows interleaved across them (A, B, C, A, B, C…);
 * the statements are generated between windows (during one only if the pool runs out). Returns the medians.
 */
async function interleavedInserts(targets: InsertTarget[], label: string) {
  const pool: BenchRow[][] = [];
  const ensure = (batches: number) => {
    while (pool.length < batches) pool.push(Array.from({ length: BATCH }, makeRow));
  };
  ensure(small ? 40 : 200);
  for (let round_ = 0; round_ < rounds; round_++) {
    for (const t of targets) {
      const most = Math.max(0, ...targets.flatMap((x) => x.windows.map((w) => w.statements)));
      ensure(t.cursor + Math.ceil((1.5 * most) / BATCH) + 20);
      const walBefore = (await t.clients[0]!.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l'))
        .rows[0]!.l;
      const ticks0 = t.pids.map(cpuTicks);
      const all0 = databaseCpuTicks();
      const t0 = performance.now();
      const end = t0 + windowS * 1000;
      let statements = 0;
      await Promise.all(
        t.clients.map(async (c) => {
          while (performance.now() < end) {
            const i = t.cursor++;
            ensure(i + 1);
            await c.query(t.sql, [TENANT, insertBatch(t.candidate, pool[i]!)]);
            statements += BATCH;
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const allCpu = databaseCpuSince(all0);
      const backendCpu = t.pids.map(cpuTicks).reduce((a, b, i) => a + b - ticks0[i]!, 0) / CLK_TCK;
      const wal = await t.clients[0]!.query<{ b: string }>(
        'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS b',
        [walBefore],
      );
      const w: InsertWindow = {
        statements,
        seconds: round(seconds, 2),
        statementsPerSecond: Math.round(statements / seconds),
        backendCpuMsPerStatement: round((1000 * backendCpu) / statements, 3),
        allPostgresCpuMsPerStatement: round((1000 * allCpu) / statements, 3),
        walBytesPerStatement: Math.round(Number(wal.rows[0]!.b) / statements),
      };
      t.windows.push(w);
      log(
        `   ${label} round ${round_ + 1} ${t.candidate.name.padEnd(13)} ${fmtN(w.statementsPerSecond)}/s, backends ${w.backendCpuMsPerStatement} ms/stmt, all postgres ${w.allPostgresCpuMsPerStatement} ms/stmt, WAL ${fmtN(w.walBytesPerStatement)} B/stmt (load ${loadNow()})`,
      );
    }
  }
  return targets.map((t) => {
    const med = (f: (w: InsertWindow) => number) => round(median(t.windows.map(f)), 3);
    const sample = pool.slice(0, 20).flat();
    return {
      candidate: t.candidate.name,
      statementsPerSecond: med((w) => w.statementsPerSecond),
      backendCpuMsPerStatement: med((w) => w.backendCpuMsPerStatement),
      allPostgresCpuMsPerStatement: med((w) => w.allPostgresCpuMsPerStatement),
      walBytesPerStatement: med((w) => w.walBytesPerStatement),
      termsPerStatement: round(
        sample.reduce(
          (n, r) => n + (t.candidate.terms === 'fewer' ? r.hashes.fewer : r.hashes.all).length,
          0,
        ) / sample.length,
        2,
      ),
      windows: t.windows,
    };
  });
}

/** Insert cost into empty databases, one per candidate, with production's indexes. */
async function insertPhase() {
  log(
    `insert cost (empty stores): ${candidates.length} candidates × ${rounds} windows of ${windowS} s, batches of ${BATCH} on ${CONNECTIONS} connections`,
  );
  const targets: InsertTarget[] = [];
  for (const candidate of candidates) {
    const db = await createDatabase();
    const [c] = await connect(db.url, 1);
    await c!.query(STATEMENTS_TABLE);
    await c!.query(STATEMENTS_INDEXES);
    await c!.query(termStoreDdl(candidate));
    await c!.end();
    targets.push(await insertTarget(candidate, db));
  }
  const medians = await interleavedInserts(targets, 'empty');
  const results: Record<string, unknown>[] = [];
  for (const [i, t] of targets.entries()) {
    const stored = (await t.clients[0]!.query<{ n: string }>('SELECT count(*) AS n FROM statements')).rows[0]!
      .n;
    await t.clients[0]!.query('VACUUM ANALYZE statements');
    results.push({ ...medians[i], size: await sizes(t.clients[0]!, Number(stored)) });
    await Promise.all(t.clients.map((c) => c.end().catch(() => {})));
    await dropDatabase(t.db.name);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------- 2. GET latency

/** Runs a shell pipeline (bash, pipefail) and resolves when it exits 0. */
function sh(command: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${command}: exit ${code}\n${err}`)),
    );
  });
}

/**
 * Generates the stored statements once into a staging database: the production row plus both term sets (plain
 * hashes). `unique` of them are generated and prepared in Node (the slow part: ~0.5 ms each on a busy core);
 * the rest are copies of those with fresh ids and keys that keep growing (the key order is the insert order),
 * so every term keeps its share of the store.
 */
async function stage(n: number, unique: number) {
  const db = await createDatabase();
  const [c] = await connect(db.url, 1);
  await c!.query(`CREATE TABLE staging (key uuid, id uuid, stored timestamptz, body text, signature text,
    actor_key text, t_all uuid[], t_fewer uuid[])`);
  const registrations: string[] = [];
  const t0 = performance.now();
  const CHUNK = 1000;
  const generated = Math.min(n, unique);
  let pending: Promise<unknown> = Promise.resolve();
  for (let done = 0; done < generated; done += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, generated - done) }, makeRow);
    if (registrations.length < 5000 && Math.random() < 0.5) registrations.push(rows[0]!.registration);
    const json = JSON.stringify(
      rows.map((r) => ({
        k: r.key,
        i: r.id,
        s: r.stored,
        b: r.body,
        g: r.signature,
        a: r.actorKey,
        t: r.hashes.all,
        f: r.hashes.fewer,
      })),
    );
    await pending; // one INSERT in flight while the next chunk is generated
    pending = c!.query(
      `INSERT INTO staging SELECT k, i, s, b, g, a, t, f FROM json_to_recordset($1::json)
         AS x(k uuid, i uuid, s timestamptz, b text, g text, a text, t uuid[], f uuid[])`,
      [json],
    );
    if ((done / CHUNK) % 50 === 49)
      log(
        `   generated ${fmtN(done + CHUNK)} (${Math.round((performance.now() - t0) / 1000)} s, load ${loadNow()})`,
      );
  }
  await pending;
  for (let copy = 1; copy * generated < n; copy++) {
    const rows = Math.min(generated, n - copy * generated);
    // key: uuidv7's 48-bit millisecond field from a counter a day or less in the past (below the generated
    // statements' keys and below everything inserted later), then random bits
    await c!.query(
      `INSERT INTO staging
         SELECT (lpad(to_hex($1::bigint + rn), 12, '0') || '7' || substr(md5(random()::text), 1, 19))::uuid,
           gen_random_uuid(), stored, body, signature, actor_key, t_all, t_fewer
         FROM (SELECT *, row_number() OVER (ORDER BY key) AS rn FROM staging ORDER BY key LIMIT $2) b`,
      [Date.now() - 100_000_000 + copy * 10_000_000, rows],
    );
    log(
      `   copied to ${fmtN(copy * generated + rows)} (${Math.round((performance.now() - t0) / 1000)} s, load ${loadNow()})`,
    );
  }
  const since = await c!.query<{ key: string }>('SELECT key FROM staging ORDER BY key OFFSET $1 LIMIT 1', [
    Math.floor(n / 2),
  ]);
  await c!.end();
  log(`   staged ${fmtN(n)} statements in ${Math.round((performance.now() - t0) / 1000)} s`);
  return { db, registrations, sinceKey: since.rows[0]!.key };
}

type Kind =
  | 'agent'
  | 'activity'
  | 'verbSince'
  | 'registration'
  | 'relatedAgent'
  | 'relatedActivity'
  | 'agentVerb'
  | 'more';
const KINDS: Kind[] = [
  'agent',
  'activity',
  'verbSince',
  'registration',
  'relatedAgent',
  'relatedActivity',
  'agentVerb',
];

function firstQuery(kind: Kind, registrations: string[], sinceKey: string): TermQuery {
  const l = learnerKey(rnd(pop.learners));
  const c = rnd(pop.courses);
  const s = rnd(pop.sequencesPerCourse);
  switch (kind) {
    case 'agent':
      return { terms: [`a:${l}`], limit: LIMIT };
    case 'activity':
      return { terms: [`o:${itemId(c, s, rnd(pop.itemsPerSequence))}`], limit: LIMIT };
    case 'verbSince':
      return { terms: [`v:${VERBS.answered}`], after: sinceKey, limit: LIMIT };
    case 'registration':
      return { terms: [`r:${registrations[rnd(registrations.length)]}`], limit: LIMIT };
    case 'relatedAgent':
      return { terms: [`ra:${l}`], limit: LIMIT };
    case 'relatedActivity': {
      const pick = rnd(4);
      const id =
        pick === 0
          ? itemId(c, s, rnd(pop.itemsPerSequence))
          : pick === 1
            ? sequenceId(c, s)
            : pick === 2
              ? courseId(c)
              : CATEGORY;
      return { terms: [`ro:${id}`], limit: LIMIT };
    }
    default:
      return { terms: [`a:${l}`, `v:${VERBS.completed}`], limit: LIMIT };
  }
}

/** Copies the staged statements into a new database laid out as `candidate`, indexes it and ANALYZEs it. */
async function loadCandidate(candidate: Candidate, staged: Awaited<ReturnType<typeof stage>>, n: number) {
  const db = await createDatabase();
  const [c] = await connect(db.url, 1);
  const t0 = performance.now();
  await c!.query(STATEMENTS_TABLE);
  const termsColumn = candidate.terms === 'fewer' ? 't_fewer' : 't_all';
  await sh(
    `psql -X -q "${withDatabase(admin, staged.db.name)}" -c "COPY (SELECT '${TENANT}', key, id, stored, body, signature, actor_key, NULL, NULL, false, ${termsColumn} FROM staging) TO STDOUT" | psql -X -q "${db.url}" -c "COPY statements FROM STDIN"`,
  );
  await c!.query("SET maintenance_work_mem = '256MB'");
  await c!.query(STATEMENTS_INDEXES);
  for (const sql of termStoreBulk(candidate)) await c!.query(sql);
  await c!.query('VACUUM ANALYZE');
  const loadSeconds = Math.round((performance.now() - t0) / 1000);
  const size = await sizes(c!, n);
  await c!.end();
  log(
    `   ${candidate.name}: loaded ${fmtN(n)} and indexed in ${loadSeconds} s, ${fmtN(size.totalBytesPerStatement)} B/statement (load ${loadNow()})`,
  );
  return { db, loadSeconds, size };
}

/**
 * Loads every candidate's database, then runs the GET mix in windows interleaved across candidates (A, B, C,
 * A, B, C…), so that a busy machine slows all alike; per-kind latency percentiles over all windows.
 */
async function getPhase(staged: Awaited<ReturnType<typeof stage>>, n: number) {
  const loaded = [];
  for (const candidate of candidates)
    loaded.push({ candidate, ...(await loadCandidate(candidate, staged, n)) });
  await dropDatabase(staged.db.name);
  const getRounds = small ? 2 : 4;
  const targets = [];
  for (const l of loaded) {
    const clients = await connect(l.db.url, GET_CONNECTIONS);
    const samples = Object.fromEntries([...KINDS, 'more'].map((k) => [k, [] as number[]])) as Record<
      Kind,
      number[]
    >;
    const rowsSeen = Object.fromEntries(KINDS.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
    const pids = await Promise.all(
      clients.map(
        async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid,
      ),
    );
    const cpuNs = Object.fromEntries([...KINDS, 'more'].map((k) => [k, 0])) as Record<Kind, number>;
    targets.push({ ...l, clients, pids, samples, rowsSeen, cpuNs });
  }
  type Target = (typeof targets)[number];
  const run = async (t: Target, q: TermQuery, kind: Kind, cl: pg.Client) => {
    const { text, values } = querySql(t.candidate, TENANT, q);
    const pid = t.pids[t.clients.indexOf(cl)]!;
    const cpu0 = onCpuNs(pid);
    const s0 = performance.now();
    const r = await cl.query<{ key: string }>(text, values);
    t.samples[kind].push(performance.now() - s0);
    t.cpuNs[kind] += onCpuNs(pid) - cpu0;
    return r.rows;
  };
  for (const t of targets) {
    if (opts.explain)
      for (const k of KINDS) {
        const q = firstQuery(k, staged.registrations, staged.sinceKey);
        const { text, values } = querySql(
          t.candidate,
          TENANT,
          k === 'agent' ? { ...q, before: staged.sinceKey } : q,
        );
        const plan = await t.clients[0]!.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, COSTS OFF) ${text}`,
          values,
        );
        console.log(
          `--- ${t.candidate.name} ${k}${k === 'agent' ? ' (with before)' : ''} ${q.terms.join(' ')}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`,
        );
      }
    // warm-up: one of each kind, not counted
    for (const k of KINDS)
      await run(t, firstQuery(k, staged.registrations, staged.sinceKey), k, t.clients[0]!);
    for (const k of [...KINDS, 'more'] as Kind[]) {
      t.samples[k].length = 0;
      t.cpuNs[k] = 0;
    }
  }
  // every candidate must answer what `current` answers (same rows, same order): 20 queries of each kind,
  // first pages and one `more` page each
  const reference = targets.find((t) => t.candidate.name === 'current');
  let mismatches = 0;
  if (reference && targets.length > 1) {
    for (const k of KINDS)
      for (let i = 0; i < 20; i++) {
        const q = firstQuery(k, staged.registrations, staged.sinceKey);
        const want = await run(reference, q, k, reference.clients[0]!);
        const next = want.length === LIMIT ? { ...q, before: want[want.length - 1]!.key } : undefined;
        const wantNext = next ? await run(reference, next, 'more', reference.clients[0]!) : [];
        for (const t of targets) {
          if (t === reference) continue;
          const got = await run(t, q, k, t.clients[0]!);
          const gotNext = next ? await run(t, next, 'more', t.clients[0]!) : [];
          const same = (a: { key: string }[], b: { key: string }[]) =>
            a.length === b.length && a.every((r, j) => r.key === b[j]!.key);
          if (!same(want, got) || !same(wantNext, gotNext)) {
            mismatches++;
            if (mismatches <= 5)
              console.error(
                `bench: ${t.candidate.name} answers ${k} ${q.terms.join(' ')} differently from current`,
              );
          }
        }
      }
    for (const t of targets)
      for (const k of [...KINDS, 'more'] as Kind[]) {
        t.samples[k].length = 0;
        t.cpuNs[k] = 0;
      }
    log(
      `   same answers as current: ${mismatches === 0 ? 'yes' : `no, ${mismatches} queries differ`} (20 of each kind, with a more page)`,
    );
    if (mismatches > 0) process.exitCode = 1;
  }
  log(`GET mix: ${getRounds} interleaved windows of ${round(getSeconds / getRounds, 1)} s per candidate`);
  for (let r = 0; r < getRounds; r++) {
    for (const t of targets) {
      const end = performance.now() + (getSeconds / getRounds) * 1000;
      await Promise.all(
        t.clients.map(async (cl, w) => {
          let i = w + r;
          while (performance.now() < end) {
            const kind = KINDS[i++ % KINDS.length]!;
            const q = firstQuery(kind, staged.registrations, staged.sinceKey);
            let rows = await run(t, q, kind, cl);
            t.rowsSeen[kind].push(rows.length);
            // `more`: up to 3 further pages, keyset on the last key (descending)
            for (let p = 0; p < 3 && rows.length === LIMIT && performance.now() < end; p++)
              rows = await run(t, { ...q, before: rows[rows.length - 1]!.key }, 'more', cl);
          }
        }),
      );
    }
    log(`   GET window ${r + 1}/${getRounds} done (load ${loadNow()})`);
  }
  for (const t of targets) await Promise.all(t.clients.map((cl) => cl.end().catch(() => {})));
  // insert cost again, now into the loaded stores: b-trees of N × terms entries, a GIN of N arrays
  let atN: Awaited<ReturnType<typeof interleavedInserts>> = [];
  if (!opts['skip-insert-at-n']) {
    log(`insert cost at ${fmtN(n)} stored: ${rounds} interleaved windows of ${windowS} s per candidate`);
    const inserting = [];
    for (const t of targets) inserting.push(await insertTarget(t.candidate, t.db));
    atN = await interleavedInserts(inserting, `at ${fmtN(n)}`);
    for (const t of inserting) await Promise.all(t.clients.map((cl) => cl.end().catch(() => {})));
  }
  const results: Record<string, unknown>[] = [];
  for (const t of targets) {
    await dropDatabase(t.db.name);
    const perKind = Object.fromEntries(
      [...KINDS, 'more'].map((k) => [
        k,
        {
          n: t.samples[k as Kind].length,
          ...latencyStats(t.samples[k as Kind]),
          backendCpuMs: round(t.cpuNs[k as Kind] / 1e6 / (t.samples[k as Kind].length || 1), 2),
        },
      ]),
    ) as Record<Kind, LatencyStats & { n: number; backendCpuMs: number }>;
    const overall = {
      ...latencyStats(Object.values(t.samples).flat()),
      backendCpuMs: round(
        Object.values(t.cpuNs).reduce((a, b) => a + b, 0) /
          1e6 /
          (Object.values(t.samples).flat().length || 1),
        2,
      ),
    };
    const meanRows = Object.fromEntries(
      KINDS.map((k) => [k, round(t.rowsSeen[k].reduce((a, b) => a + b, 0) / (t.rowsSeen[k].length || 1), 0)]),
    );
    log(`   ${t.candidate.name}: GET p95 ${overall.p95} ms overall`);
    results.push({
      candidate: t.candidate.name,
      loadSeconds: t.loadSeconds,
      size: t.size,
      overall,
      perKind,
      meanRows,
      insertAtN: atN.find((x) => x.candidate === t.candidate.name),
      sameAnswersAsCurrent: mismatches === 0,
    });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------- main

type InsertResult = Awaited<ReturnType<typeof interleavedInserts>>[number];

function printInsertTable(title: string, rows: InsertResult[], bytes: (name: string) => number | undefined) {
  const base = rows.find((r) => r.candidate === 'current') ?? rows[0]!;
  console.log(`\n${title}`);
  printTable(
    [
      'candidate',
      'terms/stmt',
      'stmts/s',
      'ratio',
      'PG backends ms/stmt',
      'ratio',
      'all PG ms/stmt',
      'WAL B/stmt',
      'ratio',
      'B/stmt stored',
    ],
    rows.map((r) => [
      r.candidate,
      r.termsPerStatement,
      fmtN(r.statementsPerSecond),
      round(r.statementsPerSecond / base.statementsPerSecond, 2),
      r.backendCpuMsPerStatement,
      round(r.backendCpuMsPerStatement / base.backendCpuMsPerStatement, 2),
      r.allPostgresCpuMsPerStatement,
      fmtN(r.walBytesPerStatement),
      round(r.walBytesPerStatement / base.walBytesPerStatement, 2),
      fmtN(bytes(r.candidate) ?? Number.NaN),
    ]),
  );
}

function printResults(insert: Record<string, unknown>[], get: Record<string, unknown>[]) {
  const how = `batches of ${BATCH}, ${CONNECTIONS} connections, medians of ${rounds} interleaved windows of ${windowS} s`;
  printInsertTable(
    `Insert cost into empty stores (${how})`,
    insert as unknown as InsertResult[],
    (name) =>
      (insert.find((r) => r.candidate === name)?.size as { totalBytesPerStatement: number } | undefined)
        ?.totalBytesPerStatement,
  );
  if (get.length === 0) return;
  const atN = get.map((g) => g.insertAtN as InsertResult | undefined).filter((x) => x !== undefined);
  if (atN.length > 0)
    printInsertTable(
      `Insert cost at ${fmtN(storedTarget)} stored (${how})`,
      atN,
      (name) =>
        (get.find((r) => r.candidate === name)?.size as { totalBytesPerStatement: number } | undefined)
          ?.totalBytesPerStatement,
    );
  console.log(
    `\nGET p95 ms at ${fmtN(storedTarget)} stored (LIMIT ${LIMIT}, ${GET_CONNECTIONS} connections, ${getSeconds} s each in interleaved windows; p50/p99 in the JSON)`,
  );
  const kinds = [...KINDS, 'more'] as Kind[];
  type KindStats = LatencyStats & { backendCpuMs: number };
  printTable(
    ['candidate', ...kinds, 'all p50', 'all p95', 'all p99', 'every kind < 20 ms'],
    get.map((r) => {
      const pk = r.perKind as Record<Kind, KindStats>;
      const o = r.overall as KindStats;
      const worst = Math.max(...kinds.map((k) => pk[k].p95).filter(Number.isFinite));
      return [
        r.candidate as string,
        ...kinds.map((k) => pk[k].p95),
        o.p50,
        o.p95,
        o.p99,
        worst < 20 ? 'yes' : `no (${worst})`,
      ];
    }),
  );
  console.log(
    '\nGET: PostgreSQL backend CPU ms per query (/proc/<pid>/schedstat; does not grow with a busy machine)',
  );
  printTable(
    ['candidate', ...kinds, 'all'],
    get.map((r) => {
      const pk = r.perKind as Record<Kind, KindStats>;
      return [
        r.candidate as string,
        ...kinds.map((k) => pk[k].backendCpuMs),
        (r.overall as KindStats).backendCpuMs,
      ];
    }),
  );
}

try {
  const startedAt = new Date().toISOString();
  log(
    `${small ? 'small' : 'full'} mode, ${cpus().length} cores, load ${loadNow()}, candidates ${candidates.map((c) => c.name).join(', ')}`,
  );
  const insert = await insertPhase();
  let get: Record<string, unknown>[] = [];
  if (!opts['skip-get']) {
    log(`GET latency: staging ${fmtN(storedTarget)} statements`);
    get = await getPhase(await stage(storedTarget, uniqueTarget), storedTarget);
  }
  printResults(insert, get);
  mkdirSync(opts.out!, { recursive: true });
  const file = join(opts.out!, 'index-terms.json');
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt,
        finishedAt: new Date().toISOString(),
        mode: small ? 'small' : 'full',
        settings: {
          storedTarget,
          windowS,
          rounds,
          getSeconds,
          batch: BATCH,
          connections: CONNECTIONS,
          limit: LIMIT,
          population: pop,
          authority: AUTHORITY_KEY,
        },
        loadAverageAtEnd: loadNow(),
        candidates: candidates.map((c) => ({
          name: c.name,
          summary: c.summary,
          insertSql: insertSql(c),
          termStore: termStoreDdl(c),
        })),
        insert,
        get,
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${file}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await dropAll();
}
