/**
 * Analytics benchmark (issue 9): `npm run bench:analytics -- [--mode=small|full] [--learners N] [--statements N]`
 * (from the repo root; documented in docs/benchmarks.md). On a scratch PostgreSQL database it measures:
 *   1. projection throughput: a simulated course history stored straight into the record store, then
 *      `Projector.settle` from zero in this process (the first `--split` of it, then the rest);
 *   2. `Projector.reproject` of that history: time, and this process's RSS sampled every second;
 *   3. every analytics endpoint over HTTP against `kairos serve`, uncached and cached, at the split and at the
 *      full history (the cost should follow the size of the answer, not the number of statements stored);
 *   4. live effect latency: the LRS ingests at half its batched rate (measured first, in the same run) while
 *      probes post an `answered` statement for a new learner and poll its learner page until it answers 200.
 * Prints tables and a summary against the targets (a missed target is no error: the exit code is non-zero
 * only when something failed) and writes .tmp/bench-analytics.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { agentKey, type Statement, validateStatement } from '@kairos/xapi';
import { ensureBuilt } from '../../../scripts/ensure-built.mjs';
import { frameworkFromCsv } from '../src/analytics/frameworks/import.js';
import { Projector } from '../src/analytics/projection/projector.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { createLogger } from '../src/logger.js';
import { prepareStatement } from '../src/lrs/statements/prepare.js';
import { frameworkCsv, type SimCourse, simulateClass, structureOf } from '../src/simulator/index.js';
import { SqlAnalyticsStore } from '../src/storage/analytics/sql/analytics-store.js';
import { MemoryCache } from '../src/storage/cache/memory.js';
import { announceStored } from '../src/storage/record/announce.js';
import { SqlRecordStore } from '../src/storage/record/sql/record-store.js';
import { openPostgres } from '../src/storage/sql/database.js';
import type { StatementRecord, Stores } from '../src/storage/types.js';
import * as B from './support.js';

const { argv, values: opts } = B.benchArgs(
  {
    mode: { type: 'string', default: 'full' },
    learners: { type: 'string' },
    sequences: { type: 'string' },
    activities: { type: 'string' },
    competencies: { type: 'string' },
    heartbeats: { type: 'string' },
    days: { type: 'string' },
    statements: { type: 'string' },
    split: { type: 'string', default: '0.1' },
    samples: { type: 'string' },
    'rate-seconds': { type: 'string' },
    'live-seconds': { type: 'string' },
    'poll-ms': { type: 'string', default: '50' },
    'analyze-every': { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: join(B.ROOT, '.tmp/bench-analytics.json') },
    help: { type: 'boolean', default: false },
  },
  'bench:analytics',
);
if (opts.help || (opts.mode !== 'small' && opts.mode !== 'full')) {
  console.log(`npm run bench:analytics -- [options]   (from the repo root: --mode=small, or a second "--")
  --mode small|full    small: 60 learners × 3×5 activities × 6 competencies (~13k statements), for CI;
                       full (default): 1,000 learners × 10×20 activities × 20 competencies (~2M statements)
  --learners N, --sequences N, --activities N (per sequence), --competencies N, --days N
  --heartbeats N       \`progressed\` statements per attempt (default 6, small 8: sets the statement count)
  --statements N       keep only the first N statements of the history (cuts a full run short)
  --split F            share of the history measured first (default 0.1)
  --samples N          requests per endpoint and table, uncached and cached each (default 50, small 20)
  --rate-seconds S     closed-loop batched ingestion measured first (default 10, small 3)
  --live-seconds S     open loop at half that rate, a probe every 200 ms (default 60, small 5)
  --poll-ms MS         probe polling interval (default 50)
  --analyze-every S    ANALYZE the scratch database every S s and before each endpoint table, as autovacuum
                       would (default 60 when the server's autovacuum is off, else 0 = never)
  --keep               keep the scratch database for a look afterwards (its URL is printed; drop it yourself)
  --out FILE           JSON result (default .tmp/bench-analytics.json)`);
  process.exit(opts.help ? 0 : 2);
}
const small = opts.mode === 'small';
const num = (v: string | undefined, full: number, smallValue = full) => {
  const n = Number(v ?? (small ? smallValue : full));
  if (Number.isNaN(n) || n < 0) throw new Error(`bench: ${v} is not a number ≥ 0`);
  return n;
};
const shape = {
  learners: num(opts.learners, 1000, 60),
  sequences: num(opts.sequences, 10, 3),
  activitiesPerSequence: num(opts.activities, 20, 5),
  competencies: num(opts.competencies, 20, 6),
  heartbeats: num(opts.heartbeats, 6, 8),
  days: num(opts.days, 60, 21),
};
const settings = {
  ...shape,
  statements: num(opts.statements, Number.POSITIVE_INFINITY),
  split: num(opts.split, 0.1),
  samples: num(opts.samples, 50, 20),
  rateSeconds: num(opts['rate-seconds'], 10, 3),
  liveSeconds: num(opts['live-seconds'], 60, 5),
  pollMs: num(opts['poll-ms'], 50),
  analyzeEvery: opts['analyze-every'] === undefined ? undefined : num(opts['analyze-every'], 0),
};

const TENANT = 'default';
const HOME = 'https://lms.example.edu';
const COURSE = 'https://kairos.dev/bench/courses/fractions';
const AUTHORITY = {
  objectType: 'Agent' as const,
  account: { homePage: 'http://kairos.bench', name: 'bench' },
};
const log = (m: string) => console.error(`[bench analytics] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const since = (t0: number) => (performance.now() - t0) / 1000;
const rate = (statements: number, t0: number) => ({
  statements,
  seconds: B.round(since(t0), 1),
  perSecond: Math.round(statements / since(t0)),
});

// ---------------------------------------------------------------------------------------------- stores

/** The stores as test/support/learning.ts assembles them, plus the analyzer standing in for autovacuum. */
async function openStores(url: string) {
  const db = await openPostgres(url, { max: 8 });
  const [record, analytics, cache] = [
    new SqlRecordStore(db, false),
    new SqlAnalyticsStore(db, false),
    new MemoryCache(),
  ];
  await record.migrate();
  await analytics.migrate();
  const close = async () => {
    await cache.close();
    await db.close();
  };
  const stores: Stores = { record: announceStored(record, cache), analytics, cache, close };
  const autovacuum = (await db.pool.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum;
  const every = settings.analyzeEvery ?? (autovacuum === 'off' ? 60 : 0);
  const analyzed = { autovacuum, every, runs: 0, seconds: 0 };
  const once = async () => {
    const t0 = performance.now();
    await db.pool.query('ANALYZE').catch(() => {}); // the database may be going away (Ctrl-C)
    analyzed.runs++;
    analyzed.seconds = B.round(analyzed.seconds + since(t0), 1);
  };
  let queue = Promise.resolve();
  const analyze = () => {
    if (every > 0) queue = queue.then(once);
    return queue;
  };
  const timer = every > 0 ? setInterval(() => void analyze(), every * 1000).unref() : undefined;
  return { stores, analyze, analyzed, stopAnalyzing: () => clearInterval(timer) };
}

/** What a teacher declares before the course starts: its framework, structure and alignments. */
async function declareCourse(stores: Stores, course: SimCourse): Promise<void> {
  const fw = frameworkFromCsv(frameworkCsv(course), 'bench', course.title);
  const { inputs } = stores.analytics;
  await inputs.importFramework(
    TENANT,
    { framework: fw.framework, title: fw.title, source: 'csv' },
    fw.competencies,
  );
  const activities = structureOf(course).sequences.flatMap((seq, i) =>
    seq.activities.map((a, j) => ({ ...a, seq, sequencePosition: i + 1, position: j + 1 })),
  );
  await inputs.setStructure(
    TENANT,
    course.iri,
    activities.map((a) => ({
      activity: a.id,
      sequence: a.seq.id,
      sequenceTitle: a.seq.title,
      sequencePosition: a.sequencePosition,
      position: a.position,
      title: a.title,
      level: a.level,
    })),
  );
  const alignments = activities.flatMap((a) =>
    a.competencies.map((c) => ({
      activity: a.id,
      competency: c.id,
      weight: c.weight,
      source: 'api' as const,
    })),
  );
  await inputs.setAlignments(TENANT, alignments);
}

/** Stores the next `count` statements as the LRS would (validated, prepared), 1,000 a batch, 4 in flight. */
async function seed(stores: Stores, stream: Iterator<Statement>, count: number) {
  const t0 = performance.now();
  const inFlight = new Set<Promise<void>>();
  // on a failure, the other inserts end before the error goes up (and the database is dropped)
  const drain = async () => {
    const failed = (await Promise.allSettled(inFlight)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  let stored = 0;
  while (stored < count) {
    const batch: StatementRecord[] = [];
    while (batch.length < 1000 && stored + batch.length < count) {
      const n = stream.next();
      if (n.done) break;
      const ctx = { tenantId: TENANT, authority: AUTHORITY, version: '2.0.0' as const, now: Date.now() };
      // fresh ids: the simulator's repeat across learners in a large class (its mulberry32 streams overlap)
      const statement = validateStatement({ ...n.value, id: randomUUID() }, { version: '2.0.0' });
      batch.push(prepareStatement(statement, ctx));
    }
    if (batch.length === 0) break;
    stored += batch.length;
    const p: Promise<void> = stores.record.statements.insert(TENANT, batch).then((o) => {
      inFlight.delete(p);
      if (!o.ok) throw new Error(`seeding: conflicting statements ${o.conflicts.slice(0, 3).join(', ')}`);
    });
    inFlight.add(p);
    if (inFlight.size >= 4) await Promise.race(inFlight).catch(drain);
  }
  await drain();
  return rate(stored, t0);
}

/** `Projector.settle` from where the projection stands, with progress every 15 s. */
async function settle(projector: Projector) {
  const [t0, before, cpu] = [performance.now(), projector.projected, B.cpuMeter()];
  const timer = setInterval(() => log(`   … ${B.fmtN(projector.projected - before)} projected`), 15_000);
  const n = await projector.settle(TENANT).finally(() => clearInterval(timer));
  return { ...rate(n, t0), cores: cpu() };
}

/** `Projector.reproject`, sampling this process's RSS every second; then the purge of the old generation. */
async function reproject(stores: Stores, projector: Projector) {
  const rss: number[] = [];
  const sample = () => rss.push(Math.round(process.memoryUsage().rss / 2 ** 20));
  sample();
  const [t0, cpu, timer] = [performance.now(), B.cpuMeter(), setInterval(sample, 1000)];
  let shown = performance.now();
  const done = await projector
    .reproject(TENANT, (p) => {
      if (performance.now() - shown < 15_000) return;
      shown = performance.now();
      log(`   … ${p.phase} ${B.fmtN(p.projected)} / ${B.fmtN(p.total)}, RSS ${rss.at(-1)} MB`);
    })
    .finally(() => clearInterval(timer));
  const result = { ...rate(done.projected, t0), cores: cpu() };
  sample();
  const p0 = performance.now();
  while ((await stores.analytics.projection.purgeRetired(TENANT, 10_000)) > 0);
  const [start, max, end] = [rss[0]!, Math.max(...rss), rss.at(-1)!];
  return { ...result, rssMb: { start, max, end, growth: max - start }, purgeSeconds: B.round(since(p0), 1) };
}

// ---------------------------------------------------------------------------------------------- endpoints

/** `word` with the case of its letters flipped by the bits of `n`: routes ignore case, the answer cache not. */
const recased = (word: string, n: number) =>
  [...word].map((c, i) => ((n >> i) & 1 ? c.toUpperCase() : c)).join('');

/** Each endpoint: the URL of uncached request `i` (a cache key of its own), and the URL repeated cached. */
function endpoints(learners: string[], activities: string[]) {
  const base = `/api/v1/courses/${encodeURIComponent(COURSE)}`;
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  // a distinct asOf within the minute: the answer of the default asOf (now, to the minute), computed afresh
  const asOf = (i: number) => `asOf=${encodeURIComponent(new Date(minute + 1 + i).toISOString())}`;
  const learner = (i: number) => `${base}/learners/${encodeURIComponent(learners[i % learners.length]!)}`;
  const item = (i: number) => `${base}/activities/${encodeURIComponent(activities[i % activities.length]!)}`;
  const list: [string, (i: number) => string, string][] = [
    ['/courses', (i) => `/api/v1/${recased('courses', i + 1)}`, '/api/v1/courses'],
    ['/overview', (i) => `${base}/overview?${asOf(i)}`, `${base}/overview`],
    ['/stuck-points', (i) => `${base}/stuck-points?${asOf(i)}`, `${base}/stuck-points`],
    ['/competencies', (i) => `${base}/competencies?${asOf(i)}`, `${base}/competencies`],
    ['/learners', (i) => `${base}/learners?${asOf(i)}`, `${base}/learners`],
    ['/learners/{learner}', (i) => `${learner(i)}?${asOf(i)}`, learner(0)],
    ['/activities/{activity}', (i) => `${item(i)}?${asOf(i)}`, item(0)],
    ['/productions', (i) => `${base}/${recased('productions', i + 1)}`, `${base}/productions`],
    ['/transitions', (i) => `${base}/${recased('transitions', i + 1)}`, `${base}/transitions`],
  ];
  return list.map(([name, uncached, cached]) => ({ name, uncached, cached }));
}

/** One client, one request at a time: per endpoint, a warm-up then `samples` uncached, then cached. */
async function measureEndpoints(client: B.Client, picked: { learners: string[]; activities: string[] }) {
  const run = async (url: (i: number) => string, expect: 'miss' | 'hit') => {
    const [ms, kB] = [[] as number[], [] as number[]];
    let wrong = 0;
    for (let i = 0; i <= settings.samples; i++) {
      const r = await client.request('GET', url(i));
      if (r.status !== 200) throw new Error(`GET ${url(i)}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      // an uncached answer is a miss, or not cacheable at all (an explicit asOf is computed every time)
      const got = r.headers['x-kairos-cache'];
      if (i > 0 && (expect === 'hit' ? got !== 'hit' : got === 'hit')) wrong++;
      if (i > 0) ms.push(r.ms);
      kB.push(Buffer.byteLength(r.body) / 1024);
    }
    return { ...B.latencyStats(ms), wrong, kB: B.round(Math.max(...kB), 1) };
  };
  const rows = [];
  for (const e of endpoints(picked.learners, picked.activities)) {
    const uncached = await run(e.uncached, 'miss');
    rows.push({ endpoint: e.name, kB: uncached.kB, uncached, cached: await run(() => e.cached, 'hit') });
  }
  return rows;
}

type EndpointRow = Awaited<ReturnType<typeof measureEndpoints>>[number];

function printEndpoints(statements: number, rows: EndpointRow[]): void {
  console.log(
    `\n== Endpoints at ${B.fmtN(statements)} statements (ms over HTTP, ${settings.samples} requests each)`,
  );
  const ms = (s: B.LatencyStats) => [B.fmtMs(s.p50), B.fmtMs(s.p95), B.fmtMs(s.max)];
  B.printTable(
    [
      'endpoint',
      'answer kB',
      'uncached p50',
      'p95',
      'max',
      'cached p50',
      'p95',
      'max',
      'wrong X-Kairos-Cache',
    ],
    rows.map((r) => [
      r.endpoint,
      r.kB,
      ...ms(r.uncached),
      ...ms(r.cached),
      r.uncached.wrong + r.cached.wrong,
    ]),
  );
}

// ---------------------------------------------------------------------------------------------- live

/** Live effect latency: the batched rate first (4 clients × 100 statements), then half of it with probes. */
async function live(server: B.Running, auth: string, projector: Projector, template: Statement) {
  const [ingest, probes] = [
    new B.Client(server.port, auth, 64, 30_000),
    new B.Client(server.port, auth, 32, 30_000),
  ];
  const other = simulateClass({ ...shape, seed: 2, iri: `${COURSE}-live`, homePage: HOME });
  let stream = other.statements();
  const batch = () => {
    const out: Statement[] = [];
    while (out.length < 100) {
      const n = stream.next();
      if (n.done) stream = other.statements();
      else out.push({ ...n.value, id: randomUUID() }); // fresh ids: the stream may go round again
    }
    return JSON.stringify(out);
  };
  const post = async (client: B.Client, body: string, due?: number) => {
    const r = await client.request('POST', '/xapi/statements', body, due);
    if (r.status !== 200) throw new Error(`POST /xapi/statements: HTTP ${r.status} ${r.body.slice(0, 300)}`);
    return r.ms;
  };
  const caughtUp = async () => {
    const t0 = performance.now();
    while ((await projector.lag(TENANT)).statements > 0 && since(t0) < 600) await sleep(250);
    return B.round(since(t0), 1);
  };
  try {
    log(`live 1/2: batched rate, 4 clients × 100 statements, ${settings.rateSeconds} s`);
    const [closedMs, t0, end] = [
      [] as number[],
      performance.now(),
      performance.now() + settings.rateSeconds * 1000,
    ];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < end) closedMs.push(await post(ingest, batch()));
      }),
    );
    const batched = { ...rate(closedMs.length * 100, t0), latencyMs: B.latencyStats(closedMs) };
    const catchUp = await caughtUp();
    const target = batched.perSecond / 2;
    log(
      `live 2/2: ${B.fmtN(target)} statements/s open loop for ${settings.liveSeconds} s, a probe every 200 ms`,
    );
    const [effects, probePost, ingestMs, inFlight] = [
      [] as number[],
      [] as number[],
      [] as number[],
      [] as Promise<unknown>[],
    ];
    let timeouts = 0;
    const probe = async (k: number) => {
      const actor = { objectType: 'Agent' as const, account: { homePage: HOME, name: `probe-${k}` } };
      const s = { ...template, id: randomUUID(), actor, timestamp: new Date().toISOString() };
      probePost.push(await post(probes, JSON.stringify([s])));
      const posted = performance.now();
      const url = `/api/v1/courses/${encodeURIComponent(COURSE)}/learners/${encodeURIComponent(agentKey(actor)!)}`;
      for (;;) {
        const g = await probes.request('GET', url);
        if (g.status === 200) return void effects.push(performance.now() - posted);
        if (g.status !== 404) throw new Error(`GET ${url}: HTTP ${g.status} ${g.body.slice(0, 300)}`);
        if (performance.now() - posted > 30_000) return void timeouts++;
        await sleep(Math.max(0, settings.pollMs - g.ms));
      }
    };
    // failures wait for the end of the phase (a rejection nobody awaits yet would end the process)
    const failures: unknown[] = [];
    const track = (p: Promise<unknown>) => inFlight.push(p.catch((e) => failures.push(e)));
    const [cpu, t1] = [B.cpuMeter(server.child.pid), performance.now()];
    for (let sent = 0, probed = 0; since(t1) < settings.liveSeconds; await sleep(2)) {
      const due = t1 + (sent * 100_000) / target; // latency counts from the due time (no coordinated omission)
      if (performance.now() >= due) {
        sent++;
        track(post(ingest, batch(), due).then((ms) => ingestMs.push(ms)));
      }
      if (performance.now() >= t1 + probed * 200) track(probe(probed++));
    }
    const sending = since(t1);
    await Promise.all(inFlight);
    if (failures.length > 0) throw failures[0];
    const acked = ingestMs.length * 100;
    const open = { target: Math.round(target), statements: acked, perSecond: Math.round(acked / sending) };
    return {
      batched: { ...batched, catchUpSeconds: catchUp },
      open: { ...open, latencyMs: B.latencyStats(ingestMs), cores: cpu() },
      probes: {
        n: effects.length,
        timeouts,
        postMs: B.latencyStats(probePost),
        effectMs: B.latencyStats(effects),
      },
      catchUpSeconds: await caughtUp(),
    };
  } finally {
    ingest.close();
    probes.close();
  }
}

// ---------------------------------------------------------------------------------------------- main

type Report = Awaited<ReturnType<typeof run>>;
type Verdict = { target: string; measured: string; met: boolean };

async function run(url: string, dataDir: string, track: (s?: Stores, r?: B.Running) => void) {
  const { stores, analyze, analyzed, stopAnalyzing } = await openStores(url);
  track(stores);
  const sim = simulateClass({ ...shape, seed: 1, iri: COURSE, homePage: HOME });
  // a first pass counts the statements and notes when each learner and activity is first answered
  const firstAnswered = new Map<string, number>();
  let [total, template] = [0, undefined as Statement | undefined];
  for (const s of sim.statements()) {
    if (total >= settings.statements) break;
    if (s.verb.id.endsWith('/answered')) {
      template ??= s;
      for (const k of [agentKey(s.actor)!, (s.object as { id: string }).id])
        if (!firstAnswered.has(k)) firstAnswered.set(k, total);
    }
    total++;
  }
  const first = Math.round(total * settings.split);
  const there = (k: string) => (firstAnswered.get(k) ?? total) < first; // answered before the split
  const all = sim.course.sequences.flatMap((q) => q.activities.map((a) => a.id));
  const regular = sim.learners.filter((l) => l.profile === 'regular').map((l) => agentKey(l.actor)!);
  const picked = { learners: regular.filter(there).slice(0, 20), activities: all.filter(there).slice(0, 5) };
  await declareCourse(stores, sim.course);
  const { record, secret } = await createApiKey(stores.record.credentials, {
    tenantId: TENANT,
    name: 'bench',
    scopes: ['all'],
  });
  const auth = `Basic ${Buffer.from(`${record.key}:${secret}`).toString('base64')}`;
  const projector = new Projector(stores, {
    horizon: () => new Date(Date.now() + 1000),
    settleMs: 0,
    logger: createLogger('warn'),
  });
  const served = async <T>(fn: (client: B.Client, server: B.Running) => Promise<T>): Promise<T> => {
    const server = await B.startKairos(B.serverEnv({ DATABASE_URL: url, KAIROS_DATA_DIR: dataDir }));
    track(stores, server);
    const client = new B.Client(server.port, auth, 4, 30_000);
    try {
      return await fn(client, server);
    } finally {
      client.close();
      await B.stopKairos(server);
      track(stores);
    }
  };
  const stream = sim.statements();
  log(`1/5 seeding ${B.fmtN(first)} of ${B.fmtN(total)} statements (batches of 1,000, 4 in flight), settle`);
  const seeding = [await seed(stores, stream, first)];
  const settles = [await settle(projector)];
  log(`2/5 endpoints at ${B.fmtN(first)} statements (kairos serve)`);
  await analyze();
  const atSplit = { statements: first, rows: await served((c) => measureEndpoints(c, picked)) };
  log(`3/5 seeding the other ${B.fmtN(total - first)}, settle`);
  seeding.push(await seed(stores, stream, total - first));
  settles.push(await settle(projector));
  const [projected, spent] = [
    settles[0]!.statements + settles[1]!.statements,
    settles[0]!.seconds + settles[1]!.seconds,
  ];
  const projection = {
    statements: projected,
    seconds: B.round(spent, 1),
    perSecond: Math.round(projected / spent),
  };
  const skipped = { ...projector.skipped };
  log(`4/5 reproject of ${B.fmtN(total)} statements`);
  const rebuilt = await reproject(stores, projector);
  log(`5/5 endpoints at ${B.fmtN(total)} statements, then live effect latency (kairos serve)`);
  await analyze();
  const [rows, liveResult, peakKb] = await served(async (c, server) => [
    await measureEndpoints(c, picked),
    await live(server, auth, projector, template!),
    B.procStatusKb(server.child.pid!, 'VmHWM'),
  ]);
  stopAnalyzing();
  const atFull = { statements: total, rows };
  const serverPeakRssMb = Math.round(peakKb / 1024);
  return {
    total,
    seeding,
    settles,
    projection,
    skipped,
    rebuilt,
    atSplit,
    atFull,
    live: liveResult,
    serverPeakRssMb,
    analyzed,
  };
}

function printReport(r: Report): Verdict[] {
  const { total, seeding, settles, projection, rebuilt, live: l } = r;
  console.log(`\n== Projection in this process (PostgreSQL), ${B.fmtN(total)} statements`);
  type Phase = { statements: number; seconds: number; perSecond: number; cores?: B.CpuCores };
  const phase = (name: string, p: Phase) => {
    const c = p.cores;
    return [
      name,
      B.fmtN(p.statements),
      p.seconds,
      B.fmtN(p.perSecond),
      c?.process ?? '',
      c?.database ?? '',
      c?.busyPct ?? '',
    ];
  };
  B.printTable(
    ['phase', 'statements', 'seconds', 'stmts/s', 'node cpu', 'db cpu', 'busy%'],
    [
      phase(`seed the first ${r.atSplit.statements === total ? 100 : settings.split * 100} %`, seeding[0]!),
      phase('settle it from zero', settles[0]!),
      phase('seed the rest', seeding[1]!),
      phase('settle the rest', settles[1]!),
      phase('settle from zero, in all', projection),
      phase('reproject', rebuilt),
    ],
  );
  const m = rebuilt.rssMb;
  const skipped = Object.entries(r.skipped).map(([why, n]) => `${B.fmtN(n)} ${why}`);
  console.log(
    `reproject RSS (this process, every second): start ${m.start} MB, max ${m.max} MB, end ${m.end} MB`,
  );
  console.log(
    `purge of the old generation ${rebuilt.purgeSeconds} s; skipped by the projection: ${skipped.join(', ') || 'none'}`,
  );
  const a = r.analyzed;
  console.log(
    `ANALYZE (autovacuum ${a.autovacuum}): every ${a.every} s and before each table, ${a.runs} runs, ${a.seconds} s`,
  );
  printEndpoints(r.atSplit.statements, r.atSplit.rows);
  printEndpoints(total, r.atFull.rows);
  const [b, e, o] = [l.batched, l.probes.effectMs, l.open];
  console.log(`\n== Live effect latency (server peak RSS ${r.serverPeakRssMb} MB)`);
  console.log(
    `batched POST, 4 clients × 100: ${B.fmtN(b.perSecond)} statements/s, request p50 ${B.fmtMs(b.latencyMs.p50)} ms, p99 ${B.fmtMs(b.latencyMs.p99)} ms; projection caught up ${b.catchUpSeconds} s after`,
  );
  console.log(
    `open loop at half: ${B.fmtN(o.target)}/s asked, ${B.fmtN(o.perSecond)}/s acknowledged, request p50 ${B.fmtMs(o.latencyMs.p50)} ms, p99 ${B.fmtMs(o.latencyMs.p99)} ms from the due time; cpu: server ${o.cores.process}, db ${o.cores.database}, busy ${o.cores.busyPct} %`,
  );
  console.log(
    `probes: ${l.probes.n} + ${l.probes.timeouts} timed out (30 s), POST p50 ${B.fmtMs(l.probes.postMs.p50)} ms; POST 200 → learner page 200 (polled every ${settings.pollMs} ms): p50 ${B.fmtMs(e.p50)}, p95 ${B.fmtMs(e.p95)}, p99 ${B.fmtMs(e.p99)}, max ${B.fmtMs(e.max)} ms; caught up ${l.catchUpSeconds} s after the load`,
  );

  // the cost should follow the answer: an endpoint misses when its time grew more than twice its answer
  const growth = r.atFull.rows.map((f) => {
    const s = r.atSplit.rows.find((x) => x.endpoint === f.endpoint)!;
    const [time, size] = [f.uncached.p50 / s.uncached.p50, f.kB / Math.max(0.1, s.kB)];
    return { endpoint: f.endpoint, time, size, ok: time <= Math.max(2, 2 * size) };
  });
  const worst = growth.reduce((w, g) => (g.time / g.size > w.time / w.size ? g : w));
  const v = (target: string, measured: string, met: boolean): Verdict => ({ target, measured, met });
  const verdicts = [
    v(
      'projection ≥ 10,000 statements/s (settle from zero)',
      `${B.fmtN(projection.perSecond)}/s`,
      projection.perSecond >= 10_000,
    ),
    v('reproject < 4 min', `${rebuilt.seconds} s`, rebuilt.seconds < 240),
    v('reproject memory flat (RSS max − start < 300 MB)', `${m.growth} MB`, m.growth < 300),
    v(
      'live effect p99 < 2 s at half the batched rate',
      `${B.fmtMs(e.p99)} ms`,
      e.p99 < 2000 && l.probes.timeouts === 0,
    ),
    ...r.atFull.rows.map((x) =>
      v(`${x.endpoint} uncached p95 < 50 ms`, `${B.fmtMs(x.uncached.p95)} ms`, x.uncached.p95 < 50),
    ),
    ...r.atFull.rows.map((x) =>
      v(`${x.endpoint} cached p95 < 5 ms`, `${B.fmtMs(x.cached.p95)} ms`, x.cached.p95 < 5),
    ),
    v(
      `cost follows the answer (×${B.round(total / r.atSplit.statements, 1)} statements)`,
      `worst ${worst.endpoint}: time ×${B.round(worst.time, 1)}, answer ×${B.round(worst.size, 1)}`,
      growth.every((g) => g.ok),
    ),
  ];
  console.log(`\n== Summary against the targets (issue 9, PostgreSQL, ${cpus().length} shared cores)`);
  B.printTable(
    ['target', 'measured', ''],
    verdicts.map((x) => [x.target, x.measured, x.met ? 'PASS' : 'MISS']),
  );
  return verdicts;
}

const t0 = performance.now();
const out: Record<string, unknown> = {
  command: `npm run bench:analytics${argv.length > 0 ? ` -- -- ${argv.join(' ')}` : ''}`,
  mode: opts.mode,
  startedAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGb: B.round(totalmem() / 2 ** 30, 1),
    node: process.version,
  },
  settings,
};
let [stores, server] = [undefined as Stores | undefined, undefined as B.Running | undefined];
let cleanup: () => Promise<void> = async () => {};
process.once('SIGINT', () => {
  log('interrupted: stopping the server and dropping the scratch database…');
  void cleanup().finally(() => process.exit(130));
});
const fail = (error: unknown) => {
  out.error ??= `${(error as Error).stack ?? error}${server ? `\n--- server stderr ---\n${server.stderr().slice(-3000)}` : ''}`;
  log(`FAILED: ${(error as Error).message}`);
};
try {
  log(
    `${opts.mode} mode: ${shape.learners} learners × ${shape.sequences}×${shape.activitiesPerSequence} activities × ${shape.competencies} competencies, ${shape.heartbeats} heartbeats; ${cpus().length} × ${cpus()[0]?.model}, shared by this process, the server and PostgreSQL`,
  );
  await ensureBuilt();
  const db = await B.scratchPostgres();
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-bench-analytics-'));
  let done: Promise<void> | undefined;
  // once, from the end of the run or from Ctrl-C (the forced drop also ends this process's queries in flight)
  cleanup = () =>
    (done ??= (async () => {
      if (server) await B.stopKairos(server);
      rmSync(dataDir, { recursive: true, force: true });
      if (opts.keep) log(`kept the scratch database: ${db.url}`);
      else await db.drop();
      await stores?.close().catch(() => {});
    })());
  try {
    const report = await run(db.url, dataDir, (s, r) => {
      [stores, server] = [s, r];
    });
    Object.assign(out, report, { targets: printReport(report) });
  } catch (error) {
    fail(error);
  }
  await cleanup();
} catch (error) {
  fail(error);
}
out.seconds = B.round(since(t0), 1);
mkdirSync(dirname(opts.out!), { recursive: true });
writeFileSync(opts.out!, `${JSON.stringify(out, null, 2)}\n`);
console.log(`→ ${opts.out} (${out.seconds} s)`);
process.exit(out.error ? 1 : 0);
