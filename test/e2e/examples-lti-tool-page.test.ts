import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/server/src/auth/api-keys.js';
import { courseIri, ltiActor, resourceLinkIri } from '../../packages/server/src/iris.js';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import { type LtiKairos, registerByHand, startLtiKairos } from '../lti-platform/kairos.js';
import { launchChromium, skipBrowserTests } from '../support/browser.js';
import { startStaticServer } from '../support/sdk-e2e.js';

// examples/lti-tool-page as its README says: the LMS launches Kairos on a link whose custom parameter
// `page` names the developer's page; Kairos hands the learner's launch to that page (its origin listed in
// KAIROS_LTI_PAGES), and the page's widgets record for the launched learner.
const dir = fileURLToPath(new URL('../../examples/lti-tool-page/', import.meta.url));
const readme = readFileSync(`${dir}README.md`, 'utf8');

/** Text of an element's shadow root. */
const shadowText = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim());

describe('examples/lti-tool-page: the README names one origin twice', () => {
  it('the custom parameter `page` is on the origin KAIROS_LTI_PAGES lists', () => {
    const listed = /KAIROS_LTI_PAGES=(\S+)/.exec(readme)?.[1];
    const page = /^\s*page=(\S+)$/m.exec(readme)?.[1];
    expect(listed, 'README sets KAIROS_LTI_PAGES=…').toBeDefined();
    expect(page, 'README gives the custom parameter page=…').toBeDefined();
    expect(new URL(page!).origin).toBe(new URL(listed!).origin);
  });
});

describe.skipIf(skipBrowserTests)('examples/lti-tool-page after a real LTI launch, in Chromium', () => {
  let lms: TestPlatform;
  let kairos: LtiKairos;
  let site: { url: string; close(): Promise<void> };
  let browser: Browser;
  let tenantId: string;

  const launchUrl = (page: string, link = 'link-ratios', user = lms.users.learner) =>
    lms.loginUrl({
      user,
      course: lms.course,
      resourceLink: { id: link, title: 'Ratios' },
      custom: { page },
    });

  /** Every statement stored about `actor` (a key of the platform's tenant reads them). */
  const stored = async (actor: unknown) => {
    const { record, secret } = await createApiKey(kairos.stores.record.credentials, {
      tenantId,
      name: 'check',
      scopes: ['statements/read'],
    });
    const res = await fetch(
      `${kairos.url}/xapi/statements?limit=100&agent=${encodeURIComponent(JSON.stringify(actor))}`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${record.key}:${secret}`).toString('base64')}`,
          'x-experience-api-version': '2.0.0',
        },
      },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { statements: Statement[] }).statements;
  };

  beforeAll(async () => {
    // the example folder as is, on its own origin (as `npx serve examples/lti-tool-page` would serve it)
    site = await startStaticServer(dir);
    lms = await createTestPlatform();
    await lms.start();
    kairos = await startLtiKairos({ env: { KAIROS_LTI_PAGES: site.url } });
    await registerByHand(lms, kairos);
    tenantId = (await kairos.lti.registry.find(lms.issuer))!.tenantId;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await kairos?.close();
    await lms?.close();
    await site?.close();
  });

  it("a learner's launch lands on the page, which records for the launched learner", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(launchUrl(`${site.url}/index.html`));
    await page.waitForURL(`${site.url}/index.html`); // the token left the address bar
    await page.locator('kairos-quiz kairos-choice').waitFor();
    expect(await page.locator('#status').textContent()).toBe('');
    await page.locator('kairos-choice input[value=a]').check();
    await page.locator('kairos-numeric input').fill('9');
    await page.getByRole('button', { name: 'Check my answers' }).click();
    await expect.poll(() => shadowText(page, 'kairos-quiz')).toContain('Passed');

    const actor = ltiActor(lms.issuer, lms.users.learner.id);
    const course = courseIri(kairos.url, tenantId, lms.course.id);
    let statements: Statement[] = [];
    await expect
      .poll(
        async () => {
          statements = await stored(actor);
          return statements.map((s) => s.verb.id.split('/').pop()).sort();
        },
        { timeout: 15_000 },
      )
      .toEqual(expect.arrayContaining(['answered', 'answered', 'passed', 'completed', 'attempted']));
    const answered = statements.filter((s) => s.verb.id.endsWith('/answered'));
    expect(answered.map((s) => s.object.id).sort()).toEqual([
      'https://course.example.edu/ratios/check/same-ratio',
      'https://course.example.edu/ratios/check/scale-up',
    ]);
    for (const s of statements) {
      expect(s.actor).toMatchObject(actor);
      expect(s.context?.contextActivities?.grouping?.map((a) => a.id)).toContain(course);
    }
    // the activity is placed under the link the LMS launched, and completed once its quiz was checked
    const lesson = statements.find(
      (s) => s.verb.id.endsWith('/completed') && s.object.id === 'https://course.example.edu/ratios',
    );
    expect(lesson?.context?.contextActivities?.parent?.map((a) => a.id)).toContain(
      resourceLinkIri(kairos.url, tenantId, 'link-ratios'),
    );
    // the launch's registration, the same on every statement of this visit
    expect(new Set(statements.map((s) => s.context?.registration)).size).toBe(1);
    // and the learner's own progress, with the launch's token, shows the page's competencies
    await expect
      .poll(() => shadowText(page, 'kairos-progress'), { timeout: 20_000 })
      .toMatch(/equivalent-ratios|scaling/);
    // a reload keeps the launch (this tab's sessionStorage): no "open this page from your course"
    await page.reload();
    await page.locator('kairos-quiz kairos-choice').waitFor();
    expect(await page.locator('#status').textContent()).toBe('');
    await context.close();
  }, 45_000);

  it('opened without a launch, the page says to open it from the course', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.url}/index.html`);
    await expect
      .poll(() => page.locator('#status').textContent())
      .toContain('Open this page from your course');
    await context.close();
  });

  it('a page on an origin KAIROS_LTI_PAGES does not list gets no launch', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const launched = page.waitForResponse((r) => r.url() === `${kairos.url}/lti/launch`);
    await page.goto(launchUrl('https://elsewhere.example/collect', 'link-elsewhere'));
    const answer = await launched;
    expect(answer.status()).toBe(403);
    expect(answer.headers().location).toBeUndefined();
    await page.waitForURL(`${kairos.url}/lti/launch`);
    expect(await page.locator('main').textContent()).toContain('page_not_allowed');
    // nothing was written: the link is not on the roster
    const links = await kairos.stores.analytics.roster.resourceLinks(tenantId, lms.course.id);
    expect(links.map((l) => l.resourceLinkId)).toContain('link-ratios');
    expect(links.map((l) => l.resourceLinkId)).not.toContain('link-elsewhere');
    await context.close();
  });
});

interface Statement {
  actor: unknown;
  verb: { id: string };
  object: { id: string };
  context?: {
    registration?: string;
    contextActivities?: { grouping?: { id: string }[]; parent?: { id: string }[] };
  };
}
