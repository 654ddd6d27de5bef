/**
 * Ingestion benchmark of the Kairos LRS: `npm run bench:ingest -- [--small] [--stores pglite,postgres,mongodb]
 * [--duration S] [--seed N] [--limit N] [--clients N] [--cpu-prof]` (from the repo root; build first with
 * `npm run build`). Documented in docs/benchmarks.md.
 *
 * For each record store it starts its own `kairos serve` on a free 127.0.0.1 port (PGlite in a temp data
 * directory; PostgreSQL in a database it creates and drops; MongoDB in a fresh letters-only database it drops),
 * creates an API key with `kairos keys create`, then measures:
 *   1. batched POSTs (100 statements per request, 8 concurrent clients): statements/s, request latency;
 *   2. single-statement POSTs (50 concurrent clients);
 *   3. open-loop fixed rate of 1,000 statements/s (10 req/s × 100, and 1,000 req/s × 1): latency measured from
 *      the intended send time (no coordinated omission);
 *   4. GET mix after seeding N statements (batches of 1,000): by agent, by activity, verb + since, and `more`
 *      pages;
 *   5. peak RSS of the server (/proc/<pid>/status VmHWM) and of this client, plus CPU used by each.
 * Prints a table per store and writes bench-results/ingest-<store>.json at the repo root.
 * Only Node built-ins on the client side (`node:http` with keep-alive agents); `pg` and `mongoose` (server
 * dependencies) only to create and drop the scratch databases.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  benchArgs,
  Client,
  createKey,
  databaseCpuSince,
  databaseCpuTicks,
  fmtMs,
  fmtN,
  type LatencyStats,
  latencyStats,
  letters,
  machineTicks,
  processCpuSeconds,
  procStatusKb,
  type Reply,
  ROOT,
  type Running,
  round,
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
  --duration S         seconds per measured phase (default 10; 2 with --small)
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

const HOME = 'https://moodle.example.edu';
// A smaller population in --small mode so that filters match several pages there too.
const COURSES = small ? 2 : 10;
const SEQUENCES_PER_COURSE = 5;
const ITEMS_PER_SEQUENCE = 10; // → 500 interactions
const LEARNERS = small ? 200 : 2000;
const VERBS = {
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  progressed: 'http://adlnet.gov/expapi/verbs/progressed',
};
const courseId = (c: number) => `${HOME}/course/view.php?id=${100 + c}`;
const sequenceId = (c: number, s: number) => `https://content.example.edu/courses/${100 + c}/sequences/${s}`;
const itemId = (c: number, s: number, i: number) => `${sequenceId(c, s)}/items/q${i}`;
const learner = (n: number) => ({ objectType: 'Agent', account: { homePage: HOME, name: `learner-${n}` } });

const rnd = (n: number) => Math.floor(Math.random() * n);
// Registrations per learner × sequence, reused so registration filters match several statements.
const registrations = new Map<string, string>();
function registrationOf(l: number, c: number, s: number): string {
  const k = `${l}:${c}:${s}`;
  let r = registrations.get(k);
  if (!r) {
    r = randomUUID();
    if (registrations.size < 200_000) registrations.set(k, r);
  }
  return r;
}

/** One realistic Kairos SDK statement: a learner answering / completing / progressing in a quiz item. */
function makeStatement(): Record<string, unknown> {
  const l = rnd(LEARNERS);
  const c = rnd(COURSES);
  const s = rnd(SEQUENCES_PER_COURSE);
  const i = rnd(ITEMS_PER_SEQUENCE);
  const roll = Math.random();
  const verb = roll < 0.7 ? 'answered' : roll < 0.85 ? 'completed' : 'progressed';
  const correct = Math.random() < 0.6;
  const seconds = (5 + Math.random() * 120).toFixed(2);
  const result: Record<string, unknown> =
    verb === 'progressed'
      ? {
          duration: `PT${seconds}S`,
          extensions: {
            'https://kairos.dev/xapi/extensions/progress': Math.round(Math.random() * 100) / 100,
          },
        }
      : {
          score: { scaled: correct ? 1 : 0.25, raw: correct ? 4 : 1, min: 0, max: 4 },
          success: correct,
          completion: true,
          response: correct ? 'b' : 'c',
          duration: `PT${seconds}S`,
          extensions: { 'https://kairos.dev/xapi/extensions/time/idle-seconds': rnd(30) },
        };
  return {
    id: randomUUID(),
    actor: learner(l),
    verb: { id: VERBS[verb], display: { 'en-US': verb } },
    object: {
      objectType: 'Activity',
      id: itemId(c, s, i),
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        name: { 'en-US': `Question ${i + 1} of sequence ${s + 1}`, 'fr-FR': `Question ${i + 1}` },
        description: { 'en-US': 'Which of these fractions is equivalent to 2/4?' },
        interactionType: 'choice',
        correctResponsesPattern: ['b'],
        choices: [
          { id: 'a', description: { 'en-US': '1/3' } },
          { id: 'b', description: { 'en-US': '1/2' } },
          { id: 'c', description: { 'en-US': '3/4' } },
          { id: 'd', description: { 'en-US': '2/3' } },
        ],
        extensions: { 'https://kairos.dev/xapi/extensions/level': 'entrainement' },
      },
    },
    result,
    context: {
      registration: registrationOf(l, c, s),
      platform: 'Kairos SDK',
      language: 'en-US',
      contextActivities: {
        parent: [
          {
            objectType: 'Activity',
            id: sequenceId(c, s),
            definition: { type: 'http://adlnet.gov/expapi/activities/module' },
          },
        ],
        grouping: [
          {
            objectType: 'Activity',
            id: courseId(c),
            definition: { type: 'http://adlnet.gov/expapi/activities/course' },
          },
        ],
        category: [{ objectType: 'Activity', id: 'https://kairos.dev/xapi/profile/v1' }],
      },
      extensions: {
        'https://kairos.dev/xapi/extensions/attempt': 1 + rnd(3),
        'https://kairos.dev/xapi/extensions/sdk': 'kairos-sdk/0.1.0',
      },
    },
    timestamp: new Date(Date.now() - rnd(5000)).toISOString(),
  };
}

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
  extra?: Record<string, unknown>;
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
    return {
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

// ---------------------------------------------------------------------------------------------- one store

interface StoreResult {
  store: Store;
  mode: 'small' | 'full';
  command: string;
  startedAt: string;
  storage: string;
  machine: { cpus: number; model: string; memoryGb: number; node: string; note: string };
  settings: Record<string, unknown>;
  phases: Record<string, PhaseResult>;
  seed: { statements: number; seconds: number; statementsPerSecond: number; storedTotal?: number };
  rssKb: { serverPeak: number; serverEnd: number; clientPeak: number };
  startupSeconds: number;
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
    },
    settings: {
      durationS,
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
  interrupted = async () => {
    if (running) await stopKairos(running);
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

    log(store, `1/5 batched POSTs: ${batchClients} clients × 100 statements, ${durationS} s`);
    let rec = new Recorder(pid).start();
    await closedLoop(c, rec, batchClients, durationS, () => post(100));
    result.phases.batched = rec.finish();

    log(store, `2/5 single-statement POSTs: ${singleClients} clients, ${durationS} s`);
    rec = new Recorder(pid).start();
    await closedLoop(c, rec, singleClients, durationS, () => post(1));
    result.phases.singles = rec.finish();

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

function log(store: string, message: string): void {
  console.error(`[bench ${store}] ${message}`);
}

function printTable(r: StoreResult): void {
  console.log(`\n== ${r.store} (${r.mode}) — ${r.storage}`);
  if (r.error) console.log(`   ERROR: ${r.error.split('\n')[0]}`);
  const rows: [string, string, PhaseResult | undefined][] = [
    ['batched POST (100/req)', `${r.settings.batchClients} clients`, r.phases.batched],
    ['single POST', `${r.settings.singleClients} clients`, r.phases.singles],
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
  ];
  const widths = [24, 12, 9, 8, 8, 8, 8, 7, 8, 8, 7, 6];
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
