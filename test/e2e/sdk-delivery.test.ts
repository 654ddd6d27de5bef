import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../support/browser.js';
import {
  type AccountAgent,
  eventually,
  type LrsProxy,
  type SdkLrs,
  startLrsProxy,
  startSdkLrs,
  startStaticServer,
} from '../support/sdk-e2e.js';

// The browser SDK (served by Kairos at /sdk/kairos.js) in real Chromium against a real `kairos serve`
// (embedded store). The page is on its own origin; the SDK's endpoint is a programmable proxy in front
// of the server, so a test can answer 429/503/400 and count attempts. Every assertion about delivery
// is checked against what the server stored.

type Event = {
  type: 'success' | 'failure';
  code?: string;
  status?: number;
  message?: string;
  willRetry?: boolean;
  ids: string[];
};

interface Session {
  context: BrowserContext;
  page: Page;
  actor: AccountAgent;
  /** Records `n` `experienced` statements (`pad` bytes of extension each), returns their ids. */
  record(n: number, pad?: number, page?: Page): Promise<string[]>;
  events(page?: Page): Promise<Event[]>;
}

const pagesDir = fileURLToPath(new URL('./sdk-pages/', import.meta.url));

/** Emulates the tab being hidden or shown again (headless Chromium keeps every tab visible). */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((state) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

describe.skipIf(skipBrowserTests)('browser SDK delivery (Chromium → Kairos)', () => {
  let lrs: SdkLrs;
  let proxy: LrsProxy;
  let pages: { url: string; close(): Promise<void> };
  let browser: Browser;
  let session: Session | undefined;

  beforeAll(async () => {
    browser = await launchChromium(); // first: without Chromium (on CI) this fails before starting anything
    pages = await startStaticServer(pagesDir);
    lrs = await startSdkLrs();
    proxy = await startLrsProxy(lrs.kairos.url);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), proxy?.close(), pages?.close()]);
    await lrs?.stop();
  });
  beforeEach(() => {
    proxy.attempts.length = 0;
  });
  afterEach(async () => {
    await session?.context.close();
    session = undefined;
  });

  const waitReady = (page: Page) =>
    page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 10_000 });

  /** A fresh browser context (empty IndexedDB) with a tracker for a new learner. */
  async function open(options: Record<string, unknown>): Promise<Session> {
    const actor: AccountAgent = {
      objectType: 'Agent',
      account: { homePage: 'https://site.example', name: `learner-${randomUUID()}` },
    };
    const token = await lrs.learnerToken(actor);
    // The page (localhost) calls a loopback LRS: Chromium's Local Network Access asks for this permission
    // when the page itself did not come from the network (the offline reload fulfils it from a route).
    const context = await browser.newContext({ permissions: ['local-network-access'] });
    await context.addInitScript(
      (cfg) => {
        (window as unknown as { KAIROS_E2E: unknown }).KAIROS_E2E = cfg;
      },
      { sdk: `${proxy.url}/sdk/kairos.js`, endpoint: `${proxy.url}/xapi`, token, actor, options },
    );
    const page = await context.newPage();
    await page.goto(`${pages.url}/tracker.html`);
    await waitReady(page);
    const s: Session = {
      context,
      page,
      actor,
      record: (n, pad = 0, p = page) =>
        p.evaluate(
          ({ n, pad }) => {
            const t = (window as unknown as { tracker: { experience(a: unknown): { id: string } } }).tracker;
            return Array.from({ length: n }, (_, i) => {
              const id = `https://site.example/page/${i}`;
              const extensions = pad ? { 'https://site.example/x/pad': 'x'.repeat(pad) } : undefined;
              return t.experience({ id, name: `Page ${i}`, extensions }).id;
            });
          },
          { n, pad },
        ),
      events: (p = page) => p.evaluate(() => (window as unknown as { kairosEvents: Event[] }).kairosEvents),
    };
    session = s;
    return s;
  }

  /** Requests the proxy saw that carried any of `ids`. */
  const attemptsFor = (ids: string[]) => proxy.attempts.filter((a) => a.ids.some((id) => ids.includes(id)));
  /** Ids stored on the server for the session's learner, once every id of `ids` is there (or after 10 s). */
  const storedWhenAll = async (s: Session, ids: string[]) =>
    eventually(async () => {
      const stored = (await lrs.stored(s.actor)).map((x) => x.id);
      return ids.every((id) => stored.includes(id)) ? stored : undefined;
    }).then(async (r) => r ?? (await lrs.stored(s.actor)).map((x) => x.id));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const counts = (ids: string[]) => {
    const m = new Map<string, number>();
    for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
    return m;
  };

  it('keeps statements recorded offline across a reload and stores each exactly once when back online', async () => {
    const s = await open({ flushInterval: 200, retryBase: 200 });
    const sdk = await (await fetch(`${lrs.kairos.url}/sdk/kairos.js`)).text();
    await s.context.setOffline(true);
    expect(await s.page.evaluate(() => navigator.onLine)).toBe(false);
    const before = await s.record(3);
    await sleep(600); // three flush intervals: nothing may be attempted while offline
    expect(attemptsFor(before)).toEqual([]);

    // Reload while offline: the page and the SDK come from Playwright routes (the network is down).
    await s.context.route(`${pages.url}/tracker.html`, (r) =>
      r.fulfill({ path: `${pagesDir}/tracker.html` }),
    );
    await s.context.route(`${proxy.url}/sdk/kairos.js`, (r) =>
      r.fulfill({ body: sdk, contentType: 'text/javascript' }),
    );
    await s.page.reload();
    await waitReady(s.page);
    const after = await s.record(2);
    await sleep(600);
    expect(attemptsFor([...before, ...after])).toEqual([]);
    await s.context.unrouteAll();

    // Back online: the new page sends what the first one left in IndexedDB, plus its own.
    await s.context.setOffline(false);
    const all = [...before, ...after];
    const stored = await storedWhenAll(s, all);
    await sleep(500); // any duplicate send would have happened by now
    const finalStored = (await lrs.stored(s.actor)).map((x) => x.id);
    expect(finalStored.sort()).toEqual([...all].sort());
    expect(stored.length).toBe(all.length);
    // and the browser sent each one once
    const sent = attemptsFor(all).flatMap((a) => a.ids);
    expect([...counts(sent).values()].every((n) => n === 1)).toBe(true);
    expect(attemptsFor(all).every((a) => a.status === 200)).toBe(true);
  });

  it('delivers the pending batch when the tab is closed', async () => {
    // A long flush interval: the batch is still pending when the tab closes.
    const s = await open({ flushInterval: 60_000 });
    const ids = await s.record(5);
    await sleep(300);
    expect(attemptsFor(ids)).toEqual([]);
    await s.page.close({ runBeforeUnload: true });
    const stored = await storedWhenAll(s, ids);
    expect(stored.sort()).toEqual([...ids].sort());
    const sent = attemptsFor(ids);
    expect(sent.flatMap((a) => a.ids).sort()).toEqual([...ids].sort());
    expect(sent.every((a) => a.status === 200 || a.status === 204)).toBe(true);
  });

  it('on tab close with more than the 64 KB keepalive budget pending, sends what fits and the rest on the next visit', async () => {
    // The server fails the first batch and the backoff is long: ~100 KB (3 batches) is pending at close.
    const s = await open({ flushInterval: 100, retryBase: 60_000 });
    proxy.script({ status: 503 });
    const ids = await s.record(20, 4500);
    await eventually(() => attemptsFor(ids).length > 0, 5000);
    await sleep(300);
    expect(attemptsFor(ids).map((a) => a.status)).toEqual([503]);
    const closedAt = Date.now();
    await s.page.close({ runBeforeUnload: true });
    await sleep(1500);
    const atClose = attemptsFor(ids).filter((a) => a.at >= closedAt);
    const sentAtClose = atClose.flatMap((a) => a.ids);
    // keepalive requests within the budget were delivered; Chromium refuses the beacon for the rest
    // (sendBeacon shares the same 64 KB in-flight quota), so it stays queued in IndexedDB
    expect(atClose.length).toBeGreaterThan(0);
    expect(atClose.every((a) => a.path === '/xapi/statements' && a.status === 200)).toBe(true);
    expect(sentAtClose.length).toBeLessThan(ids.length);
    expect((await lrs.stored(s.actor)).map((x) => x.id).sort()).toEqual([...sentAtClose].sort());

    // The next visit sends the rest; every statement is stored exactly once.
    const next = await s.context.newPage();
    await next.goto(`${pages.url}/tracker.html`);
    await waitReady(next);
    const stored = await storedWhenAll(s, ids);
    await sleep(300);
    expect(stored.sort()).toEqual([...ids].sort());
    // (what went out at close is sent again: the closed page never saw the answer; a no-op on the server)
    const accepted = new Set(
      attemptsFor(ids)
        .filter((a) => a.status === 200)
        .flatMap((a) => a.ids),
    );
    expect([...accepted].sort()).toEqual([...ids].sort());
  });

  it('hands the pending batch to the beacon collector when the keepalive request fails as the tab is hidden', async () => {
    const s = await open({ flushInterval: 60_000 });
    const ids = await s.record(3);
    // The keepalive POST loses its connection (twice: Chromium retries once on a reused connection).
    proxy.script({ status: 0 }, { status: 0 });
    await setVisibility(s.page, 'hidden');
    await eventually(() => attemptsFor(ids).some((a) => a.path === '/xapi/beacon'), 5000);
    expect(attemptsFor(ids).map((a) => [a.path, a.status])).toEqual([
      ['/xapi/statements', 0],
      ['/xapi/statements', 0],
      ['/xapi/beacon', 204],
    ]);
    expect((await lrs.stored(s.actor)).map((x) => x.id).sort()).toEqual([...ids].sort());
    // beaconed statements stay queued until a confirmed send: back on the page, the re-send is a no-op
    await setVisibility(s.page, 'visible');
    await s.page.evaluate(() =>
      (window as unknown as { tracker: { flush(): Promise<void> } }).tracker.flush(),
    );
    await eventually(() => attemptsFor(ids).length === 4, 5000);
    expect(attemptsFor(ids)[3]).toMatchObject({ path: '/xapi/statements', status: 200 });
    expect((await lrs.stored(s.actor)).map((x) => x.id).sort()).toEqual([...ids].sort());
  });

  it('retries a 429 after its Retry-After, and stores the batch once', async () => {
    // A backoff would wait 2.5–7.5 s: a retry after ≈1 s proves Retry-After was honoured.
    const s = await open({ flushInterval: 100, retryBase: 5000 });
    proxy.script({
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { code: 'rate_limited', message: 'slow down' },
    });
    const ids = await s.record(3);
    const stored = await storedWhenAll(s, ids);
    expect(stored.sort()).toEqual([...ids].sort());
    const tries = attemptsFor(ids);
    expect(tries.map((a) => [a.status, a.scripted, a.ids.length])).toEqual([
      [429, true, 3],
      [200, false, 3],
    ]);
    const gap = tries[1]!.at - tries[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(2000);
    expect(await s.events()).toEqual([
      { type: 'failure', code: 'throttled', status: 429, message: 'slow down', willRetry: true, ids },
      { type: 'success', ids },
    ]);
  });

  it('retries a 503 with exponential backoff until it is accepted, and stores the batch once', async () => {
    const retryBase = 400;
    const s = await open({ flushInterval: 100, retryBase });
    proxy.script({ status: 503 }, { status: 503 }, { status: 503 });
    const ids = await s.record(4);
    const stored = await storedWhenAll(s, ids);
    expect(stored.sort()).toEqual([...ids].sort());
    const tries = attemptsFor(ids);
    expect(tries.map((a) => [a.status, a.ids.length])).toEqual([
      [503, 4],
      [503, 4],
      [503, 4],
      [200, 4],
    ]);
    // wait n = retryBase·2ⁿ·(0.5…1.5), plus a little for the timer and the queue read
    for (let n = 0; n < 3; n++) {
      const gap = tries[n + 1]!.at - tries[n]!.at;
      expect(gap, `wait after failure ${n + 1}`).toBeGreaterThanOrEqual(retryBase * 2 ** n * 0.5 - 20);
      expect(gap, `wait after failure ${n + 1}`).toBeLessThanOrEqual(retryBase * 2 ** n * 1.5 + 300);
    }
    const events = await s.events();
    expect(events.map((e) => [e.type, e.code, e.status, e.willRetry])).toEqual([
      ['failure', 'transient', 503, true],
      ['failure', 'transient', 503, true],
      ['failure', 'transient', 503, true],
      ['success', undefined, undefined, undefined],
    ]);
  });

  it('never retries a statement the server rejects with 400, reports it, and delivers the rest of the batch', async () => {
    const s = await open({ flushInterval: 100, retryBase: 100 });
    // The middle statement is invalid for the real server (a verb id that is not an IRI).
    const ids = await s.page.evaluate(() => {
      const t = (window as unknown as { tracker: { send(s: unknown): { id: string } } }).tracker;
      const object = { id: 'https://site.example/quiz' };
      return [
        t.send({ verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object }).id,
        t.send({ verb: { id: 'not an iri' }, object }).id,
        t.send({ verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' }, object }).id,
      ];
    });
    const [good1, bad, good2] = ids as [string, string, string];
    const stored = await storedWhenAll(s, [good1, good2]);
    await sleep(1000); // ten retry bases: a retry of the rejected statement would have happened
    expect(stored.sort()).toEqual([good1, good2].sort());
    expect((await lrs.stored(s.actor)).map((x) => x.id).sort()).toEqual([good1, good2].sort());
    const tries = attemptsFor(ids);
    expect(tries.map((a) => [a.status, a.ids])).toEqual([
      [400, ids],
      [200, [good1, good2]],
    ]);
    const events = await s.events();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'failure',
      code: 'rejected',
      status: 400,
      willRetry: false,
      ids: [bad],
    });
    expect(events[0]!.message).toMatch(/statement\[1\]\.verb/);
    expect(events[1]).toEqual({ type: 'success', ids: [good1, good2] });
  });

  it('drops a single statement answered 400 without naming it, once, and reports it', async () => {
    const s = await open({ flushInterval: 100, retryBase: 100 });
    proxy.script({ status: 400, body: { code: 'bad_request', message: 'no' } });
    const [id] = await s.record(1);
    await eventually(async () => (await s.events()).length > 0, 5000);
    await sleep(1000);
    expect(attemptsFor([id!]).map((a) => a.status)).toEqual([400]);
    expect(await s.events()).toEqual([
      { type: 'failure', code: 'rejected', status: 400, message: 'no', willRetry: false, ids: [id] },
    ]);
    expect(await lrs.stored(s.actor)).toEqual([]);
    // the next page load has nothing left to send
    await s.page.reload();
    await waitReady(s.page);
    await sleep(500);
    expect(attemptsFor([id!])).toHaveLength(1);
  });
});
