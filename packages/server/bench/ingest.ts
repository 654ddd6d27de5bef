/**
 * Ingestion benchmark of the Kairos LRS: `npm run bench:ingest -- [--small] [--stores pglite,postgres,mongodb]
 * [--duration S] [--window S] [--rounds N] [--seed N] [--limit N] [--clients N] [--cpu-prof]` (from the repo
 * root; build first with `npm run build`). Documented in docs/benchmarks.md.
 *
 * For each record store it starts its own `kairos serve` on a free 127.0.0.1 port (PGlite in a temp data
 * directory; PostgreSQL in a database it creates and drops; MongoDB in a fresh letters-only database it drops),
 * creates an API key with `kairos keys create`, then measures:
 *   1. interleaved rounds (issue 13): the raw insert ceiling of PostgreSQL (bench/ceiling.ts), batched POSTs
 *      (100 statements per request, 8 concurrent clients), single-statement POSTs (50 clients), the ceiling
 *      again…; each Kairos window waits for the projection to catch up before the next window starts, and
 *      is quoted as a ratio to the ceiling windows around it (bench/ratios.ts);
 *   2. batched POSTs offered at 0.45 × the ceiling (open loop) while the projection runs: does it keep its
 *      lag under 2 s?
 *   3. open-loop fixed rate of 1,000 statements/s (10 req/s × 100, and 1,000 req/s × 1): latency measured from
 *      the intended send time (no coordinated omission);
 *   4. GET mix after seeding N statements (batches of 1,000): by agent, by activity, verb + since, and `more`
 *      pages;
 *   5. peak RSS of the server (/proc/<pid>/status VmHWM) and of this client, plus CPU used by each.
 * Prints the ratios, then a table of absolute figures per store, and writes bench-results/ingest-<store>.json
 * at the repo root. `kairos serve` always runs its projection, so every Kairos figure is with it running.
 * Only Node built-ins on the client side (`node:http` with keep-alive agents); `pg` (the ceiling, scratch
 * databases) and `mongoose` (to drop the MongoDB scratch database): server dependencies.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  CEILING_BATCH,
  CEILING_CONNECTIONS,
  type Ceiling,
  type CeilingInsert,
  CeilingUnavailableError,
  type CeilingWindow,
  openCeiling,
} from './ceiling.js';
import { itemId, learner, population, rnd, statementMaker, VERBS } from './index-terms-statements.js';
import { adjacentRatios, median, printRatioTable, type RatioRow, verdict } from './ratios.js';
import {
  benchArgs,
  type CatchUp,
  Client,
  createKey,
  databaseCpuSince,
  databaseCpuTicks,
  fmtMs,
  fmtN,
  type LagSeen,
  type LatencyStats,
  latencyStats,
  letters,
  machineTicks,
  processCpuSeconds,
  procStatusKb,
  projectionCaughtUp,
  type Reply,
  ROOT,
  type Running,
  round,
  sampleProjectionLag,
  scratchPostgres,
  serverEnv,
  serviceUrl,
  startKairos,
  stopKairos,
  withDatabase,
} from './support.js';

type Store = 'pglite' | 'postgres' | 'mongodb';
const ALL_STORES: Store[] = ['pglite', 'postgres', 'mongodb'];

// ---------------------------------------------------------------------------------------------- options

const optionSpec = {
  small: { type: 'boolean', default: false },
  /** `--mode=small` = `--small`; survives the root script's second `npm run`, which drops `--small`. */
  mode: { type: 'string', default: 'full' },
  stores: { type: 'string', default: ALL_STORES.join(',') },
  duration: { type: 'string' },
  window: { type: 'string' },
  rounds: { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string', default: '100' },
  'batch-clients': { type: 'string', default: '8' },
  'single-clients': { type: 'string', default: '50' },
  'get-clients': { type: 'string', default: '8' },
  'cpu-prof': { type: 'boolean', default: false },
  timeout: { type: 'string' },
  'seed-max-seconds': { type: 'string' },
  out: { type: 'string', default: join(ROOT, 'bench-results') },
  help: { type: 'boolean', default: false },
} as const;

const { argv, values: opts } = benchArgs(optionSpec, 'bench:ingest');

if (opts.help) {
  console.log(`npm run bench:ingest -- [options]
  --small              CI-cheap run (short phases, 3,000 seeded statements); same as --mode=small
  (from the repo root npm swallows boolean flags: use --mode=small, or a second "--": npm run bench:ingest -- -- --small)
  --stores LIST        pglite,postgres,mongodb (default: all three)
  --duration S         seconds of the 0.45 × ceiling, fixed-rate and GET phases (default 10; 2 with --small)
  --window S           seconds per interleaved window: ceiling, batched, singles (default 3; 1 with --small)
  --rounds N           interleaved rounds of batched + singles between ceiling windows (default 4; 2 with --small)
  --seed N             statements stored before the GET mix (default 100000; 3000 with --small)
  --limit N            page size of GET queries (default 100)
  --batch-clients N    concurrent clients of the batched phase (default 8)
  --single-clients N   concurrent clients of the single-statement phase (default 50)
  --get-clients N      concurrent clients of the GET mix (default 8)
  --timeout S          per-request timeout, counted as an error (default 30; 5 with --small)
  --seed-max-seconds S stop seeding after S seconds and measure with what is stored (default 900; 10 with --small)
  --cpu-prof           run the server under node --cpu-prof and print its top self-time functions
  --out DIR            where to write ingest-<store>.json (default bench-results/ at the repo root)`);
  process.exit(0);
}

if (opts.mode !== 'small' && opts.mode !== 'full') {
  console.error('bench: --mode must be small or full');
  process.exit(2);
}
const small = opts.small || opts.mode === 'small';
const durationS = Number(opts.duration ?? (small ? 2 : 10));
const windowS = Number(opts.window ?? (small ? 1 : 3));
const rounds = Number(opts.rounds ?? (small ? 2 : 4));
/** How long a window waits for the projection to catch up with the window before it. */
const catchUpMaxS = small ? 15 : 90;
/** Where no PostgreSQL for the ceiling is a failure, not a run without ratios. */
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const seedTarget = Number(opts.seed ?? (small ? 3000 : 100_000));
const pageLimit = Number(opts.limit);
const requestTimeoutMs = 1000 * Number(opts.timeout ?? (small ? 5 : 30));
const seedMaxSeconds = Number(opts['seed-max-seconds'] ?? (small ? 10 : 900));
const batchClients = Number(opts['batch-clients']);
const singleClients = Number(opts['single-clients']);
const getClients = Number(opts['get-clients']);
const stores = opts
  .stores!.split(',')
  .map((s) => s.trim())
  .filter(Boolean) as Store[];
for (const s of stores) {
  if (!ALL_STORES.includes(s)) {
    console.error(`bench: unknown store "${s}" (expected ${ALL_STORES.join(', ')})`);
    process.exit(2);
  }
}
for (const [name, v] of Object.entries({
  durationS,
  windowS,
  rounds,
  seedTarget,
  pageLimit,
  batchClients,
  singleClients,
  getClients,
  requestTimeoutMs,
  seedMaxSeconds,
})) {
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`bench: ${name} must be a positive number`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------- statements

// The learner population and statement shape, shared with bench:terms (a smaller population in --small
// mode, so that filters match several pages there too).
const POPULATION = population(small);
const COURSES = POPULATION.courses;
const SEQUENCES_PER_COURSE = POPULATION.sequencesPerCourse;
const ITEMS_PER_SEQUENCE = POPULATION.itemsPerSequence;
const LEARNERS = POPULATION.learners;
/** One realistic Kairos SDK statement: a learner answering / completing / progressing in a quiz item. */
const makeStatement = statementMaker(POPULATION);

const batchBody = (n: number) => JSON.stringify(Array.from({ length: n }, makeStatement));

// ---------------------------------------------------------------------------------------------- measuring

interface PhaseResult {
  requests: number;
  statements: number;
  seconds: number;
  statementsPerSecond: number;
  requestsPerSecond: number;
  latencyMs: LatencyStats;
  errors: number;
  errorSample?: string;
  /** CPU seconds per wall second (1 = one core busy). */
  serverCores: number;
  clientCores: number;
  /** CPU of every postgres / FerretDB process on the machine (shared services: other users' work counts too). */
  databaseCores: number;
  machineBusyPct: number;
  /** Server CPU per request and per statement acknowledged, ms (what issue 13's 0.6 ms target is about). */
  serverCpuMsPerRequest: number;
  serverCpuMsPerStatement: number;
  /** Database CPU per statement acknowledged, ms (every postgres / FerretDB process: shared). */
  databaseCpuMsPerStatement: number;
  extra?: Record<string, unknown>;
}

/** CPU per request and per statement of a phase, ms, from its cores and counts. */
function cpuPerWork(p: Omit<PhaseResult, `${string}CpuMsPer${string}`>) {
  const ms = (cores: number, n: number) => (n > 0 ? round((1000 * cores * p.seconds) / n, 3) : Number.NaN);
  return {
    serverCpuMsPerRequest: ms(p.serverCores, p.requests),
    serverCpuMsPerStatement: ms(p.serverCores, p.statements),
    databaseCpuMsPerStatement: ms(p.databaseCores, p.statements),
  };
}

/** One figure measured over several windows: counts and seconds summed, latencies pooled, CPU weighted by time. */
function combine(
  windows: { rec: Recorder; result: PhaseResult }[],
  extra?: Record<string, unknown>,
): PhaseResult {
  const sum = (f: (p: PhaseResult) => number) => windows.reduce((a, w) => a + f(w.result), 0);
  const seconds = sum((p) => p.seconds);
  const weighted = (f: (p: PhaseResult) => number) => round(sum((p) => f(p) * p.seconds) / seconds, 2);
  const statements = sum((p) => p.statements);
  const requests = sum((p) => p.requests);
  const base = {
    requests,
    statements,
    seconds: round(seconds, 2),
    statementsPerSecond: Math.round(statements / seconds),
    requestsPerSecond: Math.round(requests / seconds),
    latencyMs: latencyStats(windows.flatMap((w) => w.rec.latencies)),
    errors: sum((p) => p.errors),
    errorSample: windows.find((w) => w.result.errorSample)?.result.errorSample,
    serverCores: weighted((p) => p.serverCores),
    clientCores: weighted((p) => p.clientCores),
    databaseCores: weighted((p) => p.databaseCores),
    machineBusyPct: Math.round(weighted((p) => p.machineBusyPct)),
    extra,
  };
  return { ...base, ...cpuPerWork(base) };
}

class Recorder {
  readonly latencies: number[] = [];
  requests = 0;
  statements = 0;
  errors = 0;
  errorSample?: string;
  private t0 = 0;
  private cpu0 = 0;
  private client0 = process.cpuUsage();
  private machine0 = machineTicks();
  private db0 = new Map<string, number>();
  constructor(private readonly serverPid: number) {}

  start(): this {
    this.t0 = performance.now();
    this.cpu0 = processCpuSeconds(this.serverPid);
    this.client0 = process.cpuUsage();
    this.machine0 = machineTicks();
    this.db0 = databaseCpuTicks();
    return this;
  }

  record(reply: Reply, statements: number, okStatus: number[]): void {
    this.requests++;
    this.latencies.push(reply.ms);
    if (okStatus.includes(reply.status)) this.statements += statements;
    else this.fail(`HTTP ${reply.status}: ${reply.body.slice(0, 300)}`);
  }

  fail(message: string): void {
    this.errors++;
    this.errorSample ??= message;
  }

  finish(extra?: Record<string, unknown>): PhaseResult {
    const seconds = (performance.now() - this.t0) / 1000;
    const client = process.cpuUsage(this.client0);
    const m = machineTicks();
    const base = {
      requests: this.requests,
      statements: this.statements,
      seconds: round(seconds, 2),
      statementsPerSecond: Math.round(this.statements / seconds),
      requestsPerSecond: Math.round(this.requests / seconds),
      latencyMs: latencyStats(this.latencies),
      errors: this.errors,
      errorSample: this.errorSample,
      serverCores: round((processCpuSeconds(this.serverPid) - this.cpu0) / seconds, 2),
      clientCores: round((client.user + client.system) / 1e6 / seconds, 2),
      databaseCores: round(databaseCpuSince(this.db0) / seconds, 2),
      machineBusyPct: round(
        (100 * (m.busy - this.machine0.busy)) / Math.max(1, m.total - this.machine0.total),
        0,
      ),
      extra,
    };
    return { ...base, ...cpuPerWork(base) };
  }
}

/** Closed loop: `clients` workers each send a request as soon as the previous one answered. */
async function closedLoop(
  client: Client,
  rec: Recorder,
  clients: number,
  seconds: number,
  next: () => { method: string; path: string; body?: string; statements: number; ok: number[] },
): Promise<void> {
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const r = next();
        try {
          rec.record(await client.request(r.method, r.path, r.body), r.statements, r.ok);
        } catch (error) {
          rec.fail((error as Error).message);
        }
      }
    }),
  );
}

/**
 * Open loop: requests are due at a fixed rate whatever the server does; latency counts from the due time
 * (so a stalled server shows up as latency, not as a lower send rate).
 */
async function openLoop(
  client: Client,
  rec: Recorder,
  ratePerSecond: number,
  seconds: number,
  statementsPerRequest: number,
): Promise<{ late: number; dropped: number }> {
  const total = Math.round(ratePerSecond * seconds);
  const maxInFlight = 4000;
  let sent = 0;
  let inFlight = 0;
  let late = 0;
  let dropped = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - t0) / 1000) * ratePerSecond) + 1);
    while (sent < due) {
      const scheduled = t0 + (sent * 1000) / ratePerSecond;
      sent++;
      if (now - scheduled > 5) late++;
      if (inFlight >= maxInFlight) {
        dropped++;
        rec.fail('client-side: too many requests in flight (server too slow for this rate)');
        continue;
      }
      inFlight++;
      const body =
        statementsPerRequest === 1 ? JSON.stringify([makeStatement()]) : batchBody(statementsPerRequest);
      pending.push(
        client
          .request('POST', '/xapi/statements', body, scheduled)
          .then(
            (reply) => rec.record(reply, statementsPerRequest, [200]),
            (error: Error) => rec.fail(error.message),
          )
          .finally(() => {
            inFlight--;
          }),
      );
    }
    const nextDue = t0 + (sent * 1000) / ratePerSecond;
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, nextDue - performance.now()))));
  }
  await Promise.all(pending);
  return { late, dropped };
}

// ---------------------------------------------------------------------------------------------- servers

interface Scratch {
  env: Record<string, string>;
  describe: string;
  cleanup(): Promise<void>;
}

async function scratchStore(store: Store): Promise<Scratch> {
  const dataDir = mkdtempSync(join(tmpdir(), `kairos-bench-${store}-`));
  const base: Record<string, string> = { KAIROS_DATA_DIR: dataDir };
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (store === 'pglite') {
    return { env: base, describe: `embedded PGlite in ${dataDir}`, cleanup: async () => removeDir() };
  }
  if (store === 'postgres') {
    const db = await scratchPostgres();
    return {
      env: { ...base, DATABASE_URL: db.url },
      describe: `PostgreSQL database ${db.name} (created for this run, dropped after)`,
      async cleanup() {
        await db.drop();
        removeDir();
      },
    };
  }
  const url = serviceUrl('MONGODB_URL');
  const name = `kairosbench${letters(10)}`;
  return {
    // MONGODB_URL alone: statements in MongoDB, the projection in embedded PGlite (temp data dir).
    env: { ...base, MONGODB_URL: withDatabase(url, name) },
    describe: `MongoDB database ${name} at ${new URL(url).host} (dropped after); projection in PGlite`,
    async cleanup() {
      const { default: mongoose } = await import('mongoose');
      const conn = await mongoose
        .createConnection(withDatabase(url, name), { serverSelectionTimeoutMS: 5000 })
        .asPromise();
      await conn.dropDatabase();
      await conn.close();
      removeDir();
    },
  };
}

// ---------------------------------------------------------------------------------------------- profile

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Top self-time functions of a .cpuprofile, grouped by function + file:line, and by package. */
function summariseProfile(file: string, top = 25): { functions: unknown[]; byArea: unknown[] } {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
    const name =
      `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    fn.set(name, (fn.get(name) ?? 0) + us);
    const a = !url
      ? n.callFrame.functionName.startsWith('(')
        ? n.callFrame.functionName
        : '(native/builtin)'
      : url.includes('node_modules/')
        ? `npm:${url
            .split('node_modules/')
            .pop()!
            .split('/')
            .slice(0, url.split('node_modules/').pop()!.startsWith('@') ? 2 : 1)
            .join('/')}`
        : url.startsWith('node:')
          ? `node:${url.slice(5).split('/')[0]}`
          : url.split('/').slice(0, 3).join('/');
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: round((100 * us) / totalUs, 1) }));
  return { functions: fmt(fn, top), byArea: fmt(area, 15) };
}

// ---------------------------------------------------------------------------------------------- ceiling, interleaved

/** Batched ingestion with the projection running must stay at this share of the ceiling (issue 13). */
const HELD_RATIO = 0.45;
/** Issue 13's targets; they are PostgreSQL mode's, so only the postgres store gets verdicts. */
const TARGETS = {
  batchedRatio: 0.55,
  singlesPerSecond: 2000,
  singlesServerCpuMs: 0.6,
  heldRatio: HELD_RATIO,
  heldLagSeconds: 2,
} as const;

interface CeilingResult {
  what: string;
  database: string;
  insert: CeilingInsert;
  windows: CeilingWindow[];
  medianStatementsPerSecond: number;
  rowsAtEnd: number;
}

/** One interleaved Kairos window. */
interface RoundWindow {
  statementsPerSecond: number;
  seconds: number;
  /** Over the mean of the ceiling windows before and after it. */
  ratio?: number;
  projectionLag: LagSeen;
  /** Seconds the projection took, after the window, to project everything (null: not within the wait). */
  catchUpSeconds: number | null;
  /**
   * The projection runs inside the server process. After the window the server only projects: its CPU
   * then, over the statements left to project, is what a projected statement costs the server.
   */
  projectionCpuMsPerStatement?: number;
  /** Statements over window + catch-up: the rate the whole pipeline sustains. */
  sustainedStatementsPerSecond?: number;
  sustainedRatio?: number;
}

/** The ceiling, or (outside CI only) undefined with a warning when PostgreSQL is not there. */
async function openCeilingOrSkip(store: Store): Promise<Ceiling | undefined> {
  try {
    return await openCeiling(makeStatement);
  } catch (error) {
    if (inCi || !(error instanceof CeilingUnavailableError)) throw error;
    log(store, `WARNING: ${error.message}. Figures without ratios (in CI this is a failure).`);
    return undefined;
  }
}

/**
 * Rounds of [ceiling], batched, singles, …, [ceiling]: each Kairos window lies between two ceiling
 * windows, so both saw the same machine. After each Kairos window the projection catches up before the
 * next window starts (the ceiling must not share the cores with a projection still at work).
 */
async function interleavedRounds(
  store: Store,
  ctx: {
    c: Client;
    probe: Client;
    pid: number;
    tenant: string;
    ceiling?: Ceiling;
    post: (n: number) => ReturnType<Parameters<typeof closedLoop>[4]>;
  },
) {
  const { c, probe, pid, tenant, ceiling, post } = ctx;
  const ceilings: CeilingWindow[] = [];
  const kinds = {
    batched: { clients: batchClients, size: 100, windows: [] as { rec: Recorder; result: PhaseResult }[] },
    singles: { clients: singleClients, size: 1, windows: [] as { rec: Recorder; result: PhaseResult }[] },
  };
  const rows: Record<keyof typeof kinds, RoundWindow[]> = { batched: [], singles: [] };
  const ceilingWindow = async () => {
    if (ceiling) ceilings.push(await ceiling.window(windowS));
  };
  const start = await projectionCaughtUp(probe, tenant, catchUpMaxS * 1000);
  if (!start.caughtUp) log(store, `   the projection had not caught up with the warm-up (${start.reason})`);
  // once /readyz has not reported the lag, waiting for it after every window only costs time
  let lagReported = start.caughtUp || start.reason !== 'lag unknown';
  log(
    store,
    `1/5 ${rounds} interleaved rounds of ${windowS} s windows: ${ceiling ? 'raw insert ceiling, ' : ''}batched (${batchClients} clients × 100), singles (${singleClients} clients)${ceiling ? ', ceiling' : ''}`,
  );
  await ceilingWindow();
  for (let r = 0; r < rounds; r++) {
    for (const [name, kind] of Object.entries(kinds) as [keyof typeof kinds, (typeof kinds)['batched']][]) {
      const lag = sampleProjectionLag(probe, tenant);
      const rec = new Recorder(pid).start();
      await closedLoop(c, rec, kind.clients, windowS, () => post(kind.size));
      const result = rec.finish();
      const projectionLag = await lag();
      const cpuBefore = processCpuSeconds(pid);
      const prevReported = lagReported;
      const caught: CatchUp = lagReported
        ? await projectionCaughtUp(probe, tenant, catchUpMaxS * 1000)
        : { caughtUp: false, reason: 'lag unknown' };
      if (!caught.caughtUp && caught.reason === 'lag unknown') lagReported = false;
      const catchUp = caught.caughtUp ? caught.seconds : undefined;
      const catchUpCpuMs = 1000 * (processCpuSeconds(pid) - cpuBefore);
      const left = projectionLag.lastStatements;
      const perProjected = catchUp !== undefined && left >= 100 ? catchUpCpuMs / left : undefined;
      if (!caught.caughtUp && (caught.reason === 'timeout' || lagReported !== prevReported))
        log(
          store,
          caught.reason === 'timeout'
            ? `   the projection did not catch up within ${catchUpMaxS} s after ${name} window ${r + 1}`
            : `   /readyz does not report the projection's lag: no waiting for it from ${name} window ${r + 1} on`,
        );
      kind.windows.push({ rec, result });
      rows[name].push({
        statementsPerSecond: result.statementsPerSecond,
        seconds: result.seconds,
        projectionLag,
        catchUpSeconds: catchUp === undefined ? null : round(catchUp, 2),
        projectionCpuMsPerStatement: perProjected === undefined ? undefined : round(perProjected, 3),
        sustainedStatementsPerSecond:
          catchUp === undefined ? undefined : Math.round(result.statements / (result.seconds + catchUp)),
      });
    }
    await ceilingWindow();
    const last = ceilings.at(-1)?.statementsPerSecond;
    log(
      store,
      `   round ${r + 1}: batched ${fmtN(rows.batched[r]!.statementsPerSecond)}/s, singles ${fmtN(rows.singles[r]!.statementsPerSecond)}/s${last === undefined ? '' : `, ceiling ${fmtN(last)}/s`}`,
    );
  }
  const ceilingRates = ceilings.map((w) => w.statementsPerSecond);
  for (const list of Object.values(rows)) {
    const ratios = adjacentRatios(
      list.map((w) => w.statementsPerSecond),
      ceilingRates,
    );
    const sustained = adjacentRatios(
      list.map((w) => w.sustainedStatementsPerSecond ?? Number.NaN),
      ceilingRates,
    );
    list.forEach((w, i) => {
      if (ratios[i] !== undefined) w.ratio = round(ratios[i]!, 3);
      if (Number.isFinite(sustained[i])) w.sustainedRatio = round(sustained[i]!, 3);
    });
  }
  const lagOf = (list: RoundWindow[]) => ({
    maxStatements: Math.max(...list.map((w) => w.projectionLag.maxStatements)),
    maxSeconds: Math.max(...list.map((w) => w.projectionLag.maxSeconds)),
    samples: list.reduce((a, w) => a + w.projectionLag.samples, 0),
    unknown: list.reduce((a, w) => a + w.projectionLag.unknown, 0),
    maxCatchUpSeconds: list.some((w) => w.catchUpSeconds === null)
      ? null
      : Math.max(...list.map((w) => w.catchUpSeconds!)),
  });
  return {
    phases: {
      batched: combine(kinds.batched.windows, { windows: rounds, projection: lagOf(rows.batched) }),
      singles: combine(kinds.singles.windows, { windows: rounds, projection: lagOf(rows.singles) }),
    },
    ceiling: ceiling
      ? {
          what: `PostgreSQL raw insert: the same statement JSON from Node pg into (id uuid primary key, tenant, stored, body jsonb) + 5 indexes, ${CEILING_BATCH} rows per INSERT (${ceiling.insert}), ${CEILING_CONNECTIONS} connections`,
          database: ceiling.database,
          insert: ceiling.insert,
          windows: ceilings,
          medianStatementsPerSecond: Math.round(median(ceilingRates)),
          rowsAtEnd: await ceiling.rows(),
        }
      : undefined,
    rounds: rows,
  };
}

/** The ratio table of a store: the ceiling, then each Kairos figure over it, with issue 13's verdicts. */
function ratioRows(store: Store, r: StoreResult): RatioRow[] {
  const ceiling = r.ceiling;
  const targets = store === 'postgres';
  const med = (xs: (number | undefined)[]) => {
    const ok = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
    return ok.length ? median(ok) : undefined;
  };
  const batched = r.phases.batched!;
  const singles = r.phases.singles!;
  const batchedRatio = med(r.rounds?.batched.map((w) => w.ratio) ?? []);
  const sustainedRatio = med(r.rounds?.batched.map((w) => w.sustainedRatio) ?? []);
  const sustained = med(r.rounds?.batched.map((w) => w.sustainedStatementsPerSecond) ?? []);
  const projectionCpu = med(r.rounds?.batched.map((w) => w.projectionCpuMsPerStatement) ?? []);
  const singlesRatio = med(r.rounds?.singles.map((w) => w.ratio) ?? []);
  const lag = (p: PhaseResult) =>
    (p.extra?.projection ?? p.extra?.projectionLag) as
      | { maxSeconds: number; maxStatements: number; samples: number; unknown: number }
      | undefined;
  /** The lag seen, or that /readyz did not report it (a lag it did not report is not a lag of 0). */
  const lagText = (l: ReturnType<typeof lag>) =>
    !l || l.samples === 0
      ? `projection lag not reported (${l?.unknown ?? 0} tries)`
      : `projection lag up to ${l.maxSeconds} s${l.unknown ? ` (${l.unknown} of ${l.samples + l.unknown} samples not reported)` : ''}`;
  const rows: RatioRow[] = [];
  if (ceiling)
    rows.push({
      figure: `raw insert ceiling (PostgreSQL; median of ${ceiling.windows.length} windows)`,
      statementsPerSecond: ceiling.medianStatementsPerSecond,
      ratio: 1,
      note: store === 'postgres' ? '' : `the same PostgreSQL ceiling: Kairos on ${store} against it`,
    });
  rows.push({
    figure: 'batched POST, 100/req, 8 clients',
    statementsPerSecond: batched.statementsPerSecond,
    ratio: batchedRatio,
    windowRatios: r.rounds?.batched.flatMap((w) => (w.ratio === undefined ? [] : [w.ratio])),
    target: targets ? `≥ ${TARGETS.batchedRatio}` : undefined,
    verdict:
      targets && batchedRatio !== undefined ? verdict(batchedRatio >= TARGETS.batchedRatio) : undefined,
    note: `${lagText(lag(batched))}; server CPU ${batched.serverCpuMsPerStatement.toFixed(3)} ms/statement${
      projectionCpu === undefined
        ? ''
        : ` (a catch-up: ${projectionCpu.toFixed(3)} ms per statement projected)`
    }, all postgres processes ${batched.databaseCpuMsPerStatement.toFixed(3)} ms`,
  });
  rows.push({
    figure: '  … sustained: over window + projection catch-up',
    statementsPerSecond: sustained ?? Number.NaN,
    ratio: sustainedRatio,
    note: 'no target; what the pipeline keeps up with',
  });
  const cpuMs = singles.serverCpuMsPerRequest;
  rows.push({
    figure: 'single POST, 50 clients',
    statementsPerSecond: singles.statementsPerSecond,
    ratio: singlesRatio,
    windowRatios: r.rounds?.singles.flatMap((w) => (w.ratio === undefined ? [] : [w.ratio])),
    target: targets
      ? `≥ ${fmtN(TARGETS.singlesPerSecond)}/s, ≤ ${TARGETS.singlesServerCpuMs} ms srv CPU`
      : undefined,
    verdict: targets
      ? verdict(singles.statementsPerSecond >= TARGETS.singlesPerSecond, cpuMs <= TARGETS.singlesServerCpuMs)
      : undefined,
    note: `server CPU ${cpuMs.toFixed(2)} ms/request (with what the in-process projection did meanwhile)`,
  });
  const held = r.phases.projectionHeld;
  if (held && ceiling) {
    const heldLag = lag(held);
    const x = held.extra as { ceilingStatementsPerSecond: number; offeredStatementsPerSecond: number };
    const ratio = held.statementsPerSecond / x.ceilingStatementsPerSecond;
    rows.push({
      figure: `batched offered at ${HELD_RATIO} × ceiling (${fmtN(x.offeredStatementsPerSecond)}/s)`,
      statementsPerSecond: held.statementsPerSecond,
      ratio,
      target: targets ? `≥ ${TARGETS.heldRatio}, lag < ${TARGETS.heldLagSeconds} s` : undefined,
      // kept up: every request answered within a second of its due time, and the projection close behind
      verdict: targets
        ? verdict(
            held.errors === 0,
            held.latencyMs.p99 < 1000,
            !!heldLag && heldLag.samples > 0 && heldLag.unknown === 0,
            (heldLag?.maxSeconds ?? Number.POSITIVE_INFINITY) < TARGETS.heldLagSeconds,
          )
        : undefined,
      note: `${lagText(heldLag)} (${fmtN(heldLag?.maxStatements ?? Number.NaN)} statements); p99 ${fmtMs(held.latencyMs.p99)} ms; ratio to the median ceiling`,
    });
  }
  if (ceiling && r.seed.statements > 0)
    rows.push({
      figure: 'seeding, 1,000/req, 4 clients',
      statementsPerSecond: r.seed.statementsPerSecond,
      ratio: r.seed.statementsPerSecond / ceiling.medianStatementsPerSecond,
      note: 'not interleaved: ratio to the median ceiling; the projection catching up meanwhile',
    });
  return rows;
}

// ---------------------------------------------------------------------------------------------- one store

interface StoreResult {
  store: Store;
  mode: 'small' | 'full';
  command: string;
  startedAt: string;
  storage: string;
  machine: {
    cpus: number;
    model: string;
    memoryGb: number;
    node: string;
    note: string;
    loadAverageAtStart: number[];
  };
  settings: Record<string, unknown>;
  phases: Record<string, PhaseResult>;
  seed: { statements: number; seconds: number; statementsPerSecond: number; storedTotal?: number };
  rssKb: { serverPeak: number; serverEnd: number; clientPeak: number };
  startupSeconds: number;
  /** The raw insert ceiling's windows (absent without PostgreSQL outside CI). */
  ceiling?: CeilingResult;
  /** Each interleaved Kairos window: its figure, its ratio, the projection's lag and catch-up. */
  rounds?: { batched: RoundWindow[]; singles: RoundWindow[] };
  /** The ratio table as printed. */
  ratios?: RatioRow[];
  profile?: unknown;
  error?: string;
}

async function benchStore(store: Store): Promise<StoreResult> {
  const t0 = performance.now();
  const scratch = await scratchStore(store);
  const env = serverEnv(scratch.env);
  const result: StoreResult = {
    store,
    mode: small ? 'small' : 'full',
    command: `npm run bench:ingest -- -- ${argv.join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    storage: scratch.describe,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      note: 'client, server and database share these cores',
      loadAverageAtStart: loadavg().map((x) => round(x, 2)),
    },
    settings: {
      durationS,
      windowS,
      rounds,
      seedTarget,
      seedMaxSeconds,
      pageLimit,
      batchClients,
      singleClients,
      getClients,
      batchSize: 100,
      requestTimeoutMs,
      learners: LEARNERS,
      activities: COURSES * SEQUENCES_PER_COURSE * ITEMS_PER_SEQUENCE,
    } as Record<string, unknown>,
    phases: {},
    seed: { statements: 0, seconds: 0, statementsPerSecond: 0 },
    rssKb: { serverPeak: 0, serverEnd: 0, clientPeak: 0 },
    startupSeconds: 0,
  };
  let running: Running | undefined;
  let client: Client | undefined;
  let probe: Client | undefined;
  let ceiling: Ceiling | undefined;
  interrupted = async () => {
    if (running) await stopKairos(running);
    await ceiling?.close().catch(() => {});
    await scratch.cleanup().catch(() => {});
  };
  try {
    log(store, `starting kairos serve (${scratch.describe})`);
    running = await startKairos(env, opts['cpu-prof']!);
    result.startupSeconds = round((performance.now() - t0) / 1000, 1);
    const key = await createKey(env);
    const pid = running.child.pid!;
    client = new Client(
      running.port,
      `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`,
      64,
      requestTimeoutMs,
    );
    const c = client;
    const post = (n: number) => ({
      method: 'POST',
      path: '/xapi/statements',
      body: n === 1 ? JSON.stringify([makeStatement()]) : batchBody(n),
      statements: n,
      ok: [200],
    });

    const firstWrite = Date.now();
    // warm-up (JIT, connection pools), not measured
    await closedLoop(c, new Recorder(pid).start(), batchClients, small ? 0.3 : 1.5, () => post(100));
    probe = new Client(running.port, client.auth, 4, requestTimeoutMs);
    ceiling = await openCeilingOrSkip(store);
    if (ceiling) await ceiling.window(small ? 0.3 : 1); // its warm-up, not measured
    const measured = await interleavedRounds(store, { c, probe, pid, tenant: key.tenantId, ceiling, post });
    Object.assign(result.phases, measured.phases);
    result.ceiling = measured.ceiling;
    result.rounds = measured.rounds;

    let rec: Recorder;
    const ceilingNow = result.ceiling ? median(result.ceiling.windows.map((w) => w.statementsPerSecond)) : 0;
    if (ceilingNow > 0) {
      const offered = HELD_RATIO * ceilingNow;
      log(
        store,
        `2/5 batched POSTs offered at ${HELD_RATIO} × the ceiling (${fmtN(offered)} statements/s, open loop), projection lag sampled, ${durationS} s`,
      );
      rec = new Recorder(pid).start();
      const lag = sampleProjectionLag(probe, key.tenantId);
      const held = rec.finish(await openLoop(c, rec, offered / 100, durationS, 100));
      const lagSeen = await lag();
      const caught = await projectionCaughtUp(probe, key.tenantId, catchUpMaxS * 1000);
      result.phases.projectionHeld = held;
      held.extra = {
        ...held.extra,
        offeredStatementsPerSecond: Math.round(offered),
        ceilingStatementsPerSecond: Math.round(ceilingNow),
        projectionLag: lagSeen,
        catchUpSeconds: caught.caughtUp ? round(caught.seconds, 2) : null,
        catchUp: caught.caughtUp ? 'caught up' : caught.reason,
      };
    }

    log(store, `3/5 fixed 1,000 statements/s: 10 req/s × 100, then 1,000 req/s × 1, ${durationS} s each`);
    rec = new Recorder(pid).start();
    result.phases.rateBatches = rec.finish(await openLoop(c, rec, 10, durationS, 100));
    rec = new Recorder(pid).start();
    result.phases.rateSingles = rec.finish(await openLoop(c, rec, 1000, durationS, 1));

    // 4. seed, then the GET mix
    const already = Object.values(result.phases).reduce((a, p) => a + p.statements, 0);
    const toSeed = Math.max(0, seedTarget - already);
    log(store, `4/5 seeding ${toSeed.toLocaleString('en-US')} statements (batches of 1,000, 4 clients)`);
    const seedStart = performance.now();
    let seeded = 0;
    let seedFailures = 0;
    let lastProgress = performance.now();
    const seedDeadline = seedStart + seedMaxSeconds * 1000;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (seeded < toSeed && performance.now() < seedDeadline) {
          const n = Math.min(1000, toSeed - seeded);
          seeded += n;
          const r = await c
            .request('POST', '/xapi/statements', batchBody(n))
            .catch((e: Error) => ({ status: 0, body: e.message, ms: 0 }));
          if (r.status !== 200) {
            seeded -= n;
            if (++seedFailures > 20)
              throw new Error(`seeding failed: HTTP ${r.status} ${r.body.slice(0, 300)}`);
          }
          if (performance.now() - lastProgress > 10_000) {
            lastProgress = performance.now();
            log(store, `   … ${seeded.toLocaleString('en-US')} seeded`);
          }
        }
      }),
    );
    const seedSeconds = (performance.now() - seedStart) / 1000;
    result.seed = {
      statements: seeded,
      seconds: round(seedSeconds, 1),
      statementsPerSecond: Math.round(seeded / seedSeconds),
      storedTotal: already + seeded,
    };
    if (seeded < toSeed) log(store, `   seeding stopped after ${seedMaxSeconds} s (--seed-max-seconds)`);
    // "since" of the verb+since query: halfway through the time statements have been written
    const sinceIso = new Date((firstWrite + Date.now()) / 2).toISOString();
    result.settings.since = sinceIso;

    log(store, `   GET mix: ${getClients} clients, limit=${pageLimit}, ${durationS} s`);
    const kinds = ['agent', 'activity', 'verbSince', 'more'] as const;
    const perKind = Object.fromEntries(kinds.map((k) => [k, new Recorder(pid)])) as Record<
      (typeof kinds)[number],
      Recorder
    >;
    const all = new Recorder(pid).start();
    for (const k of kinds) perKind[k].start();
    const end = performance.now() + durationS * 1000;
    const q = (params: Record<string, string>) =>
      `/xapi/statements?${new URLSearchParams({ ...params, limit: String(pageLimit) })}`;
    let returned = 0;
    await Promise.all(
      Array.from({ length: getClients }, async (_, w) => {
        let i = w;
        while (performance.now() < end) {
          const kind = kinds[i++ % 3]!;
          const path =
            kind === 'agent'
              ? q({ agent: JSON.stringify(learner(rnd(LEARNERS))) })
              : kind === 'activity'
                ? q({
                    activity: itemId(rnd(COURSES), rnd(SEQUENCES_PER_COURSE), rnd(ITEMS_PER_SEQUENCE)),
                  })
                : q({ verb: VERBS.answered, since: sinceIso });
          try {
            let r = await c.request('GET', path);
            perKind[kind].record(r, 0, [200]);
            all.record(r, 0, [200]);
            if (r.status !== 200) continue;
            // follow `more` (up to 3 further pages), as an export or a catching-up client does
            let page = JSON.parse(r.body) as { statements: unknown[]; more: string };
            returned += page.statements.length;
            for (let p = 0; p < 3 && page.more; p++) {
              if (performance.now() >= end) break;
              r = await c.request('GET', page.more);
              perKind.more.record(r, 0, [200]);
              all.record(r, 0, [200]);
              if (r.status !== 200) break;
              page = JSON.parse(r.body);
              returned += page.statements.length;
            }
          } catch (error) {
            perKind[kind].fail((error as Error).message);
          }
        }
      }),
    );
    result.phases.getAll = all.finish({ statementsReturned: returned });
    for (const k of kinds) result.phases[`get_${k}`] = perKind[k].finish();

    result.ratios = ratioRows(store, result);
    result.rssKb = {
      serverPeak: procStatusKb(pid, 'VmHWM'),
      serverEnd: procStatusKb(pid, 'VmRSS'),
      clientPeak: process.resourceUsage().maxRSS,
    };
  } catch (error) {
    result.error = (error as Error).stack ?? String(error);
    if (running) result.error += `\n--- server stderr (tail) ---\n${running.stderr().slice(-3000)}`;
    log(store, `FAILED: ${(error as Error).message}`);
  } finally {
    client?.close();
    probe?.close();
    await ceiling
      ?.close()
      .catch((e) => log(store, `dropping the ceiling's database failed: ${(e as Error).message}`));
    if (running) {
      await stopKairos(running);
      if (running.profDir) {
        const file = readdirSync(running.profDir).find((f) => f.endsWith('.cpuprofile'));
        if (file) {
          mkdirSync(opts.out!, { recursive: true });
          const kept = join(opts.out!, `ingest-${store}.cpuprofile`);
          writeFileSync(kept, readFileSync(join(running.profDir, file)));
          result.profile = { file: kept, ...summariseProfile(kept) };
        }
        rmSync(running.profDir, { recursive: true, force: true });
      }
    }
    await scratch.cleanup().catch((e) => log(store, `cleanup failed: ${(e as Error).message}`));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------- output

const fmtMs3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '—');
/** min–max of a few figures. */
const fmtCores = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;

function log(store: string, message: string): void {
  console.error(`[bench ${store}] ${message}`);
}

function printTable(r: StoreResult): void {
  console.log(`\n== ${r.store} (${r.mode}) — ${r.storage}`);
  if (r.error) console.log(`   ERROR: ${r.error.split('\n')[0]}`);
  if (r.ratios) {
    console.log(
      r.ceiling
        ? `ratios to the raw insert ceiling (${r.ceiling.what}); each window's ratio is to the mean of the ceiling windows before and after it, the row shows their median; the projection runs throughout${r.store === 'postgres' ? '' : "; targets are PostgreSQL mode's"}:`
        : 'no raw insert ceiling (no PostgreSQL): figures without ratios',
    );
    printRatioTable(r.ratios);
    console.log('\nabsolute figures:');
  }
  if (r.ceiling)
    console.log(
      `ceiling windows (${r.settings.windowS} s each): ${r.ceiling.windows.map((w) => fmtN(w.statementsPerSecond)).join(', ')} statements/s (client ${fmtCores(r.ceiling.windows.map((w) => w.clientCores))}, db ${fmtCores(r.ceiling.windows.map((w) => w.databaseCores))} cores, busy ${fmtCores(r.ceiling.windows.map((w) => w.machineBusyPct))} %); ${fmtN(r.ceiling.rowsAtEnd)} rows at the end`,
    );
  for (const [name, list] of Object.entries(r.rounds ?? {}))
    console.log(
      `${name} windows: ${list.map((w) => `${fmtN(w.statementsPerSecond)}/s (ratio ${w.ratio?.toFixed(2) ?? '—'}, lag ${w.projectionLag.samples ? `≤ ${w.projectionLag.maxSeconds} s` : 'not reported'}, ${w.catchUpSeconds === null ? 'not seen caught up' : `caught up in ${w.catchUpSeconds} s`})`).join('; ')}`,
    );
  const rows: [string, string, PhaseResult | undefined][] = [
    ['batched POST (100/req)', `${r.settings.batchClients} clients`, r.phases.batched],
    ['single POST', `${r.settings.singleClients} clients`, r.phases.singles],
    ['batched at 0.45 × ceil.', 'open loop', r.phases.projectionHeld],
    ['fixed 1k/s as 10×100', 'open loop', r.phases.rateBatches],
    ['fixed 1k/s as 1000×1', 'open loop', r.phases.rateSingles],
    ['GET by agent', `limit ${r.settings.pageLimit}`, r.phases.get_agent],
    ['GET by activity', `limit ${r.settings.pageLimit}`, r.phases.get_activity],
    ['GET verb+since', `limit ${r.settings.pageLimit}`, r.phases.get_verbSince],
    ['GET more page', `limit ${r.settings.pageLimit}`, r.phases.get_more],
    ['GET mix (all)', `${r.settings.getClients} clients`, r.phases.getAll],
  ];
  const head = [
    'phase',
    'load',
    'stmts/s',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'errors',
    'srv cpu',
    'cli cpu',
    'db cpu',
    'busy%',
    'srv ms/req',
  ];
  const widths = [24, 12, 9, 8, 8, 8, 8, 7, 8, 8, 7, 6, 10];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  console.log(line(head));
  for (const [name, load, p] of rows) {
    if (!p) continue;
    console.log(
      line([
        name,
        load,
        name.startsWith('GET') ? '' : fmtN(p.statementsPerSecond),
        fmtN(p.requestsPerSecond),
        fmtMs(p.latencyMs.p50),
        fmtMs(p.latencyMs.p95),
        fmtMs(p.latencyMs.p99),
        String(p.errors),
        p.serverCores.toFixed(2),
        p.clientCores.toFixed(2),
        p.databaseCores.toFixed(2),
        String(p.machineBusyPct),
        name.startsWith('GET') ? '' : fmtMs3(p.serverCpuMsPerRequest),
      ]),
    );
  }
  console.log(
    `seeded ${fmtN(r.seed.statements)} statements in ${r.seed.seconds} s (${fmtN(r.seed.statementsPerSecond)}/s; ${fmtN(r.seed.storedTotal ?? 0)} stored in all) · server peak RSS ${fmtN(r.rssKb.serverPeak / 1024)} MB (end ${fmtN(r.rssKb.serverEnd / 1024)} MB) · client peak RSS ${fmtN(r.rssKb.clientPeak / 1024)} MB · start-up ${r.startupSeconds} s`,
  );
  for (const [name, p] of Object.entries(r.phases)) {
    if (p.errorSample) console.log(`   ${name}: ${p.errors} errors, e.g. ${p.errorSample.slice(0, 200)}`);
  }
  if (r.profile) {
    const prof = r.profile as {
      file: string;
      functions: { name: string; ms: number; pct: number }[];
      byArea: { name: string; pct: number }[];
    };
    console.log(`server CPU profile: ${prof.file}`);
    console.log(`  by area: ${prof.byArea.map((a) => `${a.name} ${a.pct}%`).join(', ')}`);
    for (const f of prof.functions)
      console.log(`  ${String(f.pct).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}`);
  }
}

// ---------------------------------------------------------------------------------------------- main

/** Stops the server and drops the scratch database of the store being measured (Ctrl-C). */
let interrupted: (() => Promise<void>) | undefined;
process.once('SIGINT', () => {
  console.error('bench: interrupted, stopping the server and dropping the scratch database…');
  void (interrupted?.() ?? Promise.resolve()).finally(() => process.exit(130));
});

const started = performance.now();
console.error(
  `bench: ${small ? 'small' : 'full'} mode, stores ${stores.join(', ')}, ${durationS} s per phase, seed ${seedTarget.toLocaleString('en-US')}; ${cpus().length} × ${cpus()[0]?.model} (shared by client, server and databases)`,
);
mkdirSync(opts.out!, { recursive: true });
let failed = false;
for (const store of stores) {
  const r = await benchStore(store);
  printTable(r);
  const file = join(opts.out!, `ingest-${store}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  console.log(`→ ${file}`);
  if (r.error) failed = true;
}
console.error(`bench: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
