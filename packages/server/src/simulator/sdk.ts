/**
 * The simulator's second driver: the learners' statements sent by the browser SDK in Chromium instead of
 * batched posts. Each learner gets a tracker of the bundle the server serves at `/sdk/kairos.js`, with a
 * learner token of their own, and hands it the simulator's statements through `tracker.send` (ids,
 * timestamps and actors kept, so the LRS stores the same statements as over HTTP); the SDK's queue,
 * batching and retries deliver them. A learner replays their whole history at once, a few learners at a
 * time: the statements reach the LRS learner by learner (each learner's in timestamp order), not in the
 * class's timestamp order as the batched posts do. playwright-core is a development dependency of Kairos,
 * loaded here only.
 */
import { existsSync } from 'node:fs';
import type { Statement } from '@kairos/xapi';
import { KairosError } from '../errors.js';
import type { SimClass, SimLearner } from './class.js';

/** The Chromium {@link sendThroughSdk} starts by default: `CHROMIUM_PATH`, else Debian's. */
export const defaultChromium = () => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Options of {@link sendThroughSdk}. */
export interface SdkDriverOptions {
  /** The Kairos whose `/sdk/kairos.js` the learners' page loads and whose `/xapi` it sends to. */
  url: string;
  /** A learner token for `learner` (`POST /api/v1/tokens`, role `learner`, its actor). */
  token: (learner: SimLearner) => Promise<string>;
  /** Chromium's executable (default {@link defaultChromium}). */
  chromium?: string;
  /** Learners replaying at the same time, each with a tracker (default 6: Chromium's connections per host). */
  lanes?: number;
  /** Fails when no statement is acknowledged for this long, ms (default 60 000). */
  stallMs?: number;
  onProgress?: (p: { sent: number; total: number }) => void;
  /** Ends the run (the browser closes; what the server acknowledged stays). */
  signal?: AbortSignal;
}

/** Headless as root (a container) and no background traffic on a closed network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// The learners' page: the server's SDK bundle and a tracker per learner replaying. `heartbeat: 0` because the
// simulator writes its own `progressed` statements; a refused statement (or token) ends the run.
const PAGE = `<!doctype html><html lang="fr"><title>Kairos simulated class</title>
<script src="/sdk/kairos.js"></script>
<script>
const trackers = new Map();
const report = (r) => window.kairosSimReport(r);
window.kairosSim = {
  replay(learner, actor, token, statements) {
    const t = Kairos.createTracker({
      endpoint: location.origin + '/xapi', token, actor, name: 'kairos-sim:' + learner, heartbeat: 0,
      maxQueueItems: Math.max(1000, statements.length), maxQueueBytes: 1e8,
      onSuccess: (s) => report({ learner, sent: s.length }),
      onFailure: (f) => report({ learner, failure: [f.code, f.status, f.serverCode].filter(Boolean).join(' ') +
        (f.message ? ': ' + f.message : ''), final: !f.willRetry || f.code === 'unauthorized' }),
    });
    trackers.set(learner, t);
    for (const s of statements)
      if (!t.send(s)) report({ learner, failure: 'the SDK did not queue ' + s.id, final: true });
    t.flush();
  },
  close(learner) {
    trackers.get(learner)?.destroy();
    trackers.delete(learner);
  },
};
</script></html>`;

type Playwright = typeof import('playwright-core');

/** What the learners' page exposes (named in each `page.evaluate`, since those run in the page). */
interface LearnersPage {
  kairosSim: {
    replay(learner: string, actor: unknown, token: string, statements: Statement[]): void;
    close(learner: string): void;
  };
}

/**
 * playwright-core and the Chromium executable {@link sendThroughSdk} needs, or a {@link KairosError} that
 * says how to get them (`playwright_missing`, `chromium_missing`). Check before starting a long job.
 */
export async function sdkBrowser(
  chromium = defaultChromium(),
): Promise<{ playwright: Playwright; path: string }> {
  let playwright: Playwright;
  try {
    playwright = await import('playwright-core');
  } catch (error) {
    throw new KairosError(
      'playwright_missing',
      'install playwright-core to use --browser (npm install playwright-core; Kairos installs it for development only): docs/demo.md',
      { cause: error },
    );
  }
  if (!existsSync(chromium))
    throw new KairosError(
      'chromium_missing',
      `Chromium not found at ${chromium}: install it (apt-get install -y chromium) or pass --chromium PATH (docs/demo.md)`,
      { status: 400 },
    );
  return { playwright, path: chromium };
}

/**
 * Sends a simulated class's statements through the browser SDK in headless Chromium, in the class's
 * timestamp order, each by its learner's own tracker. Resolves with the statement count once the server
 * acknowledged them all; rejects with the SDK's report when the server refuses one, or when delivery
 * stalls.
 *
 * @example
 * await sendThroughSdk(simulateClass({ seed: 1, learners: 6, days: 3 }), {
 *   url: 'http://localhost:3000',
 *   token: (l) => mintLearnerToken(l.actor),
 * });
 */
export async function sendThroughSdk(sim: SimClass, o: SdkDriverOptions): Promise<number> {
  const { playwright, path: executablePath } = await sdkBrowser(o.chromium);
  const url = o.url.replace(/\/+$/, '');
  const stallMs = o.stallMs ?? 60_000;
  let total = 0;
  for (const l of sim.learners) for (const _ of sim.statementsOf(l.id)) total++;
  o.onProgress?.({ sent: 0, total });

  let sent = 0;
  const acked = new Map<string, number>();
  let progressAt = Date.now();
  let lastFailure: string | undefined;
  let refused: string | undefined;
  const browser = await playwright.chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext()).newPage();
    type Report = { learner: string; sent?: number; failure?: string; final?: boolean };
    await page.exposeFunction('kairosSimReport', (r: Report) => {
      if (r.sent) {
        sent += r.sent;
        acked.set(r.learner, (acked.get(r.learner) ?? 0) + r.sent);
        progressAt = Date.now();
        o.onProgress?.({ sent, total });
      }
      if (r.failure) lastFailure = `${r.learner}: ${r.failure}`;
      if (r.failure && r.final) refused ??= lastFailure;
    });
    // a page of the server's origin (the SDK's endpoint is then same-origin), its bundle from the server
    const home = `${url}/__simulated-class`;
    await page.route(home, (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
    await page.goto(home);
    if (!(await page.evaluate(() => 'Kairos' in globalThis)))
      throw new KairosError(
        'sdk_missing',
        `${url}/sdk/kairos.js did not load the SDK (build it: npm run build)`,
      );

    const until = async (done: () => boolean) => {
      while (!done()) {
        if (o.signal?.aborted) throw new KairosError('stopping', 'the seeding was stopped');
        if (refused)
          throw new KairosError('sdk_refused', `the SDK could not deliver a statement: ${refused}`);
        if (Date.now() - progressAt > stallMs)
          throw new KairosError(
            'sdk_stalled',
            `no statement acknowledged for ${stallMs / 1000} s (${sent}/${total} sent)${lastFailure ? `: ${lastFailure}` : ''}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const replay = async (l: SimLearner) => {
      const statements = [...sim.statementsOf(l.id)];
      if (statements.length === 0) return; // a learner who never starts has no page either
      const token = await o.token(l);
      await page.evaluate(
        ([id, actor, token, statements]) =>
          (globalThis as unknown as LearnersPage).kairosSim.replay(id, actor, token, statements),
        [l.id, l.actor, token, statements] as const,
      );
      await until(() => (acked.get(l.id) ?? 0) >= statements.length);
      await page.evaluate((id) => (globalThis as unknown as LearnersPage).kairosSim.close(id), l.id);
    };
    let next = 0;
    const lane = async () => {
      while (next < sim.learners.length) await replay(sim.learners[next++]!);
    };
    await Promise.all(Array.from({ length: o.lanes ?? 6 }, lane));
    return total;
  } finally {
    await browser.close();
  }
}
