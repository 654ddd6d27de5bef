import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import { type LtiKairos, startLtiKairos } from '../lti-platform/kairos.js';
import { launchChromium, skipBrowserTests } from '../support/browser.js';

// What an LMS administrator and a teacher see of Kairos, from the real flows on the test LTI platform: the
// dynamic registration page, the deep linking picker, the quiz editor, a learner's page after a launch and
// the teacher's dashboard with its roster and grade book. `npm run docs:screenshots` saves them as the PNGs
// of docs/lti/moodle.md and canvas.md (docs/images/lti-*.png, 1280 px wide); without
// KAIROS_DOCS_SCREENSHOTS it only checks that each page shows what its screenshot is for.

const dir = process.env.KAIROS_DOCS_SCREENSHOTS;
/** Each docs image stays small enough for a repository and a slow connection. */
const MAX_BYTES = 250_000;
const WIDTH = 1280;

/** Text of an element's shadow root. */
const shadowText = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim());

/**
 * Saves the top of the page, down to the bottom of `until` (default the whole page), as `name`.png of the
 * docs, in docs mode. At most `max` px high: a tall page's screenshot is cut there.
 */
async function shot(page: Page, name: string, until = 'body', max = 1400): Promise<void> {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  const bottom = await page
    .locator(until)
    .first()
    .evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
  await page.setViewportSize({ width: WIDTH, height: Math.min(max, Math.ceil(bottom) + 24) });
  // fonts and widgets settle after a resize
  await page.waitForTimeout(300);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  expect(statSync(path).size).toBeLessThan(MAX_BYTES);
}

describe.skipIf(skipBrowserTests)(
  'what an LMS administrator and a teacher see of Kairos (docs screenshots)',
  () => {
    let lms: TestPlatform;
    let kairos: LtiKairos;
    let browser: Browser;
    let teacher: Page;

    const quizLaunch = (user: TestPlatform['users']['learner']) =>
      lms.loginUrl({
        user,
        course: lms.course,
        resourceLink: { id: 'link-quiz', title: 'Fractions — quiz' },
        custom: { activity: 'fractions-quiz' },
      });

    /** A learner launches the catalog quiz in a browser of their own and answers it. */
    async function answerQuiz(user: TestPlatform['users']['learner'], decimal: string): Promise<Page> {
      const page = await (await browser.newContext({ viewport: { width: WIDTH, height: 800 } })).newPage();
      await page.goto(quizLaunch(user));
      await page.locator('kairos-quiz kairos-choice').first().waitFor();
      await page.locator('kairos-choice input[value=a]').check();
      await page.locator('kairos-true-false input[value=true]').check();
      await page.locator('kairos-fill-in input').fill('1/2');
      await page.locator('kairos-numeric input').fill(decimal);
      await page.getByRole('button', { name: 'Move “1/3” up' }).click();
      await page.getByRole('button', { name: 'Check my answers' }).click();
      return page;
    }

    beforeAll(async () => {
      browser = await launchChromium(); // first: without Chromium (on CI) this fails before starting anything
      lms = await createTestPlatform();
      await lms.start();
      kairos = await startLtiKairos();
      teacher = await (await browser.newContext({ viewport: { width: WIDTH, height: 800 } })).newPage();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await kairos?.close();
      await lms?.close();
    });

    it('the administrator registers Kairos dynamically: the registration page', async () => {
      const admin = await (await browser.newContext({ viewport: { width: WIDTH, height: 800 } })).newPage();
      const res = await admin.goto(lms.registrationUrl(`${kairos.url}/lti/register`));
      expect(res?.status()).toBe(200);
      await expect.poll(() => admin.locator('h1').innerText()).toBe('Kairos is registered');
      expect(await admin.locator('main').innerText()).toContain('add it to a course');
      expect(lms.tools).toHaveLength(1);
      // the graded quiz's column in the grade book (the platform creates it from the deep-linked item)
      lms.addLineItem({ label: 'Fractions — quiz', scoreMaximum: 10, resourceLinkId: 'link-quiz' });
      await shot(admin, 'lti-registration', 'main');
      await admin.context().close();
    });

    it('the teacher adds Kairos to a course: the deep linking picker, then the quiz editor', async () => {
      await teacher.goto(
        lms.loginUrl({
          user: lms.users.instructor,
          course: lms.course,
          messageType: 'LtiDeepLinkingRequest',
        }),
      );
      await expect.poll(() => teacher.locator('h1').innerText()).toBe('Add Kairos to your course');
      const picker = await teacher.locator('main').innerText();
      expect(picker).toContain('Fractions — quiz');
      expect(picker).toContain('Kairos dashboard');
      await expect(teacher.getByRole('button', { name: 'Write a quiz' }).isVisible()).resolves.toBe(true);
      await shot(teacher, 'lti-deep-linking', 'main');

      await teacher.getByRole('button', { name: 'Write a quiz' }).click();
      await teacher.locator('input[name=title]').waitFor();
      await teacher.locator('input[name=title]').fill('Capitals of Europe');
      await teacher.locator('[name=q1_prompt]').fill('What is the capital of France?');
      await teacher.locator('[name=q1_choices]').fill('*Paris\nLyon\nMarseille');
      await teacher.locator('[name=q1_feedbackIncorrect]').fill('Look at the map again.');
      const editor = await teacher.locator('main').innerText();
      expect(editor).toContain('Question 1');
      expect(editor).not.toMatch(/error|expired/i);
      await shot(teacher, 'lti-quiz-editor', 'main');
    });

    it('a learner launches the placed quiz and answers it: the learner page', async () => {
      const page = await answerQuiz(lms.users.learner, '0,75');
      await expect
        .poll(() => shadowText(page, 'kairos-quiz'), { timeout: 15_000 })
        .toContain('Score: 10 / 10');
      // the quiz and its score (the learner's progress below it is in the launch's language, French here)
      await shot(page, 'lti-learner', 'kairos-quiz');
      await expect
        .poll(() => lms.scores.find((s) => s.body.userId === lms.users.learner.id)?.body, { timeout: 20_000 })
        .toMatchObject({ scoreGiven: 10 });
      const alan = await answerQuiz(lms.users.learner2, '0,7');
      await expect
        .poll(() => shadowText(alan, 'kairos-quiz'), { timeout: 15_000 })
        .toContain('Score: 8 / 10');
      await alan.context().close();
      await page.context().close();
    }, 60_000);

    it('the teacher opens Kairos: the dashboard, its roster and grade book', async () => {
      await expect
        .poll(() => lms.scores.find((s) => s.body.userId === lms.users.learner2.id)?.body, {
          timeout: 20_000,
        })
        .toMatchObject({ scoreGiven: 8 });
      await teacher.goto(
        lms.loginUrl({
          user: lms.users.instructor,
          course: lms.course,
          resourceLink: { id: 'link-dash', title: 'Kairos dashboard' },
          custom: { activity: 'dashboard' },
        }),
      );
      await teacher.waitForURL(`${kairos.url}/dashboard`);
      // the test platform launches in French; the docs are in English: a form post with `lang` asks for it
      const token = await teacher.locator('kairos-dashboard').getAttribute('token');
      await teacher.evaluate((token) => {
        const f = Object.assign(document.createElement('form'), { method: 'post', action: '/dashboard' });
        for (const [name, value] of Object.entries({ token, lang: 'en' }))
          f.append(Object.assign(document.createElement('input'), { type: 'hidden', name, value }));
        document.body.append(f);
        f.submit();
      }, token!);
      await teacher.waitForLoadState('load');
      await expect
        .poll(() => shadowText(teacher, 'kairos-class-progress'), { timeout: 15_000 })
        .toContain('Alan Turing');
      await expect.poll(() => shadowText(teacher, 'kairos-class-progress')).toContain('Grace Hopper');
      await expect.poll(() => shadowText(teacher, 'kairos-competency-heatmap')).toContain('Ada Lovelace');
      const roster = await teacher.locator('#roster').innerText();
      expect(roster).toMatch(/grade book/i);
      expect(roster).toContain('10 / 10');
      expect(roster).toContain('8 / 10');
      await teacher.getByText('Roster (3 learners)').click();
      await expect.poll(() => teacher.locator('#roster').innerText()).toContain('Grace Hopper');
      await shot(teacher, 'lti-dashboard', '#roster', 1800);
    }, 60_000);
  },
);
