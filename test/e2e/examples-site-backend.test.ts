import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite } from '../../packages/server/src/storage/sql/database.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium, skipBrowserTests } from '../support/browser.js';

// examples/site-backend as its README says: a key with the README's scopes, `node server.mjs` with
// KAIROS_URL, KAIROS_KEY and KAIROS_SECRET, a learner answering the quiz in Chromium, the teacher's
// dashboard and the analytics API with the teacher's token.
const dir = fileURLToPath(new URL('../../examples/site-backend/', import.meta.url));
const readme = readFileSync(`${dir}README.md`, 'utf8');
const COURSE = 'https://school.example/courses/percentages';
const ADA = 'account:https://school.example|ada';

const readmeScopes = () => {
  const m = /kairos keys create --name \S+ --scopes ([^\n]+)/.exec(readme);
  if (!m) throw new Error('README has no `kairos keys create … --scopes …` command');
  return m[1]!.trim().split(/\s+/);
};

/** Text of an element's shadow root. */
const shadowText = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim());

/** `node server.mjs` with `env`; resolves with its URL once it prints it. */
function startSite(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; output(): string }> {
  const child = spawn(process.execPath, ['server.mjs'], {
    cwd: dir,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the site did not start:\n${output}`)), 20_000);
    const read = (d: Buffer) => {
      output += d;
      const url = /Site on (http:\/\/localhost:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, output: () => output });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the site exited (${code}):\n${output}`)));
  });
}

describe.skipIf(skipBrowserTests)(
  'examples/site-backend: node server.mjs in front of Kairos, in Chromium',
  () => {
    let app: TestApp;
    let site: Awaited<ReturnType<typeof startSite>>;
    let browser: Browser;
    let secret: string;
    let key: string;
    beforeAll(async () => {
      app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
      const basic = await app.basic(readmeScopes());
      [key, secret] = Buffer.from(basic.slice('Basic '.length), 'base64').toString().split(':') as [
        string,
        string,
      ];
      site = await startSite({ KAIROS_URL: app.url, KAIROS_KEY: key, KAIROS_SECRET: secret });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      site?.child.kill();
      await app?.close();
    });

    const logIn = async (name: string) => {
      const page = await (await browser.newContext()).newPage();
      const seen: string[] = [];
      // everything the browser receives from the site, to look for the key's secret
      page.on('response', async (r) => {
        if (r.url().startsWith(site.url))
          seen.push(`${JSON.stringify(r.headers())}\n${await r.text().catch(() => '')}`);
      });
      await page.goto(site.url);
      await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
      return { page, seen };
    };

    it('the site sent its class list at start (the README key may write the roster)', () => {
      expect(site.output()).not.toContain('The roster was not sent');
    });

    it('Ada answers the quiz on /learn; her progress shows; the secret never reaches her browser', async () => {
      const { page, seen } = await logIn('Ada Lovelace');
      await page.waitForURL(`${site.url}/learn`);
      await page.locator('kairos-quiz kairos-choice input[value=b]').check();
      await page.locator('kairos-quiz kairos-numeric input').fill('100');
      await page.locator('kairos-quiz kairos-true-false input[value=false]').check();
      await page.getByRole('button', { name: 'Check my answers' }).click();
      await expect.poll(() => shadowText(page, 'kairos-quiz')).toContain('Score: 3 / 3');
      await expect
        .poll(() => shadowText(page, 'kairos-progress'), { timeout: 20_000 })
        .toMatch(/percent-of|increase/);
      seen.push(await page.content());
      expect(seen.length).toBeGreaterThan(1);
      for (const text of seen) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(Buffer.from(`${key}:${secret}`).toString('base64'));
      }
      // a learner is not a teacher
      const teach = await page.goto(`${site.url}/teach`);
      expect(teach?.status()).toBe(403);
      await page.context().close();
    });

    it("Marie's /teach dashboard shows Ada's work and Alan not started; the API answers her token", async () => {
      const { page, seen } = await logIn('Marie Curie');
      await page.waitForURL(`${site.url}/teach`);
      const ada = page.locator('kairos-class-progress tbody tr', { hasText: 'Ada Lovelace' });
      await expect.poll(() => ada.locator('td').nth(3).textContent(), { timeout: 20_000 }).toMatch(/\d{4}/);
      await expect.poll(() => shadowText(page, 'kairos-class-progress')).toContain('Alan Turing');
      for (const text of seen) expect(text).not.toContain(secret);

      const token = await page.locator('kairos-dashboard').getAttribute('token');
      const res = await fetch(`${app.url}/api/v1/courses/${encodeURIComponent(COURSE)}/learners`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      const { learners } = (await res.json()) as {
        learners: { learner: string; name?: string; started: boolean; succeeded: number }[];
      };
      expect(learners.find((l) => l.learner === ADA)).toMatchObject({ name: 'Ada Lovelace', started: true });
      expect(learners.find((l) => l.name === 'Alan Turing')).toMatchObject({ started: false });
      // the token reads this course only
      const other = await fetch(
        `${app.url}/api/v1/courses/${encodeURIComponent('https://school.example/courses/other')}/learners`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(other.status).toBe(403);
      await page.context().close();
    });

    it('without its key the site does not start, and says which variable is missing', async () => {
      await expect(startSite({ KAIROS_URL: app.url, KAIROS_KEY: '', KAIROS_SECRET: '' })).rejects.toThrow(
        /KAIROS_KEY is not set/,
      );
    });
  },
);
