import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite } from '../../packages/server/src/storage/sql/database.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium, skipBrowserTests } from '../support/browser.js';
import { startStaticServer } from '../support/sdk-e2e.js';

// examples/existing-xapi-content as its README says: a key with the README's scopes, the launch URL its
// launch-url.mjs prints, the package served as static files and completed in Chromium (left half-way and
// resumed from its bookmark), then the statements, the bookmark and the course in the analytics.
const dir = fileURLToPath(new URL('../../examples/existing-xapi-content/', import.meta.url));
const readme = readFileSync(`${dir}README.md`, 'utf8');
const PACKAGE = 'https://content.example/packages/percentages';

/** The scopes of the README's `kairos keys create` command. */
const readmeScopes = () => {
  const m = /kairos keys create --name \S+ --scopes ([^\n]+)/.exec(readme);
  if (!m) throw new Error('README has no `kairos keys create … --scopes …` command');
  return m[1]!.trim().split(/\s+/);
};

interface Stored {
  actor: { account?: { homePage: string; name: string } };
  verb: { id: string };
  object: { id: string };
  result?: { response?: string; success?: boolean; score?: { raw?: number; scaled?: number } };
  context?: { registration?: string; contextActivities?: { grouping?: { id: string }[] } };
}

describe.skipIf(skipBrowserTests)('examples/existing-xapi-content in Chromium, launched TinCan style', () => {
  let app: TestApp;
  let site: { url: string; close(): Promise<void> };
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
    site = await startStaticServer(dir); // the folder as is: the package reads everything from its URL
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
  });

  /** The launch URL launch-url.mjs prints for a key of `scopes`. */
  const launchUrl = async (scopes: string[], learner: string) => {
    const basic = await app.basic(scopes);
    const [key, secret] = Buffer.from(basic.slice('Basic '.length), 'base64').toString().split(':');
    return execFileSync(process.execPath, [`${dir}launch-url.mjs`, key!, secret!, learner], {
      env: { ...process.env, KAIROS_URL: app.url, CONTENT_URL: `${site.url}/index.html` },
      encoding: 'utf8',
    }).trim();
  };
  const get = async (path: string, scopes: string[]) => {
    const res = await fetch(`${app.url}${path}`, {
      headers: { authorization: await app.basic(scopes), 'x-experience-api-version': '1.0.3' },
    });
    expect(res.status, path).toBe(200);
    return res.json();
  };
  const statementsOf = async (actor: unknown) =>
    (
      (await get(`/xapi/statements?agent=${encodeURIComponent(JSON.stringify(actor))}&limit=100`, [
        'statements/read',
      ])) as { statements: Stored[] }
    ).statements;

  it('without launch parameters, the package says what it needs', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/index.html`);
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe(
        'This package needs a launch URL with endpoint, auth, actor, activity_id (README.md: "Launch it").',
      );
    await page.context().close();
  });

  it("the README's key and launch URL: answered, left, resumed from the bookmark, finished and stored", async () => {
    const url = await launchUrl(readmeScopes(), 'learner-42');
    const launch = new URL(url).searchParams;
    expect(url).toContain('auth=Basic%20'); // the launchers' encoding, not URLSearchParams' +
    expect(launch.get('endpoint')).toBe(`${app.url}/xapi/`);
    const actor = JSON.parse(launch.get('actor')!);
    const registration = launch.get('registration')!;

    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.check('input[name="q1"][value="b"]');
    await expect.poll(() => page.locator('#log').textContent()).toContain(`✓ answered ${PACKAGE}/q1`);
    // the learner leaves half-way and comes back with the same launch: the bookmark restores q1
    await page.reload();
    await expect.poll(() => page.locator('#resumed').isVisible()).toBe(true);
    expect(await page.isChecked('input[name="q1"][value="b"]')).toBe(true);
    await page.fill('input[name="q2"]', '100');
    await page.click('button[type="submit"]');
    await expect.poll(() => page.locator('#result').textContent()).toBe('Score: 2 / 2');
    await expect.poll(() => page.locator('#log').textContent()).toContain(`✓ passed ${PACKAGE}`);
    expect(await page.locator('#status').textContent()).toBe('');

    const stored = await statementsOf(actor);
    const verbs = stored.map((s) => `${s.verb.id.split('/').pop()} ${s.object.id.slice(PACKAGE.length)}`);
    expect(verbs).toEqual(
      expect.arrayContaining([
        'initialized ',
        'answered /q1',
        'resumed ',
        'answered /q2',
        'completed ',
        'passed ',
      ]),
    );
    for (const s of stored) {
      expect(s.actor.account).toEqual({ homePage: 'https://lms.example', name: 'learner-42' });
      expect(s.context?.registration).toBe(registration);
      expect(s.context?.contextActivities?.grouping?.map((g) => g.id)).toEqual([PACKAGE]);
    }
    const q2 = stored.find((s) => s.object.id === `${PACKAGE}/q2`);
    expect(q2?.result).toMatchObject({ response: '100', success: true });
    expect(stored.find((s) => s.verb.id.endsWith('/passed'))?.result?.score).toMatchObject({
      raw: 2,
      scaled: 1,
    });

    // the bookmark, where the package left it
    const state = await get(
      `/xapi/activities/state?stateId=bookmark&activityId=${encodeURIComponent(PACKAGE)}&agent=${encodeURIComponent(
        JSON.stringify(actor),
      )}&registration=${registration}`,
      ['state'],
    );
    expect(state).toEqual({ answers: { q1: 'b', q2: '100' } });

    // and the projection files the package as a course of the tenant, with its learner
    await expect
      .poll(
        async () =>
          (
            (await get('/api/v1/courses', ['analytics/read'])) as {
              courses: { iri: string; learners: number }[];
            }
          ).courses,
        { timeout: 15_000 },
      )
      .toContainEqual(expect.objectContaining({ iri: PACKAGE, learners: 1 }));
    await page.context().close();
  });

  it('a key without `state`: the statements arrive, the page says the bookmark was refused', async () => {
    const scopes = readmeScopes().filter((s) => s !== 'state');
    const url = await launchUrl(scopes, 'learner-43');
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.check('input[name="q1"][value="a"]');
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe('The bookmark was not saved (403): the key needs the scope state.');
    const actor = JSON.parse(new URL(url).searchParams.get('actor')!);
    await expect
      .poll(async () => (await statementsOf(actor)).find((s) => s.object.id === `${PACKAGE}/q1`)?.result)
      .toMatchObject({ response: 'a', success: false });
    await page.context().close();
  });

  it('a TinCan 0.9 actor (lists, accountServiceHomePage) is sent as an xAPI Agent', async () => {
    const url = new URL(await launchUrl(readmeScopes(), 'unused'));
    const old = {
      objectType: 'Person',
      account: [{ accountServiceHomePage: 'https://lms.example', accountName: 'g-7' }],
    };
    url.searchParams.set('actor', JSON.stringify(old));
    const page = await (await browser.newContext()).newPage();
    await page.goto(url.toString());
    await page.check('input[name="q1"][value="b"]');
    await expect.poll(() => page.locator('#log').textContent()).toContain(`✓ answered ${PACKAGE}/q1`);
    const stored = await statementsOf({
      objectType: 'Agent',
      account: { homePage: 'https://lms.example', name: 'g-7' },
    });
    expect(stored.map((s) => s.verb.id.split('/').pop())).toContain('answered');
    await page.context().close();
  });
});
