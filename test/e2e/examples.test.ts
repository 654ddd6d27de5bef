import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite } from '../../packages/server/src/storage/sql/database.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium, skipBrowserTests } from '../support/browser.js';
import { startStaticServer } from '../support/sdk-e2e.js';

// examples/plain-html, followed as its README says: the key it creates, the token it mints, the actor
// hard-coded in index.html. A newcomer in the Moodle 4.3 run got 403 at each step.
const dir = fileURLToPath(new URL('../../examples/plain-html/', import.meta.url));
const readme = readFileSync(`${dir}README.md`, 'utf8');
const html = readFileSync(`${dir}index.html`, 'utf8');
const quizHtml = readFileSync(`${dir}quiz.html`, 'utf8');

/** The scopes of the README's `kairos keys create` command. */
const readmeScopes = () => {
  const m = /kairos keys create --name \S+ --scopes ([^\n]+)/.exec(readme);
  if (!m) throw new Error('README has no `kairos keys create … --scopes …` command');
  return m[1]!.trim().split(/\s+/);
};
/** The JSON body of the README's `POST /api/v1/tokens` (curl -d '…'). */
const readmeTokenRequest = () => {
  const m = /-d '(\{[^']+\})'[^\n]*\n\s*http:\/\/localhost:3000\/api\/v1\/tokens/.exec(readme);
  if (!m) throw new Error('README has no curl -d … /api/v1/tokens command');
  return JSON.parse(m[1]!) as { role: string; actor: unknown };
};
/** The #kairos-launch bootstrap of index.html. */
const pageLaunch = (source = html) =>
  JSON.parse(/<script type="application\/json" id="kairos-launch">([^<]+)<\/script>/.exec(source)![1]!) as {
    actor: { account: { homePage: string; name: string } };
    endpoint: string;
  };

describe('examples/plain-html as its README says', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
  });
  afterAll(async () => app?.close());

  const mint = async (body: unknown, scopes = readmeScopes()) =>
    fetch(`${app.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: await app.basic(scopes), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it("the README's key mints the learner token, for the page's actor, and the page's statements are accepted", async () => {
    const request = readmeTokenRequest();
    expect(request.actor).toEqual(pageLaunch().actor);
    const res = await mint(request);
    expect(res.status, await res.clone().text()).toBe(201);
    const { token } = (await res.json()) as { token: string };
    const statement = {
      actor: pageLaunch().actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: 'http://localhost:3000/examples/fractions/q1' },
    };
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-experience-api-version': '2.0.0',
    };
    const posted = await fetch(`${app.url}/xapi/statements`, {
      method: 'POST',
      headers,
      body: JSON.stringify(statement),
    });
    expect(posted.status, await posted.clone().text()).toBe(200);
    const read = await fetch(
      `${app.url}/xapi/statements?agent=${encodeURIComponent(JSON.stringify(statement.actor))}`,
      {
        headers,
      },
    );
    expect(read.status).toBe(200);
    expect(((await read.json()) as { statements: unknown[] }).statements).toHaveLength(1);
  });

  it("the root README's key mints the example's learner token too", async () => {
    const root = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const scopes = /kairos keys create --name \S+ --scopes ([^\n]+)/.exec(root)![1]!.trim().split(/\s+/);
    expect((await mint(readmeTokenRequest(), scopes)).status).toBe(201);
  });

  it('the README says why a narrower key fails, with the error the server gives', async () => {
    const res = await mint(readmeTokenRequest(), ['statements/write']);
    expect(res.status).toBe(403);
    const { message } = (await res.json()) as { message: string };
    expect(readme).toContain(message);
  });
});

describe.skipIf(skipBrowserTests)('examples/plain-html in Chromium: the page says what went wrong', () => {
  let app: TestApp;
  let site: { url: string; close(): Promise<void> };
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
    // index.html on a static server (as the README's `npx serve`), talking to the test server, not :3000.
    const root = mkdtempSync(join(tmpdir(), 'kairos-example-'));
    writeFileSync(join(root, 'index.html'), html.replaceAll('http://localhost:3000', app.url));
    site = await startStaticServer(root);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
  });
  const mint = async (body: unknown) =>
    fetch(`${app.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: await app.basic(readmeScopes()), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const open = async (hash: string) => {
    // A fresh context each time: the SDK's queue (IndexedDB) of one test must not replay in the next.
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/index.html${hash}`);
    return { page };
  };
  const answerAll = async (page: import('playwright-core').Page) => {
    await page.check('input[name="q1"][value="a"]');
    await page.click('button[type="submit"]');
  };

  it('no token yet', async () => {
    const { page } = await open('');
    await expect.poll(() => page.locator('#status').textContent()).toContain('No learner token yet');
    await page.context().close();
  });

  it("a token minted for another actor: the server's forbidden_actor and which actor to use", async () => {
    const { actor } = pageLaunch(html.replaceAll('http://localhost:3000', app.url));
    const res = await mint({
      role: 'learner',
      actor: { ...actor, account: { ...actor.account, name: 'someone' } },
    });
    const { token } = (await res.json()) as { token: string };
    const { page } = await open(`#token=${token}`);
    await answerAll(page);
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 15_000 })
      .toMatch(
        /403 forbidden_actor — .*only write statements about its own learner.*account "demo-learner-1"/,
      );
    await page.context().close();
  });

  it("the README's token: statements stored, nothing to report", async () => {
    const request = readmeTokenRequest() as { actor: { account: { homePage: string } } };
    request.actor.account.homePage = app.url; // index.html's actor, with :3000 replaced like the page
    const res = await mint(request);
    const { token } = (await res.json()) as { token: string };
    const { page } = await open(`#token=${token}`);
    await answerAll(page);
    await expect.poll(() => page.locator('#log').textContent(), { timeout: 15_000 }).toContain('stored');
    expect(await page.locator('#status').textContent()).toBe('');
    await page.context().close();
  });
});

describe.skipIf(skipBrowserTests)('examples/plain-html/quiz.html in Chromium: <kairos-quiz>', () => {
  let app: TestApp;
  let site: { url: string; close(): Promise<void> };
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
    const root = mkdtempSync(join(tmpdir(), 'kairos-example-'));
    writeFileSync(join(root, 'quiz.html'), quizHtml.replaceAll('http://localhost:3000', app.url));
    site = await startStaticServer(root);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
  });
  const open = async (hash: string) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/quiz.html${hash}`);
    return page;
  };

  it('no token yet: the page says so', async () => {
    const page = await open('');
    await expect.poll(() => page.locator('#status').textContent()).toContain('No learner token yet');
    await page.context().close();
  });

  it("with the README's token, answering the quiz stores its statements for the page's learner", async () => {
    const request = readmeTokenRequest() as { actor: { account: { homePage: string } } };
    request.actor.account.homePage = app.url; // the page's actor, with :3000 replaced like the page
    const minted = await fetch(`${app.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: await app.basic(readmeScopes()), 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const { token } = (await minted.json()) as { token: string };
    const page = await open(`#token=${token}`);
    await page.locator('kairos-quiz kairos-choice').waitFor();
    await page.locator('kairos-choice input[value=a]').check();
    await page.locator('kairos-true-false input[value=false]').check(); // wrong: 2 of 3
    await page.locator('kairos-numeric input').fill('0,5');
    await page.getByRole('button', { name: 'Vérifier mes réponses' }).click();
    await expect.poll(() => page.locator('#log').textContent()).toContain('quiz: 2/3, réussi');
    await expect.poll(() => page.locator('#log').textContent(), { timeout: 15_000 }).toContain('stored');
    expect(await page.locator('#status').textContent()).toBe('');

    const actor = pageLaunch(quizHtml.replaceAll('http://localhost:3000', app.url)).actor;
    const read = async () => {
      const res = await fetch(
        `${app.url}/xapi/statements?agent=${encodeURIComponent(JSON.stringify(actor))}`,
        {
          headers: {
            authorization: await app.basic(['statements/read']),
            'x-experience-api-version': '2.0.0',
          },
        },
      );
      return ((await res.json()) as { statements: QuizStatement[] }).statements;
    };
    let stored: QuizStatement[] = [];
    await expect
      .poll(
        async () => {
          stored = await read();
          return stored.filter((s) => s.verb.id.endsWith('/answered')).length;
        },
        { timeout: 15_000 },
      )
      .toBe(3);
    const quizIri = `${app.url}/examples/fractions/quiz`;
    const answers = Object.fromEntries(
      stored
        .filter((s) => s.verb.id.endsWith('/answered'))
        .map((s) => [s.object.id.slice(quizIri.length + 1), s.result?.success]),
    );
    expect(answers).toEqual({ half: true, compare: false, sum: true });
    await expect
      .poll(async () => (await read()).find((s) => s.verb.id.endsWith('/passed'))?.result?.score?.scaled, {
        timeout: 15_000,
      })
      .toBeCloseTo(2 / 3, 5);
    await page.context().close();
  });
});

interface QuizStatement {
  verb: { id: string };
  object: { id: string };
  result?: { success?: boolean; score?: { scaled?: number } };
}
