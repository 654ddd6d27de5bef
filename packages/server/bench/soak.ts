/**
 * Soak test of a real `kairos serve`: `npm run soak -- [--minutes=10] [--mode=small] [--capacity=N]
 * [--stores=postgres|mongodb|pglite,redis|memory]` (from the repo root; build first with
 * `npm run build`). Documented in docs/benchmarks.md ("Soak").
 *
 * 1. Capacity: a short ramp of the soak's own ingestion mix (2 → 4 → 8 closed-loop clients), each step
 *    followed by the projection's catch-up, gives the statements per second the whole pipeline sustains
 *    here (acknowledged statements over the step's time plus the catch-up's), unless `--capacity` gives it.
 * 2. Soak, for `--minutes` (default 10; 30 s with `--mode=small`), open loop (latency counted from each
 *    request's due time, so a stall shows as latency, not as a lower send rate):
 *    - ingestion at 50 % of that capacity: 90 % of the statements in batches of 25, 10 % one per request,
 *      each kind spread over several keep-alive clients;
 *    - dashboard reads of the analytics API (courses, overview, stuck points, learners, competencies) of
 *      every course, `--read-rate` per second;
 *    - LTI launches (OIDC login → test platform → launch POST → learner page), `--launch-rate` per second,
 *      against the in-repo test platform;
 *    - one live-feed (SSE) listener per course, open for the whole soak.
 * 3. Reports requests, errors and p50/p95/p99/max latency per kind, and the server's memory (RSS from
 *    /proc/<pid>/status, V8 heap from /metrics) at the start, every minute (every 10 s in small mode) and
 *    at the end, with a verdict: memory is flat when the end RSS is within 20 % of the RSS after warm-up
 *    (the first sample past the first minute; past 10 s in small mode).
 *
 * After the load, the projection must catch up (its lag on /readyz back to 0) within a minute (30 s small).
 *
 * Exit code 1 on any error (a non-2xx answer, a timeout, a failed launch, a live feed that closed, a
 * projection that did not catch up), and in
 * full mode also when memory is not flat. Writes bench-results/soak.json at the repo root.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPlatform } from '../../../test/lti-platform/index.js';
import { addKairosTool, launchOverHttp, platformAddArgs } from '../../../test/lti-platform/kairos.js';
import { soakCourseIri, soakStatement } from './soak-statements.js';
import {
  benchArgs,
  Client,
  fmtMs,
  fmtN,
  freePort,
  HOST,
  latencyStats,
  letters,
  printTable,
  procStatusKb,
  projectionCaughtUp,
  projectionLag,
  ROOT,
  type Running,
  round,
  runCli,
  scratchPostgres,
  serverEnv,
  serviceUrl,
  startKairos,
  stopKairos,
  withDatabase,
} from './support.js';

// ---------------------------------------------------------------------------------------------- options

const optionSpec = {
  mode: { type: 'string', default: 'full' },
  minutes: { type: 'string' },
  capacity: { type: 'string' },
  stores: { type: 'string', default: 'postgres,redis' },
  'read-rate': { type: 'string', default: '10' },
  'launch-rate': { type: 'string', default: '1' },
  timeout: { type: 'string', default: '30' },
  out: { type: 'string', default: join(ROOT, 'bench-results') },
  'server-log': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

const { argv, values: opts } = benchArgs(optionSpec, 'soak');
if (opts.help) {
  console.log(`npm run soak -- [options]
  --minutes N          soak duration (default 10; 0.5 with --mode=small)
  --mode small|full    small: a short ramp and a 30 s soak (CI)
  --capacity N         statements/s the server sustains (skips the ramp); the soak ingests half of it
  --stores LIST        the record store — postgres (a scratch database), mongodb (statements; projection in
                       PGlite) or pglite — and the cache — redis (the test services' Redis) or memory;
                       default postgres,redis
  --read-rate N        dashboard reads per second (default 10)
  --launch-rate N      LTI launches per second (default 1)
  --timeout S          per-request timeout, counted as an error (default 30)
  --out DIR            where to write soak.json (default bench-results/ at the repo root)
  --server-log FILE    append the server's JSON log (LOG_LEVEL warn unless set) to FILE`);
  process.exit(0);
}
const fail = (message: string): never => {
  console.error(`soak: ${message}`);
  process.exit(2);
};
if (opts.mode !== 'small' && opts.mode !== 'full') fail('--mode must be small or full');
const storeList = opts.stores!.split(',').map((s) => s.trim());
const record = storeList.find((s) => ['postgres', 'mongodb', 'pglite'].includes(s)) ?? 'postgres';
const cache = storeList.find((s) => ['redis', 'memory'].includes(s)) ?? 'redis';
const unknown = storeList.filter((s) => s !== record && s !== cache);
if (unknown.length > 0)
  fail(`--stores: unknown "${unknown[0]}" (a record store postgres|mongodb|pglite and a cache redis|memory)`);
const small = opts.mode === 'small';
const minutes = Number(opts.minutes ?? (small ? 0.5 : 10));
const readRate = Number(opts['read-rate']);
const launchRate = Number(opts['launch-rate']);
const timeoutMs = 1000 * Number(opts.timeout);
const givenCapacity = opts.capacity === undefined ? undefined : Number(opts.capacity);
for (const [name, v] of Object.entries({ minutes, readRate, launchRate, timeoutMs, givenCapacity })) {
  if (v !== undefined && (!Number.isFinite(v) || v <= 0)) fail(`${name} must be a positive number`);
}
const sampleEveryMs = small ? 10_000 : 60_000;
const rampStepS = small ? 2 : 5;

// ---------------------------------------------------------------------------------------------- statements

const COURSES = 4;
const LEARNERS = small ? 200 : 1000;
const statement = () => soakStatement(LEARNERS, COURSES);
const batch = (n: number) => JSON.stringify(Array.from({ length: n }, statement));

// ---------------------------------------------------------------------------------------------- figures

/** What one kind of request gave: latencies, errors. */
class Kind {
  readonly latencies: number[] = [];
  requests = 0;
  errors = 0;
  samples: string[] = [];
  constructor(readonly name: string) {}
  ok(ms: number): void {
    this.requests++;
    this.latencies.push(ms);
  }
  error(message: string, ms?: number): void {
    this.requests++;
    this.errors++;
    if (ms !== undefined) this.latencies.push(ms);
    if (this.samples.length < 5) this.samples.push(message.slice(0, 300));
  }
}

/**
 * Calls `fn` `rate` times per second until `endAt` (performance.now()), whatever the answers take; the
 * latency of each call counts from its due time. At most `maxInFlight` at once (an error beyond).
 */
async function openLoop(
  kind: Kind,
  rate: number,
  endAt: number,
  fn: () => Promise<void>,
  maxInFlight = 2000,
): Promise<void> {
  const t0 = performance.now();
  let sent = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  while (performance.now() < endAt) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate) + 1;
    while (sent < due) {
      const scheduled = t0 + (sent * 1000) / rate;
      sent++;
      if (inFlight >= maxInFlight) {
        kind.error('client-side: too many requests in flight (the server fell behind the rate)');
        continue;
      }
      inFlight++;
      const p = fn()
        .then(
          () => kind.ok(performance.now() - scheduled),
          (e: Error) => kind.error(e.message, performance.now() - scheduled),
        )
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
    const next = t0 + (sent * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(20, next - performance.now()))));
  }
  await Promise.all(pending);
}

/** A 2xx answer or an error naming what came back. */
function expectOk(r: { status: number; body: string }, what: string): void {
  if (r.status < 200 || r.status > 299) throw new Error(`${what}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
}

/** The server's memory now: RSS (/proc) and V8 heap used (/metrics), MB. */
async function memory(running: Running, client: Client): Promise<{ rssMb: number; heapMb?: number }> {
  const rssMb = round(procStatusKb(running.child.pid!, 'VmRSS') / 1024, 1);
  try {
    const r = await client.request('GET', '/metrics');
    const m = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m.exec(r.body);
    return { rssMb, heapMb: m ? round(Number(m[1]) / 2 ** 20, 1) : undefined };
  } catch {
    return { rssMb };
  }
}

/** A live-feed listener: counts events until closed; an unexpected end is an error. */
function listen(port: number, auth: string, course: string, kind: Kind) {
  let events = 0;
  let closing = false;
  const req = http.get({
    host: HOST,
    port,
    path: `/api/v1/courses/${encodeURIComponent(course)}/events`,
    headers: { authorization: auth, accept: 'text/event-stream' },
  });
  const t0 = performance.now();
  req.on('response', (res) => {
    if (res.statusCode !== 200) kind.error(`live feed: HTTP ${res.statusCode}`);
    else kind.ok(performance.now() - t0);
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      events += d.match(/^id: /gm)?.length ?? 0;
    });
    res.on('end', () => {
      if (!closing) kind.error('live feed closed by the server during the soak');
    });
  });
  req.on('error', (e) => {
    if (!closing) kind.error(`live feed: ${e.message}`);
  });
  return {
    events: () => events,
    close() {
      closing = true;
      req.destroy();
    },
  };
}

// ---------------------------------------------------------------------------------------------- stores

async function scratchStores(): Promise<{
  env: Record<string, string>;
  describe: string;
  cleanup(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-soak-'));
  const env: Record<string, string> = { KAIROS_DATA_DIR: dataDir };
  const parts: string[] = [];
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  if (record === 'postgres') {
    const db = await scratchPostgres();
    env.DATABASE_URL = db.url;
    parts.push(`PostgreSQL database ${db.name} (created for this run, dropped after)`);
    cleanups.unshift(() => db.drop());
  } else if (record === 'mongodb') {
    const url = serviceUrl('MONGODB_URL');
    const name = `kairossoak${letters(10)}`;
    env.MONGODB_URL = withDatabase(url, name);
    parts.push(`statements in MongoDB database ${name} (dropped after), projection in PGlite`);
    cleanups.unshift(async () => {
      const { default: mongoose } = await import('mongoose');
      const conn = await mongoose
        .createConnection(env.MONGODB_URL!, { serverSelectionTimeoutMS: 5000 })
        .asPromise();
      await conn.dropDatabase();
      await conn.close();
    });
  } else parts.push(`embedded PGlite in ${dataDir}`);
  if (cache === 'redis') {
    env.REDIS_URL = serviceUrl('REDIS_URL');
    parts.push(`cache Redis ${new URL(env.REDIS_URL).host} (a fresh tenant name keys everything)`);
  } else parts.push('cache in memory');
  return {
    env,
    describe: parts.join('; '),
    async cleanup() {
      for (const c of cleanups) await c().catch(() => {});
    },
  };
}

// ---------------------------------------------------------------------------------------------- run

const log = (m: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}`);

async function main(): Promise<number> {
  const scratch = await scratchStores();
  const lms = await createTestPlatform();
  await lms.start();
  const port = await freePort();
  const publicUrl = `http://${HOST}:${port}`;
  const env = serverEnv({ ...scratch.env, KAIROS_PUBLIC_URL: publicUrl });
  let running: Running | undefined;
  const clients: Client[] = [];
  const listeners: ReturnType<typeof listen>[] = [];
  try {
    log(`starting kairos serve on ${publicUrl} (${scratch.describe})`);
    running = await startKairos(env, false, port, opts['server-log']);
    const tenant = `soak${letters(8)}`;
    const key = JSON.parse(
      (
        await runCli(env, [
          'keys',
          'create',
          '--name',
          'soak',
          '--tenant',
          tenant,
          '--scopes',
          'all',
          '--json',
        ])
      )
        .trim()
        .split('\n')
        .pop()!,
    ) as { key: string; secret: string };
    const auth = `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`;
    const tool = addKairosTool(lms, publicUrl);
    await runCli(env, platformAddArgs(lms, tool));
    const client = (sockets: number) => {
      const c = new Client(port, auth, sockets, timeoutMs);
      clients.push(c);
      return c;
    };
    const probe = client(2);

    // 1. capacity
    let capacity = givenCapacity;
    const ramp: {
      clients: number;
      /** Sustained: acknowledged over the step plus the projection's catch-up. */
      statementsPerSecond: number;
      ingestedPerSecond: number;
      catchUpS?: number;
      errors: number;
    }[] = [];
    if (capacity === undefined) {
      // The capacity is what the whole pipeline sustains with the soak's own mix: statements acknowledged
      // per second of the step *and* of the projection's catch-up after it. Ingestion alone (batches of 100,
      // the projection left behind) measured twice this here, and a soak at half of that fell behind for good.
      log(
        `capacity ramp: the soak's mix (90 % of the statements in batches of 25, 10 % one per request), 2 → 4 → 8 closed-loop clients, ${rampStepS} s each, then the projection's catch-up`,
      );
      const rampClient = client(8);
      for (const n of [2, 4, 8]) {
        const end = performance.now() + rampStepS * 1000;
        const t0 = performance.now();
        let stored = 0;
        let errors = 0;
        await Promise.all(
          Array.from({ length: n }, async () => {
            while (performance.now() < end) {
              // 9 batches of 25 for every 25 singles: 90 % of the statements batched
              const size = Math.random() < 9 / 34 ? 25 : 1;
              const r = await rampClient
                .request('POST', '/xapi/statements', batch(size))
                .catch(() => undefined);
              if (r?.status === 200) stored += size;
              else errors++;
            }
          }),
        );
        const ingestS = (performance.now() - t0) / 1000;
        const caught = await projectionCaughtUp(probe, tenant, 120_000);
        const catchUpS = caught.caughtUp ? caught.seconds : undefined;
        const sps = Math.round(stored / (ingestS + (catchUpS ?? 120)));
        ramp.push({
          clients: n,
          statementsPerSecond: sps,
          ingestedPerSecond: Math.round(stored / ingestS),
          catchUpS: catchUpS === undefined ? undefined : round(catchUpS, 1),
          errors,
        });
        log(
          `  ${n} clients: ${fmtN(Math.round(stored / ingestS))} statements/s acknowledged, projected ${catchUpS === undefined ? 'not within 120' : round(catchUpS, 1)} s after: ${fmtN(sps)} statements/s sustained${errors ? `, ${errors} errors` : ''}`,
        );
      }
      capacity = Math.max(...ramp.map((r) => r.statementsPerSecond));
    }
    const target = capacity / 2;
    const capacitySource =
      givenCapacity === undefined ? 'measured by the ramp in this run' : 'given by --capacity';
    log(
      `capacity ${fmtN(capacity)} statements/s (${capacitySource}); soak ingests ${fmtN(target)} statements/s`,
    );

    // 2. soak
    const kinds = {
      batch: new Kind('ingest batch (25)'),
      single: new Kind('ingest single'),
      read: new Kind('dashboard read'),
      launch: new Kind('LTI launch'),
      sse: new Kind('live feed connect'),
    };
    const courses = Array.from({ length: COURSES }, (_, c) => soakCourseIri(c));
    const routes = ['overview', 'stuck-points', 'learners', 'competencies'];
    const memorySamples: { atS: number; rssMb: number; heapMb?: number }[] = [];
    const t0 = performance.now();
    const sample = async () => {
      const m = await memory(running!, probe);
      const lag = await projectionLag(probe, tenant).catch(() => undefined);
      memorySamples.push({ atS: Math.round((performance.now() - t0) / 1000), ...m });
      log(
        `  at ${memorySamples.at(-1)!.atS} s: RSS ${m.rssMb} MB, heap ${m.heapMb ?? '—'} MB; projection ${lag ? `${fmtN(lag.statements)} statements behind (${round(lag.seconds, 1)} s)` : 'lag unknown'}`,
      );
    };
    await sample();
    for (const c of courses) listeners.push(listen(port, auth, c, kinds.sse));
    const endAt = t0 + minutes * 60_000;
    const sampler = setInterval(() => void sample(), sampleEveryMs);
    const batchClient = client(32);
    const singleClient = client(64);
    const readClient = client(16);
    let reads = 0;
    let launches = 0;
    log(
      `soak for ${minutes} min: ${fmtN(target)} statements/s, ${readRate} reads/s, ${launchRate} launches/s, ${COURSES} live-feed listeners`,
    );
    await Promise.all([
      openLoop(kinds.batch, (target * 0.9) / 25, endAt, async () =>
        expectOk(await batchClient.request('POST', '/xapi/statements', batch(25)), 'batch'),
      ),
      openLoop(kinds.single, target * 0.1, endAt, async () =>
        expectOk(await singleClient.request('POST', '/xapi/statements', batch(1)), 'single'),
      ),
      openLoop(kinds.read, readRate, endAt, async () => {
        const n = reads++;
        const course = encodeURIComponent(courses[n % COURSES]!);
        const path =
          n % 5 === 4
            ? '/api/v1/courses'
            : `/api/v1/courses/${course}/${routes[Math.floor(n / COURSES) % routes.length]}`;
        expectOk(await readClient.request('GET', path), `GET ${path}`);
      }),
      openLoop(kinds.launch, launchRate, endAt, async () => {
        const n = launches++;
        const user = { ...lms.users.learner, id: `soak-${n % 300}`, name: `Soak learner ${n % 300}` };
        const res = await launchOverHttp(
          lms.loginUrl({ user, course: lms.course, resourceLink: { id: `link-${n % 5}` } }),
        );
        if (res.status !== 200 || !res.html.includes('kairos-launch'))
          throw new Error(`launch: HTTP ${res.status} ${res.html.slice(0, 200)}`);
      }),
    ]);
    clearInterval(sampler);
    const seconds = (performance.now() - t0) / 1000;
    await sample();
    // the projection must keep up: once the load stops it catches up within a minute (30 s in small mode)
    const catchUpStarted = performance.now();
    // (a lag /readyz does not report is not a lag of 0: projectionLag rejects, and the wait goes on)
    const lagNow = () => projectionLag(probe, tenant).catch(() => undefined);
    let lag = await lagNow();
    while (lag?.statements !== 0 && performance.now() - catchUpStarted < (small ? 30_000 : 60_000)) {
      await new Promise((r) => setTimeout(r, 1000));
      lag = await lagNow();
    }
    const catchUpS = round((performance.now() - catchUpStarted) / 1000, 1);
    const projection = new Kind('projection');
    if (lag === undefined)
      projection.error(`/readyz did not report the projection's lag ${catchUpS} s after the load stopped`);
    else if (lag.statements > 0)
      projection.error(
        `the projection is ${lag.statements} statements (${round(lag.seconds, 1)} s) behind ${catchUpS} s after the load stopped`,
      );
    const events = listeners.map((l) => l.events());
    for (const l of listeners) l.close();

    // 3. report
    const warm = memorySamples.find((m) => m.atS * 1000 >= sampleEveryMs) ?? memorySamples[0]!;
    const end = memorySamples.at(-1)!;
    const growthPct = round((100 * (end.rssMb - warm.rssMb)) / warm.rssMb, 1);
    const flat = growthPct <= 20;
    console.log('');
    console.log(
      `Soak: ${minutes} min of kairos serve (${scratch.describe}), ${cpus().length} cores shared with client, database and other work`,
    );
    console.log(
      `capacity ${fmtN(capacity)} statements/s (${capacitySource}); ingestion at 50 %: ${fmtN(target)} statements/s`,
    );
    printTable(
      ['kind', 'requests', 'req/s', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      Object.values(kinds).map((k) => {
        const l = latencyStats(k.latencies);
        return [
          k.name,
          fmtN(k.requests),
          round(k.requests / seconds, 1),
          k.errors,
          fmtMs(l.p50),
          fmtMs(l.p95),
          fmtMs(l.p99),
          fmtMs(l.max),
        ];
      }),
    );
    const statements = kinds.batch.requests * 25 + kinds.single.requests;
    console.log(
      `statements sent ${fmtN(statements)}; live-feed events received per listener: ${events.join(', ')}`,
    );
    console.log(
      lag === undefined
        ? `projection: lag not reported ${catchUpS} s after the load stopped`
        : lag.statements === 0
          ? `projection: caught up ${catchUpS} s after the load stopped`
          : `projection: ${fmtN(lag.statements)} statements behind ${catchUpS} s after the load stopped`,
    );
    console.log(
      `memory (server RSS / heap MB): start ${memorySamples[0]!.rssMb} / ${memorySamples[0]!.heapMb ?? '—'}, after warm-up (${warm.atS} s) ${warm.rssMb} / ${warm.heapMb ?? '—'}, end ${end.rssMb} / ${end.heapMb ?? '—'}`,
    );
    console.log(`  every sample: ${memorySamples.map((m) => `${m.atS}s ${m.rssMb}`).join(' · ')}`);
    console.log(
      `memory verdict: ${flat ? 'FLAT' : 'GROWS'} (end RSS ${growthPct >= 0 ? '+' : ''}${growthPct} % of the RSS after warm-up; flat means within 20 %)`,
    );
    const all = [...Object.values(kinds), projection];
    const errors = all.reduce((a, k) => a + k.errors, 0);
    for (const k of all) for (const s of k.samples) console.log(`  error (${k.name}): ${s}`);
    console.log(`errors: ${errors}`);
    mkdirSync(opts.out!, { recursive: true });
    writeFileSync(
      join(opts.out!, 'soak.json'),
      `${JSON.stringify(
        {
          command: `npm run soak -- ${argv.join(' ')}`.trim(),
          startedAt: new Date(Date.now() - seconds * 1000).toISOString(),
          storage: scratch.describe,
          minutes,
          capacity: { statementsPerSecond: capacity, source: capacitySource, ramp },
          rates: {
            statementsPerSecond: target,
            readsPerSecond: readRate,
            launchesPerSecond: launchRate,
            listeners: COURSES,
          },
          kinds: Object.fromEntries(
            Object.entries(kinds).map(([k, v]) => [
              k,
              {
                requests: v.requests,
                errors: v.errors,
                latencyMs: latencyStats(v.latencies),
                errorSamples: v.samples,
              },
            ]),
          ),
          liveFeedEvents: events,
          projection: { behind: lag?.statements ?? null, catchUpSeconds: catchUpS },
          memory: { samples: memorySamples, warm, end, growthPct, flat },
          errors,
        },
        null,
        2,
      )}\n`,
    );
    return errors > 0 || (!small && !flat) ? 1 : 0;
  } finally {
    for (const l of listeners) l.close();
    for (const c of clients) c.close();
    if (running) await stopKairos(running);
    await lms.close();
    await scratch.cleanup();
  }
}

process.exit(await main());
