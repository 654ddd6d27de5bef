import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';
import { type AccountAgent, startStaticServer } from '../support/sdk-e2e.js';
import { freshPostgresSchema, serviceUrl } from '../support/services.js';
import { freePort } from './private-services.js';
import { storedIds } from './stored-ids.js';

// Server kill (issue 12, "Fault tests"): `kairos serve` on PostgreSQL is killed with SIGKILL while clients
// keep sending, then started again on the same database and the same port. Two clients:
// - an HTTP load client: senders posting batches of 100 and senders posting single statements; each
//   records the ids acknowledged (200) and re-sends an unacknowledged request, the same statements,
//   until it is acknowledged;
// - the browser SDK in Chromium, recording statements throughout; it queues and retries by itself.
// At the end every acknowledged statement is stored exactly once, and every statement the page recorded
// is stored once. KAIROS_FAULTS_LONG=1 kills the server more often under a longer load.

const LONG = process.env.KAIROS_FAULTS_LONG === '1';
const KILLS = LONG ? 5 : 1;
/** Load between two kills (the server is up that long after each restart). */
const UP_MS = LONG ? 8_000 : 2_000;
/** How long the server stays dead before its restart. */
const DOWN_MS = LONG ? 2_000 : 800;
const VERSION = { 'X-Experience-API-Version': '1.0.3' };
const pagesDir = fileURLToPath(new URL('../e2e/sdk-pages/', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const statement = (n: number) => ({
  id: randomUUID(),
  actor: { account: { homePage: 'https://lms.example', name: `learner-${n % 11}` } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: `https://course.example/activity-${n % 17}` },
  context: { contextActivities: { grouping: [{ id: 'https://course.example/server-kill' }] } },
  timestamp: new Date().toISOString(),
});
type Statement = ReturnType<typeof statement>;

/**
 * Senders posting as fast as answers come: `batchSenders` with batches of 100, `singleSenders` with one
 * statement per request. A request not acknowledged (an error status or no answer: the server died under
 * it) is sent again, the same statements, until it is; `stop()` ends the new sends, then lets every sender
 * finish its retries.
 */
function loadClient(url: string, auth: string, batchSenders = 2, singleSenders = 3) {
  const acked = new Set<string>();
  const statuses = new Map<number, number>();
  let sent = 0;
  let retries = 0;
  let running = true;
  let draining = true;
  const post = async (batch: Statement[]) => {
    let status = -1; // no answer: the connection was refused or cut
    try {
      const res = await fetch(`${url}/xapi/statements`, {
        method: 'POST',
        headers: { ...VERSION, Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(batch.length === 1 ? batch[0] : batch),
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch {}
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    return status;
  };
  const sender = async (size: number) => {
    let n = 0;
    while (running) {
      const batch = Array.from({ length: size }, () => statement(n++));
      sent += batch.length;
      while ((await post(batch)) !== 200) {
        if (!draining) return;
        retries++;
        await sleep(100);
      }
      for (const s of batch) acked.add(s.id);
    }
  };
  const loops = [
    ...Array.from({ length: batchSenders }, () => sender(100)),
    ...Array.from({ length: singleSenders }, () => sender(1)),
  ];
  return {
    acked,
    statuses,
    sent: () => sent,
    retries: () => retries,
    /** Ends new sends and waits for the retries in progress (gives up on them after `timeoutMs`). */
    async stop(timeoutMs = 30_000) {
      running = false;
      const timer = setTimeout(() => {
        draining = false;
      }, timeoutMs);
      await Promise.all(loops);
      clearTimeout(timer);
    },
  };
}

/** How many of `ids` appear more than once in `all`, and how many not at all. */
function tally(ids: Iterable<string>, all: string[]) {
  const counts = new Map<string, number>();
  for (const id of all) counts.set(id, (counts.get(id) ?? 0) + 1);
  let lost = 0;
  let twice = 0;
  for (const id of ids) {
    const n = counts.get(id) ?? 0;
    if (n === 0) lost++;
    if (n > 1) twice++;
  }
  return { lost, twice };
}

describe('kairos serve killed with -9 during ingestion (PostgreSQL)', () => {
  let kairos: KairosProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let pages: { url: string; close(): Promise<void> } | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await pages?.close();
    await kairos?.stop();
    await drop?.();
  });

  it(
    'stores every acknowledged statement exactly once, and the SDK delivers the rest',
    async () => {
      browser = await launchChromium(); // first: without Chromium (on CI) this fails before starting anything
      const base = await serviceUrl('postgres');
      if (!base) throw new Error('PostgreSQL must run (test/services/up)');
      const schema = await freshPostgresSchema(base);
      drop = schema.drop;
      const env = { DATABASE_URL: schema.url, KAIROS_DATA_DIR: tempDataDir() };
      const migrated = await runKairos(['migrate'], env);
      expect(migrated.code, migrated.stderr).toBe(0);
      const keys = await runKairos(
        ['keys', 'create', '--name', 'faults', '--tenant', 'faults', '--scopes', 'all', '--json'],
        env,
      );
      expect(keys.code, keys.stderr).toBe(0);
      const key = JSON.parse(keys.stdout) as { key: string; secret: string };
      const auth = `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`;
      // a fixed port: the restarted server is where the clients were sending
      const port = await freePort();
      const args = ['--port', String(port), '--host', '127.0.0.1'];
      kairos = await startKairos(env, 60_000, args);
      const url = kairos.url;

      // the SDK in Chromium: a page on its own origin, the endpoint the server itself
      pages = await startStaticServer(pagesDir);
      const actor: AccountAgent = {
        objectType: 'Agent',
        account: { homePage: 'https://site.example', name: `learner-${randomUUID()}` },
      };
      const minted = await fetch(`${url}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'learner', actor, ttl: 3600 }),
      });
      expect(minted.status).toBe(201);
      const { token } = (await minted.json()) as { token: string };
      context = await browser.newContext({ permissions: ['local-network-access'] });
      await context.addInitScript(
        (cfg) => {
          (window as unknown as { KAIROS_E2E: unknown }).KAIROS_E2E = cfg;
        },
        {
          sdk: `${url}/sdk/kairos.js`,
          endpoint: `${url}/xapi`,
          token,
          actor,
          options: { flushInterval: 100, retryBase: 200, retryCap: 1_000, batchSize: 20 },
        },
      );
      const page: Page = await context.newPage();
      await page.goto(`${pages.url}/tracker.html`);
      await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 10_000 });
      const recorded: string[] = [];
      let recording = true;
      const recorder = (async () => {
        for (let round = 0; recording; round++) {
          const ids = await page.evaluate((round) => {
            const t = (window as unknown as { tracker: { experience(a: unknown): { id: string } } }).tracker;
            return Array.from(
              { length: 5 },
              (_, i) => t.experience({ id: `https://site.example/page/${round}-${i}`, name: `Page ${i}` }).id,
            );
          }, round);
          recorded.push(...ids);
          await sleep(100);
        }
      })();

      const load = loadClient(url, auth);
      const restarts: number[] = [];
      try {
        await sleep(UP_MS);
        for (let k = 0; k < KILLS; k++) {
          kairos.child.kill('SIGKILL');
          await new Promise((r) => kairos!.child.once('exit', r));
          await sleep(DOWN_MS);
          const t0 = Date.now();
          kairos = await startKairos(env, 60_000, args);
          restarts.push(Date.now() - t0);
          await sleep(UP_MS);
        }
      } finally {
        recording = false;
        await recorder;
        await load.stop();
      }

      // the SDK delivers what the page recorded (it retries by itself)
      const sdkAuth = { ...VERSION, Authorization: auth };
      const agent = encodeURIComponent(JSON.stringify(actor));
      let sdkStored: string[] = [];
      for (const until = Date.now() + 20_000; Date.now() < until; await sleep(250)) {
        sdkStored = [];
        let next: string | undefined = `/xapi/statements?limit=500&agent=${agent}`;
        while (next) {
          const res = await fetch(new URL(next, url), { headers: sdkAuth });
          const body = (await res.json()) as { statements: { id: string }[]; more?: string };
          for (const s of body.statements) sdkStored.push(s.id);
          next = body.more || undefined;
        }
        if (recorded.every((id) => sdkStored.includes(id))) break;
      }

      const all = await storedIds(url, auth);
      const unique = new Set(all);
      const http = tally(load.acked, all);
      const sdk = tally(recorded, all);
      const figures =
        `server kill ×${KILLS}: HTTP client sent ${load.sent()}, acknowledged ${load.acked.size}, ` +
        `stored ${[...load.acked].filter((id) => unique.has(id)).length}, lost ${http.lost}, twice ${http.twice} ` +
        `(requests ${[...load.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}, re-sent ${load.retries()}); ` +
        `SDK recorded ${recorded.length}, stored ${recorded.filter((id) => unique.has(id)).length}, ` +
        `lost ${sdk.lost}, twice ${sdk.twice}; rows ${all.length}, distinct ${unique.size}; ` +
        `restart ${restarts.join('/')} ms`;
      console.log(figures);

      expect(load.acked.size).toBeGreaterThan(0);
      // every request was acknowledged in the end (a sender re-sends until it is)
      expect(load.acked.size).toBe(load.sent());
      expect(http).toEqual({ lost: 0, twice: 0 });
      expect(recorded.length).toBeGreaterThan(0);
      expect(sdk).toEqual({ lost: 0, twice: 0 });
      expect(all.length).toBe(unique.size);
      // nothing stored that neither client sent
      expect(unique.size).toBe(load.acked.size + recorded.length);
      // the kills really hit requests in flight: some were not acknowledged and had to be sent again
      expect(load.retries()).toBeGreaterThan(0);
    },
    LONG ? 600_000 : 90_000,
  );
});
