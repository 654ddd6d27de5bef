import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_COURSE_PREFIX,
  DEMO_DEFAULTS,
  type DemoOptions,
  demoClass,
  demoCourseIri,
} from '../../packages/server/src/demo/index.js';
import { launchChromium, skipBrowserTests } from '../support/browser.js';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';
import { serviceUrl } from '../support/services.js';

// Issue 11: a newcomer's `npm start` on a fresh clone — the real `kairos serve` on the embedded default,
// with demo mode on as it is there — seeds the demo course once, in the background, and prints the links of
// its teacher dashboard and learner quiz; `kairos demo` seeds another class through the running server.

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Resolves once `text` shows in the process's stderr. */
async function printed(k: KairosProcess, text: string, timeoutMs = 90_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !k.stderr().includes(text); ) {
    if (Date.now() > end) throw new Error(`"${text}" not printed in ${timeoutMs} ms:\n${k.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** What an opened demo link hands over: the token of the auto-submitted form, or the learner bootstrap. */
async function dashboardToken(url: string): Promise<{ token: string; action: string }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const html = await res.text();
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form id="kairos-post" method="post" action="([^"]+)"/.exec(html)?.[1];
  expect(token && action).toBeTruthy();
  return { token: token!, action: action! };
}

const bearer = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  'x-experience-api-version': '2.0.0',
  ...extra,
});

/** Every statement a token can read, through the xAPI endpoint (following `more`). */
async function countStatements(base: string, token: string): Promise<number> {
  let n = 0;
  for (let path = '/xapi/statements?limit=500'; path; ) {
    const res = await fetch(`${base}${path}`, { headers: bearer(token) });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { statements: unknown[]; more?: string };
    n += page.statements.length;
    path = page.more ?? '';
  }
  return n;
}

/** Text of an element's shadow root. */
const shadowText = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim());

const countOf = (o: DemoOptions) => [...demoClass(o, new Date(0)).statements()].length;
const spinnersOf = (o: DemoOptions) =>
  demoClass(o, new Date(0))
    .learners.filter((l) => l.profile === 'wheel-spinner')
    .map((l) => `account:https://lms.example.edu|${l.id}`);
const stuckOf = (o: DemoOptions) => demoClass(o, new Date(0)).course.stuckActivity;

describe('npm start on a fresh data directory (demo mode)', () => {
  let k: KairosProcess;
  let base: string;
  const dataDir = tempDataDir();
  let env: Record<string, string>;
  const SMALL = { seed: 3, learners: 12, days: 10 };

  let args: string[];
  beforeAll(async () => {
    // a port known before the start, so the public URL (which the printed links and the pages use) is real
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { KAIROS_DATA_DIR: dataDir, KAIROS_DEMO: '1', KAIROS_PUBLIC_URL: base };
    args = ['--port', String(port), '--host', '127.0.0.1'];
    k = await startKairos(env, 60_000, args);
    await printed(k, 'Demo course ready');
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
  });

  it('seeds the demo course in the background after listening, then prints the two links', async () => {
    const err = k.stderr();
    expect(err.indexOf('Kairos is ready on')).toBeLessThan(err.indexOf('seeding the demo course'));
    expect(err).toMatch(/demo course: \d+\/\d+ statements/);
    expect(err).toContain(`Demo dashboard      ${base}/demo   (teacher view, read-only)\n`);
    expect(err).toContain(`Demo learner quiz   ${base}/demo/learner\n`);
    const { token } = await dashboardToken(`${base}/demo`);
    expect(await countStatements(base, token)).toBe(countOf(DEMO_DEFAULTS));
  });

  it('the dashboard link opens the populated dashboard with a read-only token of the demo course only', async () => {
    const { token, action } = await dashboardToken(`${base}/demo`);
    expect(action).toMatch(/\/dashboard$/);
    expect(claimsOf(token)).toMatchObject({
      tid: 'demo',
      scp: ['statements/read', 'analytics/read'],
      ctx: DEMO_COURSE_PREFIX,
      role: 'instructor',
    });
    // the same form post an LTI instructor launch makes
    const page = await fetch(`${base}/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, lang: 'en' }),
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<kairos-dashboard');
    const view = (await (
      await fetch(`${base}/dashboard`, { headers: bearer(token, { accept: 'application/json' }) })
    ).json()) as { context: { iri: string }; stuckPoints: { activity: string }[]; rows: unknown[] };
    expect(view.context.iri).toBe(DEMO_COURSE_PREFIX);
    expect(view.stuckPoints[0]!.activity).toBe(stuckOf(DEMO_DEFAULTS));
    expect(view.rows.length).toBeGreaterThanOrEqual(DEMO_DEFAULTS.learners);

    const C = encodeURIComponent(DEMO_COURSE_PREFIX);
    const json = { 'content-type': 'application/json' };
    const refused = [
      // writes: the course's settings and structure, the tenant's frameworks, statements
      fetch(`${base}/api/v1/courses/${C}/settings`, {
        method: 'PUT',
        headers: bearer(token, json),
        body: JSON.stringify({ showNames: false }),
      }),
      fetch(`${base}/api/v1/courses/${C}/structure`, {
        method: 'PUT',
        headers: bearer(token, json),
        body: JSON.stringify({ sequences: [] }),
      }),
      fetch(`${base}/api/v1/frameworks?framework=x&title=X`, {
        method: 'POST',
        headers: bearer(token, { 'content-type': 'text/csv' }),
        body: 'code,title\nX1,X\n',
      }),
      fetch(`${base}/xapi/statements`, {
        method: 'POST',
        headers: bearer(token, json),
        body: JSON.stringify({
          actor: { account: { homePage: 'https://lms.example.edu', name: 'learner-0001' } },
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
          object: { id: DEMO_COURSE_PREFIX },
        }),
      }),
      // another course, of this tenant or not a demo one at all
      fetch(`${base}/api/v1/courses/${encodeURIComponent(demoCourseIri(SMALL))}/stuck-points`, {
        headers: bearer(token),
      }),
      fetch(`${base}/api/v1/courses/${encodeURIComponent('https://school.example/c')}/learners`, {
        headers: bearer(token),
      }),
    ];
    for (const res of await Promise.all(refused)) expect(res.status).toBe(403);
    // /demo hands out nothing for a course that is not a demo course of this server
    for (const course of ['https://school.example/c', demoCourseIri({ seed: 9, learners: 9, days: 9 })])
      expect((await fetch(`${base}/demo?course=${encodeURIComponent(course)}`)).status).toBe(404);
  });

  it('kairos demo --learners 12 --days 10 seeds a class whose stuck activity tops the stuck points and whose wheel-spinners are flagged', async () => {
    const r = await runKairos(
      ['demo', '--learners', '12', '--days', '10', '--seed', '3'],
      { KAIROS_DATA_DIR: dataDir },
      120_000,
    );
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const course = demoCourseIri(SMALL);
    const q = `?course=${encodeURIComponent(course)}`;
    expect(r.stdout).toContain(`${countOf(SMALL)} statements`);
    expect(r.stdout).toContain(`/demo${q}`);
    expect(r.stdout).toContain(`/demo/learner${q}`);

    const { token } = await dashboardToken(`${base}/demo${q}`);
    expect(claimsOf(token)).toMatchObject({
      tid: 'demo',
      ctx: course,
      scp: ['statements/read', 'analytics/read'],
    });
    const C = encodeURIComponent(course);
    const stuck = (await (
      await fetch(`${base}/api/v1/courses/${C}/stuck-points`, { headers: bearer(token) })
    ).json()) as { activities: { activity: string; flagged: boolean }[] };
    expect(stuck.activities[0]).toMatchObject({ activity: stuckOf(SMALL), flagged: true });
    const { learners } = (await (
      await fetch(`${base}/api/v1/courses/${C}/learners`, { headers: bearer(token) })
    ).json()) as { learners: { learner: string; raised: string[] }[] };
    const spinners = spinnersOf(SMALL);
    expect(spinners.length).toBeGreaterThan(0);
    for (const s of spinners)
      expect(learners.find((l) => l.learner === s)?.raised).toContain('wheelSpinning');
    // one course's token does not open the other
    const other = await fetch(`${base}/api/v1/courses/${encodeURIComponent(DEMO_COURSE_PREFIX)}/overview`, {
      headers: bearer(token),
    });
    expect(other.status).toBe(403);

    // again: the course is there, nothing is sent twice
    const before = await countStatements(base, token);
    expect(before).toBe(countOf(SMALL));
    const again = await runKairos(['demo', '--learners', '12', '--days', '10', '--seed', '3', '--quiet'], {
      KAIROS_DATA_DIR: dataDir,
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already seeded here, nothing sent');
    expect(await countStatements(base, token)).toBe(before);
  }, 150_000);

  it('the learner link opens the demo quiz as a fresh visitor, who writes only about itself', async () => {
    const res = await fetch(`${base}/demo/learner`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<kairos-quiz');
    const boot = JSON.parse(
      /<script type="application\/json" id="kairos-launch">(.*?)<\/script>/s.exec(html)![1]!,
    );
    expect(boot.actor.account.name).toMatch(/^visitor-[0-9a-f]{12}$/);
    expect(boot.context.course.id).toBe(DEMO_COURSE_PREFIX);
    expect(claimsOf(boot.token)).toMatchObject({ tid: 'demo', ctx: DEMO_COURSE_PREFIX, role: 'learner' });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    // the same visitor on a reload; a cookie naming a simulated learner is not taken back
    const reload = await (await fetch(`${base}/demo/learner`, { headers: { cookie } })).text();
    expect(reload).toContain(`"name":"${boot.actor.account.name}"`);
    const forged = await (
      await fetch(`${base}/demo/learner`, { headers: { cookie: 'kairos_demo_visitor=learner-0001' } })
    ).text();
    expect(forged).not.toContain('"name":"learner-0001"');
    const statement = (name: string) =>
      JSON.stringify({
        actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.edu', name } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
        object: { id: `${DEMO_COURSE_PREFIX}/try-it/quiz` },
        context: { contextActivities: { grouping: [{ id: DEMO_COURSE_PREFIX }] } },
      });
    const post = (body: string) =>
      fetch(`${base}/xapi/statements`, {
        method: 'POST',
        headers: bearer(boot.token, { 'content-type': 'application/json' }),
        body,
      });
    expect((await post(statement(boot.actor.account.name))).status).toBe(200);
    expect((await post(statement('learner-0001'))).status).toBe(403);
    const read = await fetch(`${base}/api/v1/courses/${encodeURIComponent(DEMO_COURSE_PREFIX)}/learners`, {
      headers: bearer(boot.token),
    });
    expect(read.status).toBe(403);
  });

  it.skipIf(skipBrowserTests)(
    'in Chromium: the dashboard link shows the class and its stuck point; the visitor’s answers reach its heat map',
    async () => {
      const browser = await launchChromium();
      try {
        const teacher = await browser.newPage();
        await teacher.goto(`${base}/demo`);
        await teacher.waitForURL(`${base}/dashboard`);
        await expect
          .poll(() => shadowText(teacher, 'kairos-stuck-points'), { timeout: 20_000 })
          .toContain('Activité 2.3');
        await expect.poll(() => shadowText(teacher, 'kairos-competency-heatmap')).toContain('Compétence 1');

        const learner = await (await browser.newContext()).newPage();
        await learner.goto(`${base}/demo/learner`);
        await learner.locator('kairos-quiz kairos-choice').first().waitFor();
        await learner.locator('kairos-choice input[value=a]').check();
        await learner.locator('kairos-true-false input[value=true]').check();
        await learner.locator('kairos-fill-in input').fill('1/2');
        await learner.locator('kairos-numeric input').fill('0.75');
        await learner.getByRole('button', { name: 'Move “1/3” up' }).click();
        await learner.getByRole('button', { name: 'Check my answers' }).click();
        await expect.poll(() => shadowText(learner, 'kairos-quiz')).toContain('Score: 10 / 10');
        const boot = JSON.parse((await learner.locator('#kairos-launch').textContent()) ?? '{}');
        const visitor = `account:https://lms.example.edu|${boot.actor.account.name}`;
        // the heat map's data: the visitor's cells on the demo competencies the quiz is aligned to
        const { token } = await dashboardToken(`${base}/demo`);
        const C = encodeURIComponent(DEMO_COURSE_PREFIX);
        await expect
          .poll(
            async () => {
              const res = await fetch(`${base}/api/v1/courses/${C}/competencies`, { headers: bearer(token) });
              const { cells } = (await res.json()) as { cells: { learner: string; evidence: number }[] };
              return cells.filter((c) => c.learner === visitor && c.evidence > 0).length;
            },
            { timeout: 20_000 },
          )
          .toBeGreaterThanOrEqual(3);
      } finally {
        await browser.close();
      }
    },
    90_000,
  );

  it('a second start prints the links again without seeding anything', async () => {
    const { token } = await dashboardToken(`${base}/demo`);
    const before = await countStatements(base, token);
    expect(await k.stop()).toBe(0);
    k = await startKairos(env, 60_000, args);
    await printed(k, 'Demo learner quiz');
    expect(k.stderr()).not.toContain('seeding');
    expect(k.stderr()).toMatch(/Demo course ready: \d+ statements\n/);
    const after = await dashboardToken(`${base}/demo`);
    expect(await countStatements(base, after.token)).toBe(before);
  }, 120_000);
});

describe('demo mode off', () => {
  const running: KairosProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
  });

  const expectNoDemo = async (k: KairosProcess) => {
    for (const path of ['/demo', '/demo/learner', `/demo?course=${encodeURIComponent(DEMO_COURSE_PREFIX)}`])
      expect((await fetch(`${k.url}${path}`)).status).toBe(404);
    // nothing starts later either
    await new Promise((r) => setTimeout(r, 1500));
    expect(k.stderr()).not.toMatch(/demo/i);
  };

  it('with KAIROS_DEMO=0: no demo routes, no seeding, and kairos demo says why', async () => {
    const dataDir = tempDataDir();
    const k = await startKairos({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO: '0' });
    running.push(k);
    await expectNoDemo(k);
    const keys = await runKairos(['keys', 'list', '--tenant', 'demo', '--json'], {
      KAIROS_DATA_DIR: dataDir,
    });
    expect(JSON.parse(keys.stdout)).toEqual([]);
    const demo = await runKairos(['demo', '--learners', '5'], { KAIROS_DATA_DIR: dataDir });
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain('is not in demo mode (KAIROS_DEMO=0)');
  }, 60_000);

  it('with DATABASE_URL (a production store): no demo routes, no seeding', async () => {
    const pg = await serviceUrl('postgres');
    if (!pg) return;
    const k = await startKairos({ DATABASE_URL: pg, KAIROS_DEMO: '1', KAIROS_DATA_DIR: tempDataDir() });
    running.push(k);
    await expectNoDemo(k);
    const demo = await runKairos(['demo'], { DATABASE_URL: pg, KAIROS_DATA_DIR: tempDataDir() });
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain('demo mode needs the embedded store');
  }, 60_000);
});
