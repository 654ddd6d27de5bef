import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';
import { serviceUrl } from '../support/services.js';
import {
  freezableProxy,
  type PrivateService,
  privateFerretdb,
  privatePostgres,
  privateRedis,
} from './private-services.js';
import { storedIds } from './stored-ids.js';

// Store restarts and hangs (issue 12, "Fault tests"): PostgreSQL, MongoDB (FerretDB) and Redis are each a
// private instance this test starts, behind a proxy that can freeze. Under a steady load of statements:
// the store is killed and restarted, then it hangs (accepts connections, never answers) and comes back.
// Throughout, every answer is 200 or 503 with Retry-After, no request waits past its bound, /readyz names
// the failing store while it fails and turns ready by itself after, and at the end every acknowledged
// statement is stored exactly once. KAIROS_FAULTS_LONG=1 holds each phase longer.

const LONG = process.env.KAIROS_FAULTS_LONG === '1';
const PHASE_MS = LONG ? 20_000 : 5_000;
const STORE_TIMEOUT_MS = 1_500;
/** No answer may take longer: a few store deadlines in sequence (connect, query, retry) plus slack. */
const ANSWER_BOUND_MS = 4 * STORE_TIMEOUT_MS + 2_000;
const VERSION = { 'X-Experience-API-Version': '1.0.3' };

type Sample = { at: number; ms: number; status: number };
type Answer = { at: number; ms: number; status: number; retryAfter: string | null };

const statement = (n: number) => ({
  id: randomUUID(),
  actor: { account: { homePage: 'https://lms.example', name: `learner-${n % 9}` } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: `https://course.example/activity-${n % 13}` },
  context: { contextActivities: { grouping: [{ id: 'https://course.example/faults' }] } },
  timestamp: new Date().toISOString(),
});

/** Senders posting batches of 10 as fast as answers come; each keeps what was acknowledged. */
function loadClient(url: string, auth: string, senders = 3) {
  const acked = new Set<string>();
  const unacked = new Map<string, ReturnType<typeof statement>>();
  const answers: Answer[] = [];
  let sent = 0;
  let running = true;
  const post = async (batch: ReturnType<typeof statement>[]) => {
    const t0 = Date.now();
    let status = 0;
    let retryAfter: string | null = null;
    try {
      const res = await fetch(`${url}/xapi/statements`, {
        method: 'POST',
        headers: { ...VERSION, Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(60_000),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    } catch {
      status = -1; // no answer at all (connection cut or the 60 s abort)
    }
    answers.push({ at: t0, ms: Date.now() - t0, status, retryAfter });
    for (const s of batch) {
      if (status === 200) {
        acked.add(s.id);
        unacked.delete(s.id);
      } else unacked.set(s.id, s);
    }
    return status;
  };
  const loops = Array.from({ length: senders }, async () => {
    let n = 0;
    while (running) {
      const batch = Array.from({ length: 10 }, () => statement(n++));
      sent += batch.length;
      const status = await post(batch);
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
  });
  // a reader beside the senders: statements, a State document and the analytics of the course
  const reads: (Answer & { path: string })[] = [];
  const READS = [
    '/xapi/statements?limit=5',
    `/xapi/activities/state?activityId=${encodeURIComponent('https://course.example/activity-1')}&agent=${encodeURIComponent(JSON.stringify({ account: { homePage: 'https://lms.example', name: 'learner-1' } }))}&stateId=bookmark`,
    `/api/v1/courses/${encodeURIComponent('https://course.example/faults')}/overview`,
    '/metrics',
  ];
  loops.push(
    (async () => {
      for (let i = 0; running; i++) {
        const path = READS[i % READS.length]!;
        const t0 = Date.now();
        const res = await fetch(`${url}${path}`, {
          headers: { ...VERSION, Authorization: auth },
          signal: AbortSignal.timeout(60_000),
        }).catch(() => undefined);
        await res?.arrayBuffer();
        reads.push({
          path,
          at: t0,
          ms: Date.now() - t0,
          status: res?.status ?? -1,
          retryAfter: res?.headers.get('retry-after') ?? null,
        });
        await new Promise((r) => setTimeout(r, 100));
      }
    })(),
  );
  return {
    acked,
    answers,
    reads,
    sent: () => sent,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
    /** What a client does after an outage: re-sends what was not acknowledged, until it is. */
    async resendUnacknowledged() {
      for (let failures = 0; unacked.size > 0 && failures < 20; ) {
        const batch = [...unacked.values()].slice(0, 100);
        if ((await post(batch)) !== 200) {
          failures++;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      return unacked.size;
    },
  };
}

/** Asks /readyz every 250 ms, without waiting for the previous answer (a probe may take its 2 s). */
function readinessProbe(url: string) {
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const ask = () => {
    const at = Date.now();
    const p = fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) })
      .then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      })
      .catch(() => -1)
      .then((status) => {
        samples.push({ at, ms: Date.now() - at, status });
        inFlight.delete(p);
      });
    inFlight.add(p);
  };
  const timer = setInterval(ask, 250);
  return {
    samples,
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      samples.sort((a, b) => a.at - b.at);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Awaits `work`, failing with `what` when it takes longer than `boundMs` (so a stuck step names itself instead
 * of running into the test's timeout); records how long it took in `timings`.
 */
async function within<T>(timings: string[], what: string, boundMs: number, work: Promise<T>): Promise<T> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done within ${boundMs} ms`)), boundMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    timings.push(`${what} ${Date.now() - t0} ms`);
  }
}

async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await fn()) return Date.now() - t0;
    await sleep(100);
  }
  throw new Error(`${what} not within ${timeoutMs} ms`);
}

interface Scenario {
  name: string;
  /** Which /readyz check fails while the store is out. */
  check: 'record' | 'analytics' | 'cache';
  start(): Promise<{ service: PrivateService; env: (url: string) => Record<string, string> }>;
}

const scenarios: Scenario[] = [
  {
    name: 'PostgreSQL',
    check: 'record',
    async start() {
      const service = await privatePostgres();
      return { service, env: (url) => ({ DATABASE_URL: url }) };
    },
  },
  {
    name: 'MongoDB (FerretDB)',
    check: 'record',
    async start() {
      // FerretDB's own storage is a fresh database on the shared PostgreSQL; the FerretDB process is private
      const shared = (await serviceUrl('postgres'))!;
      const name = `kairos_fault_fdb_${Date.now().toString(36)}`;
      const admin = new URL(shared);
      admin.pathname = '/postgres';
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      const backend = new URL(shared);
      backend.pathname = `/${name}`;
      const ferretdb = await privateFerretdb(backend.toString());
      const service: PrivateService = {
        ...ferretdb,
        // FerretDB's storage goes with it
        async destroy() {
          await ferretdb.destroy();
          const drop = new pg.Client({ connectionString: admin.toString() });
          await drop.connect();
          await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await drop.end();
        },
      };
      return { service, env: (url) => ({ MONGODB_URL: url }) };
    },
  },
  {
    name: 'Redis',
    check: 'cache',
    async start() {
      const service = await privateRedis();
      // a rate limit makes every request count in Redis, as a deployment with limits does
      return { service, env: (url) => ({ REDIS_URL: url, KAIROS_RATE_LIMIT: '1000000' }) };
    },
  },
];

const figures: string[] = [];
afterAll(() => {
  if (figures.length) console.log(`store faults:\n${figures.join('\n')}`);
});

// the three stores at once: each scenario has its own store, proxy and server
describe.concurrent('a store stopped, restarted, hanging, back', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    await Promise.allSettled(cleanups.map((c) => c()));
  });

  it.each(scenarios)(
    '$name: 503 with Retry-After within a bounded time, /readyz tells the truth, resumes by itself, loses nothing acknowledged',
    async (scenario) => {
      let service: PrivateService | undefined;
      let proxy: Awaited<ReturnType<typeof freezableProxy>> | undefined;
      let kairos: KairosProcess | undefined;
      cleanups.push(async () => {
        await kairos?.stop();
        await proxy?.close();
        await service?.destroy();
      });
      const timings: string[] = [];
      onTestFailed(() => console.log(`${scenario.name}, steps: ${timings.join('; ')}`));
      const started = await within(timings, 'start the store', 60_000, scenario.start());
      service = started.service;
      proxy = await freezableProxy(service.port);
      const storeUrl = new URL(service.url);
      storeUrl.port = String(proxy.port);
      const env = {
        ...started.env(storeUrl.toString()),
        KAIROS_DATA_DIR: tempDataDir(),
        KAIROS_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
      };
      // (a first embedded database takes ~10 s, much more on a loaded machine)
      const migrated = await within(timings, 'migrate', 150_000, runKairos(['migrate'], env, 150_000));
      expect(migrated.code, migrated.stderr).toBe(0);
      const keys = await within(
        timings,
        'create a key',
        60_000,
        runKairos(
          ['keys', 'create', '--name', 'faults', '--tenant', 'faults', '--scopes', 'all', '--json'],
          env,
          60_000,
        ),
      );
      expect(keys.code, keys.stderr).toBe(0);
      const key = JSON.parse(keys.stdout) as { key: string; secret: string };
      const auth = `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`;
      kairos = await within(timings, 'start Kairos', 120_000, startKairos(env, 120_000));
      const url = kairos.url;

      const load = loadClient(url, auth);
      const ready = readinessProbe(url);
      const marks: Record<string, number> = {};
      const dump = () => {
        if (!process.env.KAIROS_FAULTS_DEBUG) return;
        const t0 = marks.stopped! - 1_500;
        const rel = (t: number) => ((t - t0) / 1000).toFixed(1);
        console.log('marks', Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, rel(v)])));
        console.log('answers', load.answers.map((a) => `${rel(a.at)}:${a.status}/${a.ms}`).join(' '));
        console.log('readyz', ready.samples.map((r) => `${rel(r.at)}:${r.status}`).join(' '));
        console.log(kairos!.stdout().slice(-3000), kairos!.stderr().slice(-3000));
      };
      let resumedAfterRestart = 0;
      let resumedAfterHang = 0;
      try {
        await sleep(1_500);

        // 1. the store is killed, stays down, and is started again on the same data
        marks.stopped = Date.now();
        await service.stop();
        await sleep(PHASE_MS);
        marks.restarted = Date.now();
        await within(timings, 'restart the store', 60_000, service.start());
        resumedAfterRestart = await waitUntil('service after the restart', async () =>
          load.answers.some((a) => a.at > marks.restarted! && a.status === 200),
        );
        await waitUntil('ready after the restart', async () =>
          ready.samples.some((s) => s.at > marks.restarted! && s.status === 200),
        );
        await sleep(1_000);

        // 2. the store hangs: connections accepted, nothing answered
        marks.frozen = Date.now();
        proxy.freeze();
        await sleep(PHASE_MS + STORE_TIMEOUT_MS);
        marks.thawed = Date.now();
        proxy.thaw();
        resumedAfterHang = await waitUntil('service after the hang', async () =>
          load.answers.some((a) => a.at > marks.thawed! && a.status === 200),
        );
        await waitUntil('ready after the hang', async () =>
          ready.samples.some((s) => s.at > marks.thawed! && s.status === 200),
        );
        await sleep(2_500); // readiness samples a second past the first ready answer
      } finally {
        await within(timings, 'stop the load', 70_000, load.stop());
        await within(timings, 'stop the probe', 15_000, ready.stop());
        dump();
      }
      const left = await within(timings, 'resend the unacknowledged', 60_000, load.resendUnacknowledged());

      // every answer: a success or a 503 that says when to retry; none took longer than the bound
      const byStatus = new Map<number, number>();
      for (const a of load.answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
      const unexpected = load.answers.filter((a) => a.status !== 200 && a.status !== 503);
      expect(unexpected, `answers other than 200/503: ${JSON.stringify(unexpected.slice(0, 5))}`).toEqual([]);
      const unavailable = load.answers.filter((a) => a.status === 503);
      expect(unavailable.length).toBeGreaterThan(0);
      expect(unavailable.filter((a) => a.retryAfter === null)).toEqual([]);
      const during = (from: number, to: number) => load.answers.filter((a) => a.at >= from && a.at < to);
      expect(during(marks.stopped!, marks.restarted!).some((a) => a.status === 503)).toBe(true);
      expect(during(marks.frozen!, marks.thawed!).some((a) => a.status === 503)).toBe(true);
      // reads too: their answer, or a 503 with Retry-After (a State never written is a 404)
      // /metrics is served throughout: it matters most while a store is down
      const badReads = load.reads.filter((r) =>
        r.path === '/metrics'
          ? r.status !== 200
          : !(r.status === 200 || r.status === 404 || (r.status === 503 && r.retryAfter !== null)),
      );
      expect(badReads, JSON.stringify(badReads.slice(0, 5))).toEqual([]);
      expect(load.reads.some((r) => r.status === 503)).toBe(true);
      const slowest = Math.max(...load.answers.map((a) => a.ms), ...load.reads.map((r) => r.ms));
      expect(slowest).toBeLessThan(ANSWER_BOUND_MS);

      // /readyz: ready before, failing while the store is out (once a deadline has passed), ready after
      // a sample belongs to a phase when it started and ended inside it
      const at = (from: number, to: number) => ready.samples.filter((s) => s.at >= from && s.at + s.ms < to);
      const grace = STORE_TIMEOUT_MS + 500;
      expect(at(0, marks.stopped! - 500).every((s) => s.status === 200)).toBe(true);
      const whileDown = [
        ...at(marks.stopped! + grace, marks.restarted!),
        ...at(marks.frozen! + grace, marks.thawed!),
      ];
      expect(at(marks.stopped! + grace, marks.restarted!).length).toBeGreaterThan(0);
      expect(at(marks.frozen! + grace, marks.thawed!).length).toBeGreaterThan(0);
      expect(whileDown.filter((s) => s.status !== 503)).toEqual([]);
      const backAt = ready.samples.find((s) => s.at > marks.thawed! && s.status === 200)!.at;
      // (the driver may drop a connection or two as it comes back: a second to settle)
      const settled = ready.samples.filter((s) => s.at > backAt + 1_000);
      expect(settled.length).toBeGreaterThan(0);
      expect(settled.every((s) => s.status === 200)).toBe(true);
      const check = (await (await fetch(`${url}/readyz`)).json()) as {
        checks: Record<string, { status: string }>;
      };
      expect(check.checks[scenario.check]?.status).toBe('ok');

      // nothing acknowledged is lost, nothing is stored twice, and the client delivered the rest
      expect(left).toBe(0);
      const ids = await within(timings, 'read every stored id', 60_000, storedIds(url, auth));
      const stored = new Set(ids);
      expect(ids.length).toBe(stored.size);
      const lost = [...load.acked].filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      expect(stored.size).toBe(load.acked.size);
      figures.push(
        `  ${scenario.name}: sent ${load.sent()}, acknowledged ${load.acked.size}, stored ${stored.size}, lost ${lost.length}; ` +
          `answers ${[...byStatus].map(([s, n]) => `${s}×${n}`).join(' ')}, reads ${load.reads.length} ` +
          `(503×${load.reads.filter((r) => r.status === 503).length}), slowest ${slowest} ms (bound ${ANSWER_BOUND_MS}); ` +
          `resumed ${resumedAfterRestart} ms after the restart, ${resumedAfterHang} ms after the hang; steps: ${timings.join('; ')}`,
      );
      expect(kairos.stdout() + kairos.stderr()).not.toMatch(/unhandled error/);

      // and a server whose store is down still stops on SIGTERM, within its shutdown timeout (10 s)
      await service.stop();
      const stopping = Date.now();
      const code = await within(timings, 'SIGTERM with the store down', 20_000, kairos.stop()).catch(
        (error: Error) => {
          kairos!.child.kill('SIGKILL');
          throw new Error(`${error.message}\n${kairos!.stderr().slice(-3000)}`);
        },
      );
      expect(Date.now() - stopping).toBeLessThan(15_000);
      expect(code).toBe(0);
    },
    LONG ? 900_000 : 600_000,
  );
});
