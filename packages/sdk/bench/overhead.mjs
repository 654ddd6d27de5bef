// Main-thread cost of tracking, in Chromium: `npm run bench -w @kairos/sdk`.
// Loads the IIFE bundle into a page (network answered by Playwright routes, so only the SDK's work is
// measured), then for each storage backend records N `answer()` statements and reports
//  - capture: synchronous time inside the builder call (what the page's click handler pays);
//  - main thread: Chromium's TaskDuration delta (all tasks: capture, queue writes, batching, fetch
//    callbacks) from the first statement until every statement is acknowledged, per statement.
//  - script: Chromium's ScriptDuration delta over the same span (JavaScript only).
// Needs Debian's chromium (`apt-get install -y chromium`); CHROMIUM overrides the path.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const N = Number(process.env.N ?? 2000);
const dir = fileURLToPath(new URL('..', import.meta.url));
const profile = fileURLToPath(new URL('../../xapi/src/profile.ts', import.meta.url));
const bundle = await build({
  entryPoints: [`${dir}/src/iife.ts`],
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'Kairos',
  target: 'es2020',
  write: false,
  alias: { '@kairos/xapi': profile },
});
const sdk = bundle.outputFiles[0].text;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
// A real local HTTP server (Playwright request interception adds seconds of latency per request).
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    if (req.url === '/sdk.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
    else if (req.url === '/xapi/statements' && req.method === 'OPTIONS') res.writeHead(204).end();
    else if (req.url === '/xapi/statements') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(JSON.parse(body).map((s) => s.id)));
    } else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>bench</title><script src="/sdk.js"></script>');
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://localhost:${server.address().port}`;
const page = await browser.newPage();
page.on('crash', () => console.error('page crashed'));
page.on('close', () => console.error('page closed'));
page.on('console', (m) => console.error(`page: ${m.text()}`));
browser.on('disconnected', () => console.error('browser disconnected'));
page.on('pageerror', (e) => console.error('page error:', e.message));
await page.goto(`${origin}/bench.html`);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const metrics = async () => {
  const m = (await cdp.send('Performance.getMetrics')).metrics;
  const ms = (name) => m.find((x) => x.name === name).value * 1000;
  return { task: ms('TaskDuration'), script: ms('ScriptDuration') };
};

const results = [];
for (const storage of (process.env.STORAGES ?? 'indexeddb,localStorage,memory').split(',')) {
  await page.evaluate(
    ({ storage, name, origin }) => {
      let acked = 0;
      let waiting;
      window.bench = {
        acked: () => acked,
        // Resolves once `n` more statements are acknowledged (no polling: it would add tasks).
        until: (n) => {
          const target = acked + n;
          return new Promise((r) => {
            waiting = () => acked >= target && r();
          });
        },
        tracker: Kairos.createTracker({
          endpoint: `${origin}/xapi`,
          token: 'bench',
          actor: { objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'learner-1' } },
          context: {
            registration: crypto.randomUUID(),
            course: { id: 'https://lms.example/course/1', name: 'Maths' },
          },
          storage,
          name,
          heartbeat: 0,
          // The bench records far faster than a learner: let the queue hold the whole run.
          maxQueueItems: 1e5,
          maxQueueBytes: 1e9,
          onFailure: (f) =>
            console.error(`delivery failure: ${f.code} ${f.status ?? ''} ${f.statements.length}`),
          onSuccess: (s) => {
            acked += s.length;
            waiting?.();
          },
        }),
      };
    },
    { storage, name: `bench-${storage}`, origin },
  );
  const run = (n) =>
    page.evaluate(async (n) => {
      const t = window.bench.tracker;
      const done = window.bench.until(n);
      const q = {
        id: 'https://example.org/quiz/q1',
        name: 'Question 1',
        interactionType: 'choice',
        choices: [
          { id: 'a', name: 'Un demi' },
          { id: 'b', name: 'Un tiers' },
        ],
        correct: ['a'],
      };
      let sync = 0;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        t.answer(q, [i % 2 ? 'a' : 'b'], { score: i % 2 });
        sync += performance.now() - t0;
        if (i % 50 === 49) await new Promise((r) => setTimeout(r, 0)); // let the page breathe, as real use does
      }
      t.flush();
      const late = await Promise.race([done, new Promise((r) => setTimeout(() => r('late'), 20_000))]);
      if (late === 'late')
        throw new Error(`only ${window.bench.acked()} of ${n} statements acknowledged after 20 s`);
      return sync;
    }, n);
  await run(200); // warm-up (JIT, IndexedDB open)
  const before = await metrics();
  const t0 = Date.now();
  const sync = await run(N);
  const wall = Date.now() - t0;
  const after = await metrics();
  results.push({
    storage,
    statements: N,
    captureMsPerStatement: sync / N,
    scriptMsPerStatement: (after.script - before.script) / N,
    mainThreadMsPerStatement: (after.task - before.task) / N,
    wallMs: wall,
  });
  await page.evaluate(() => window.bench.tracker.destroy());
}
const version = browser.version();
await browser.close();
server.close();

for (const r of results) {
  console.log(
    `${r.storage.padEnd(12)} capture ${r.captureMsPerStatement.toFixed(3)} ms, script ${r.scriptMsPerStatement.toFixed(3)} ms, ` +
      `main-thread tasks ${r.mainThreadMsPerStatement.toFixed(3)} ms per statement (N=${r.statements}, ${r.wallMs} ms until all acknowledged)`,
  );
}
console.log(`Chromium ${version}; budget < 1 ms per statement`);
mkdirSync(`${dir}/bench-results`, { recursive: true });
writeFileSync(
  `${dir}/bench-results/overhead.json`,
  JSON.stringify({ chromium: version, date: new Date().toISOString(), results }, null, 2),
);
process.exit(results.every((r) => r.mainThreadMsPerStatement < 1) ? 0 : 1);
