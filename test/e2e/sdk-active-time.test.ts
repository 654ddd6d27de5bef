import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../support/browser.js';
import {
  type AccountAgent,
  eventually,
  type SdkLrs,
  startSdkLrs,
  startStaticServer,
} from '../support/sdk-e2e.js';

// Active time in real Chromium, in real time: a scripted session of input, a hidden tab and an idle
// period; the `completed` statement the server stored must carry the scripted active time (±1 s).

const pagesDir = fileURLToPath(new URL('./sdk-pages/', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Emulates the tab being hidden or shown again (headless Chromium keeps every tab visible). */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((state) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

/** Seconds of an ISO 8601 duration as the SDK writes it (`PT1M2.5S`). */
const seconds = (d: string) => {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};

describe.skipIf(skipBrowserTests)('browser SDK active time (Chromium → Kairos)', () => {
  let lrs: SdkLrs;
  let pages: { url: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium(); // first: without Chromium (on CI) this fails before starting anything
    pages = await startStaticServer(pagesDir);
    lrs = await startSdkLrs();
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), pages?.close()]);
    await lrs?.stop();
  });

  it('counts only visible, recently used time: a hidden tab and idle periods are excluded (±1 s)', async () => {
    const idleTimeout = 1500;
    const actor: AccountAgent = {
      objectType: 'Agent',
      account: { homePage: 'https://site.example', name: `learner-${randomUUID()}` },
    };
    const token = await lrs.learnerToken(actor);
    const context = await browser.newContext({ permissions: ['local-network-access'] });
    try {
      await context.addInitScript(
        (cfg) => {
          (window as unknown as { KAIROS_E2E: unknown }).KAIROS_E2E = cfg;
        },
        {
          sdk: `${lrs.kairos.url}/sdk/kairos.js`,
          endpoint: `${lrs.kairos.url}/xapi`,
          token,
          actor,
          options: { idleTimeout, heartbeat: 0, flushInterval: 200 },
        },
      );
      const page = await context.newPage();
      await page.goto(`${pages.url}/tracker.html`);
      await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 10_000 });
      const activity = { id: 'https://site.example/lesson/1', name: 'Lesson 1' };
      type T = { tracker: { attempt(a: unknown): unknown; complete(a: unknown): { id: string } } };

      let x = 10;
      /** Moves the mouse every 200 ms for `ms`; returns when the last move happened. */
      const use = async (ms: number) => {
        const end = Date.now() + ms;
        let last = Date.now();
        do {
          x = x === 10 ? 200 : 10;
          await page.mouse.move(x, 100);
          last = Date.now();
          await sleep(200);
        } while (Date.now() < end);
        return last;
      };

      await page.mouse.move(x, 100);
      const start = Date.now();
      await page.evaluate((a) => void (window as unknown as T).tracker.attempt(a), activity);
      await use(2000);
      // 1. hidden while in use: 2.5 s not counted
      const hiddenAt = Date.now();
      await setVisibility(page, 'hidden');
      await sleep(2500);
      await setVisibility(page, 'visible'); // coming back counts as input
      const shownAt = Date.now();
      const lastBeforeIdle = await use(1500);
      // 2. no input for 3.5 s: the first idleTimeout counts, the remaining 2 s do not
      await sleep(3500);
      await page.mouse.move(x === 10 ? 200 : 10, 120);
      const back = Date.now();
      await use(1000);
      const id = await page.evaluate((a) => (window as unknown as T).tracker.complete(a).id, activity);
      const end = Date.now();

      const truth = (hiddenAt - start + (lastBeforeIdle - shownAt) + idleTimeout + (end - back)) / 1000;
      const stored = await eventually(async () => (await lrs.stored(actor)).find((s) => s.id === id), 10_000);
      expect(stored, 'completed statement stored').toBeTruthy();
      const duration = seconds(stored!.result!.duration!);
      const elapsed = (end - start) / 1000;
      expect(elapsed - truth).toBeGreaterThan(4); // hidden + idle really were excluded from the truth
      expect(Math.abs(duration - truth), `duration ${duration} s, scripted ${truth} s`).toBeLessThanOrEqual(
        1,
      );
      // the idle seconds (visible, no input past idleTimeout) are reported apart: 2 s, rounded
      const idle = stored!.result?.extensions?.['https://kairos.dev/xapi/extensions/time/idle-seconds'];
      expect(Math.abs(Number(idle) - 2)).toBeLessThanOrEqual(1);
    } finally {
      await context.close();
    }
  });
});
