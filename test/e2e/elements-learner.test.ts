import { randomUUID } from 'node:crypto';
import type { Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  KairosActivity,
  KairosProgress,
  KairosQuiz,
} from '../../packages/elements/src/learner/index.js';
import type { LearnerDetail } from '../../packages/elements/src/shared/api-types.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite } from '../../packages/server/src/storage/sql/database.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { skipBrowserTests } from '../support/browser.js';
import { type ElementsPage, elementsPage } from '../support/elements.js';

// The learner widgets (the `learner` bundle built from source) in real Chromium: rendering, keyboard,
// axe in English and French at 320 px, form association, and the statements a quiz produces — stored
// by a real Kairos and projected into the learner's analytics, which <kairos-progress> then shows.

type Statement = {
  verb: { id: string };
  object: {
    id: string;
    definition?: { interactionType?: string; correctResponsesPattern?: string[]; [k: string]: unknown };
  };
  result?: {
    response?: string;
    success?: boolean;
    completion?: boolean;
    score?: { raw?: number; min?: number; max?: number; scaled?: number };
  };
  context?: { contextActivities?: Record<string, { id: string; definition?: { type?: string } }[]> };
};

const ADL = (v: string) => `http://adlnet.gov/expapi/verbs/${v}`;
const OBJECTIVE = 'http://adlnet.gov/expapi/activities/objective';
const COURSE = 'https://school.example/courses/capitals';
const QUIZ = 'https://school.example/quiz/capitals';
const LESSON = 'https://school.example/lessons/capitals';
const C1 = 'https://school.example/competencies/capitals';
const C2 = 'https://school.example/competencies/numbers';

/** A quiz with one question of each type, every answer known (`right` answers are given below). */
const QUESTIONS = `
  <kairos-choice question-id="${QUIZ}/capital" prompt="Capital of France?" points="2" competencies="${C1}"
    feedback-correct="Well done.">
    <option value="paris" correct feedback="Yes: since 508.">Paris</option>
    <option value="lyon" feedback="Lyon is the third city.">Lyon</option>
  </kairos-choice>
  <kairos-true-false prompt="Rome is the capital of Italy." correct="true" competencies="${C1}"></kairos-true-false>
  <kairos-fill-in prompt="Capital of Spain?" correct="Madrid|Madrí" competencies="${C1}"></kairos-fill-in>
  <kairos-numeric prompt="π to two decimals?" correct="3.14" tolerance="0.01" competencies="${C2}"></kairos-numeric>
  <kairos-ordering prompt="From smallest to largest" correct="third half whole">
    <option value="half">one half</option><option value="whole">one</option><option value="third">one third</option>
  </kairos-ordering>
  <kairos-matching prompt="Match each country to its capital">
    <option value="fr" match="paris">France</option><option value="it" match="rome">Italy</option>
    <option value="paris" target>Paris</option><option value="rome" target>Rome</option>
  </kairos-matching>
  <kairos-long-text prompt="Why do countries have capitals?" competencies="${C1}"></kairos-long-text>`;

/** The focused element, looking inside shadow roots, with the question it belongs to. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    const host = (a?.getRootNode() as ShadowRoot | undefined)?.host;
    return {
      tag: a?.localName ?? '',
      type: a?.getAttribute('type') ?? '',
      label: a?.getAttribute('aria-label') ?? a?.textContent?.trim() ?? '',
      host: host?.localName ?? '',
    };
  });

/** Presses Tab until the focused element matches (keyboard only), at most 40 times. */
async function tabTo(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error(`Tab never reached the element (last: ${JSON.stringify(await focused(page))})`);
}

/** Text of an element's shadow root. */
const shadowText = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim());

/** Answers the quiz of {@link QUESTIONS} in `root` with the pointer: every answer right but the fill-in's, `fill`. */
async function answerAll(root: Locator, fill = 'Madrid', up = 'Move “one third” up') {
  await root.locator('kairos-choice input[value=paris]').check();
  await root.locator('kairos-true-false input[value=true]').check();
  await root.locator('kairos-fill-in input').fill(fill);
  await root.locator('kairos-numeric input').fill('3,14');
  // ⅓ up twice: third, half, whole
  await root.getByRole('button', { name: up }).click();
  await root.getByRole('button', { name: up }).click();
  await root.locator('kairos-matching select').nth(0).selectOption('paris');
  await root.locator('kairos-matching select').nth(1).selectOption('rome');
  await root.locator('kairos-long-text textarea').fill('To be governed from one place.');
}

const learnerDetail = (over: Partial<LearnerDetail['learner']> = {}): LearnerDetail => ({
  course: COURSE,
  asOf: '2026-03-10T09:00:00.000Z',
  learner: {
    learner: 'account:https://lms.example|ann',
    started: true,
    activeMs: 725_000,
    reached: 5,
    completed: 3,
    succeeded: 2,
    statements: 40,
    courseCompleted: false,
    flags: { struggling: 0, stuck: 0, wheelSpinning: 0, abandoned: false, rapidGuessing: 0 },
    raised: [],
    ...over,
  },
  flags: { struggling: [], stuck: [], wheelSpinning: [], abandoned: null, rapidGuessing: [] },
  activities: [],
  mastery: [
    {
      learner: 'ann',
      competency: C1,
      title: 'Capitals of Europe',
      level: 'acquis',
      p: 0.87,
      evidence: 2,
      steps: [],
    },
    {
      learner: 'ann',
      competency: C2,
      title: 'Decimal numbers',
      level: 'en_cours',
      p: 0.5,
      evidence: 3,
      steps: [],
    },
    {
      learner: 'ann',
      competency: 'https://school.example/competencies/maps',
      title: 'Reading maps',
      level: null,
      p: 0.2,
      evidence: 1,
      steps: [],
      manual: { level: 'expert', assessor: 't', assessedAt: '2026-03-09T10:00:00Z' },
    },
  ],
  timeline: [],
});

describe.skipIf(skipBrowserTests)('learner widgets in Chromium', () => {
  let ep: ElementsPage;
  /** Statements the page posted to the stand-in LRS at `/fake/xapi` (tests without a server). */
  let posted: Statement[] = [];

  beforeAll(async () => {
    ep = await elementsPage({
      '/api/v1/courses/https%3A%2F%2Fschool.example%2Fcourses%2Fcapitals/learners/me': learnerDetail(),
      '/api/v1/courses/empty/learners/me': learnerDetail({ reached: 0, completed: 0, succeeded: 0 }),
      '/quiz.json': {
        id: QUIZ,
        title: 'Capitals (JSON)',
        passMark: 0.5,
        attempts: 2,
        questions: [
          {
            type: 'choice',
            prompt: 'Capital of France?',
            choices: [
              { id: 'paris', label: 'Paris', feedback: 'Yes.' },
              { id: 'lyon', label: 'Lyon' },
            ],
            correct: 'paris',
            points: 2,
            competencies: [C1],
          },
          {
            type: 'numeric',
            prompt: 'π?',
            correct: 3.14,
            tolerance: 0.01,
            feedback: { incorrect: 'About 3.14.' },
          },
          {
            type: 'matching',
            prompt: 'Match',
            choices: [
              { id: 'fr', label: 'France' },
              { id: 'it', label: 'Italy' },
            ],
            targets: [
              { id: 'paris', label: 'Paris' },
              { id: 'rome', label: 'Rome' },
            ],
            correct: { fr: 'paris', it: 'rome' },
          },
        ],
      },
      '/bad-quiz.json': { id: 'not an iri', questions: [{ type: 'essay', prompt: 'x' }] },
    });
    await ep.page.route('**/fake/xapi/statements', async (route) => {
      const body = route.request().postDataJSON() as Statement[];
      posted.push(...body);
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify([]) });
    });
  });
  afterAll(async () => ep?.close());

  /** A stand-in tracker configuration by attributes (a fresh actor per page, so queues never mix). */
  const attrs = () =>
    `endpoint="${ep.url}/fake/xapi" token="t" course="${COURSE}" actor='${JSON.stringify({
      objectType: 'Agent',
      account: { homePage: 'https://lms.example', name: randomUUID() },
    })}'`;
  /** Waits for the SDK to deliver `n` statements to the stand-in LRS. */
  const delivered = async (n: number) => {
    await expect.poll(() => posted.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(n);
    return posted;
  };

  it('renders every question type, the activity and the progress', async () => {
    await ep.open(
      `<main><h1>Lesson</h1>
      <kairos-activity activity-id="${LESSON}" name="Capitals" type="lesson">
        <p>Europe's capitals.</p>
        <kairos-quiz activity-id="${QUIZ}" name="Capitals quiz">${QUESTIONS}</kairos-quiz>
      </kairos-activity>
      <kairos-progress endpoint="${'/api/v1'}" course="${COURSE}"></kairos-progress></main>`,
      { bundles: ['learner'] },
    );
    const quiz = ep.page.locator('kairos-quiz');
    expect(await quiz.evaluate((q) => (q as KairosQuiz).questions.map((x) => x.localName))).toEqual([
      'kairos-choice',
      'kairos-true-false',
      'kairos-fill-in',
      'kairos-numeric',
      'kairos-ordering',
      'kairos-matching',
      'kairos-long-text',
    ]);
    await expect.poll(() => shadowText(ep.page, 'kairos-choice')).toContain('Capital of France?');
    expect(await ep.page.getByRole('radio', { name: 'Lyon' }).count()).toBe(1);
    expect(await ep.page.getByRole('radio', { name: 'True' }).count()).toBe(1);
    expect(await ep.page.getByRole('textbox', { name: 'Capital of Spain?' }).count()).toBe(1);
    expect(await ep.page.getByRole('combobox', { name: 'Italy' }).count()).toBe(1);
    expect(await ep.page.getByRole('listitem').filter({ hasText: 'one half' }).count()).toBe(1);
    expect(await ep.page.getByRole('button', { name: 'Check my answers' }).count()).toBe(1);
    expect(await ep.page.getByRole('button', { name: 'I’m done' }).count()).toBe(1);
    // the progress: figures, and each level with its label (never colour alone)
    await expect.poll(() => shadowText(ep.page, 'kairos-progress')).toContain('Capitals of Europe');
    const progress = await shadowText(ep.page, 'kairos-progress');
    expect(progress).toContain('Activities completed 3 (3 of 5 started)');
    expect(progress).toContain('Active time 12 min 05 s');
    expect(progress).toContain('Capitals of Europe Acquired (2 answers)');
    expect(progress).toContain('Decimal numbers In progress (3 answers)');
    expect(progress).toContain('Reading maps Not assessed yet (1 answer; teacher: Expert)');
    const swatch = await ep.page
      .locator('kairos-progress [part=swatch]')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(swatch).toBe('rgb(86, 180, 233)'); // --kairos-level-acquis
  });

  it('shows the loading, empty and error states of the progress', async () => {
    await ep.page.route('**/slow/api/v1/**', async (route) => {
      await new Promise((r) => setTimeout(r, 400));
      await route.fulfill({ status: 500, contentType: 'application/json', body: '{"message":"boom"}' });
    });
    await ep.open(
      `<main><h1>P</h1><kairos-progress id="empty" endpoint="/api/v1" course="empty"></kairos-progress>
      <kairos-progress id="slow" endpoint="/slow/api/v1" course="c"></kairos-progress>
      <kairos-progress id="none"></kairos-progress></main>`,
      { bundles: ['learner'], lang: 'fr' },
    );
    expect(await shadowText(ep.page, '#slow')).toContain('Chargement…');
    await expect.poll(() => shadowText(ep.page, '#slow')).toContain('Chargement impossible: boom');
    expect(await ep.page.locator('#slow').getByRole('button', { name: 'Réessayer' }).count()).toBe(1);
    await expect.poll(() => shadowText(ep.page, '#empty')).toContain('Aucune activité pour l’instant');
    expect(await shadowText(ep.page, '#none')).toContain('set endpoint and course');
  });

  it('answers a quiz with the keyboard only, and records what was answered', async () => {
    posted = [];
    await ep.open(
      `<main><h1>Quiz</h1><kairos-quiz activity-id="${QUIZ}" name="Capitals quiz" ${attrs()}>${QUESTIONS}</kairos-quiz></main>`,
      { bundles: ['learner'] },
    );
    const p = ep.page;
    await tabTo(p, (f) => f.host === 'kairos-choice' && f.type === 'radio');
    await p.keyboard.press('Space'); // Paris
    await tabTo(p, (f) => f.host === 'kairos-true-false');
    await p.keyboard.press('Space'); // True
    await tabTo(p, (f) => f.host === 'kairos-fill-in');
    await p.keyboard.type('madrid ');
    await tabTo(p, (f) => f.host === 'kairos-numeric');
    await p.keyboard.type('3,14');
    // ordering: shown half, whole, third; "one third" up twice, its focus kept on the moved item
    await tabTo(p, (f) => f.label === 'Move “one third” up');
    await p.keyboard.press('Enter');
    expect((await focused(p)).label).toBe('Move “one third” up');
    await p.keyboard.press('Enter');
    expect((await focused(p)).label).toBe('Move “one third” down'); // at the top: "up" is disabled
    expect(await shadowText(p, 'kairos-ordering')).toContain('“one third”: position 1 of 3');
    await tabTo(p, (f) => f.host === 'kairos-matching' && f.tag === 'select');
    await p.keyboard.press('ArrowDown'); // France → Paris
    await p.keyboard.press('Tab');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown'); // Italy → Rome
    await tabTo(p, (f) => f.host === 'kairos-long-text');
    await p.keyboard.type('To be governed from one place.');
    await tabTo(p, (f) => f.label === 'Check my answers');
    await p.keyboard.press('Enter');
    await expect.poll(() => shadowText(p, 'kairos-quiz')).toContain('Score: 7 / 7 (100%).');
    // the focus moved to the score, which is read out
    expect(
      await p.evaluate(() => document.querySelector('kairos-quiz')!.shadowRoot!.activeElement?.className),
    ).toBe('summary');
    expect(await shadowText(p, 'kairos-choice')).toContain('✓ Right. Yes: since 508. Well done.');
    expect(await shadowText(p, 'kairos-long-text')).toContain('Answer recorded.');
    const answers = (await delivered(10)).filter((s) => s.verb.id === ADL('answered'));
    expect(
      answers.map((s) => [s.object.definition!.interactionType, s.result!.response, s.result!.success]),
    ).toEqual([
      ['choice', 'paris', true],
      ['true-false', 'true', true],
      ['fill-in', 'madrid', true],
      ['numeric', '3.14', true],
      ['sequencing', 'third[,]half[,]whole', true],
      ['matching', 'fr[.]paris[,]it[.]rome', true],
      ['long-fill-in', 'To be governed from one place.', undefined],
    ]);
  });

  for (const lang of ['en', 'fr']) {
    it(`has no axe violation at 320 px (${lang}), before and after checking`, async () => {
      await ep.open(
        `<main><h1>Lesson</h1>
        <kairos-activity activity-id="${LESSON}" name="Capitals">
          <p>Text.</p>
          <kairos-quiz activity-id="${QUIZ}" name="Capitals quiz" attempts="2" pass-mark="0.9">${QUESTIONS.replace(
            '<kairos-fill-in',
            '<kairos-fill-in required',
          )}</kairos-quiz>
        </kairos-activity>
        <kairos-quiz src="/quiz.json"></kairos-quiz>
        <kairos-progress endpoint="/api/v1" course="${COURSE}"></kairos-progress></main>`,
        { bundles: ['learner'], lang, width: 320 },
      );
      await expect.poll(() => shadowText(ep.page, 'kairos-progress')).toContain('Capitals of Europe');
      await expect.poll(() => shadowText(ep.page, 'main > kairos-quiz')).toContain('Capitals (JSON)');
      const lesson = ep.page.locator('kairos-activity');
      await lesson.locator('kairos-numeric input').fill('abc'); // the "enter a number" state
      expect(await ep.axe()).toEqual([]);
      expect(await ep.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      await answerAll(lesson, 'Lisbon', lang === 'fr' ? 'Monter « one third »' : undefined);
      await lesson.locator('kairos-quiz').evaluate((q) => (q as KairosQuiz).submit());
      await expect
        .poll(() => shadowText(ep.page, 'kairos-activity kairos-quiz'))
        .toContain(lang === 'fr' ? 'Pas encore réussi.' : 'Not passed yet.');
      expect(await ep.axe()).toEqual([]);
      expect(await ep.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    });
  }

  it('is form-associated: answers in the form data, invalid while a required question is unanswered', async () => {
    await ep.open(
      `<main><h1>Form</h1><form>
        <kairos-quiz activity-id="${QUIZ}">
          <kairos-choice name="capital" required prompt="Capital of France?">
            <option value="paris" correct>Paris</option><option value="lyon">Lyon</option>
          </kairos-choice>
          <kairos-numeric prompt="π?" correct="3.14"></kairos-numeric>
        </kairos-quiz>
        <button>Send</button>
      </form></main>`,
      { bundles: ['learner'] },
    );
    const p = ep.page;
    const state = () =>
      p.evaluate(() => {
        const form = document.querySelector('form')!;
        const quiz = document.querySelector('kairos-quiz')!;
        return {
          valid: form.checkValidity(),
          message: quiz.validationMessage,
          sameForm: quiz.form === form,
          data: [...new FormData(form).entries()].map(([k, v]) => [k, String(v)]),
        };
      });
    expect(await state()).toEqual({
      valid: false,
      message: 'Answer every required question first.',
      sameForm: true,
      data: [],
    });
    let submitted = 0;
    await p.exposeFunction('onSubmitted', () => submitted++);
    await p.evaluate(() =>
      document.querySelector('form')!.addEventListener('submit', (e) => {
        e.preventDefault();
        (window as unknown as { onSubmitted(): void }).onSubmitted();
      }),
    );
    await p.getByRole('button', { name: 'Send' }).click();
    expect(submitted).toBe(0); // the browser refused the invalid form
    await p.locator('kairos-choice input[value=lyon]').check();
    await p.locator('kairos-numeric input').fill('3,5');
    expect(await state()).toMatchObject({
      valid: true,
      message: '',
      data: [
        ['capital', 'lyon'],
        [`${QUIZ}/q2`, '3.5'],
      ],
    });
    await p.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => submitted).toBe(1);
    await p.evaluate(() => document.querySelector('form')!.reset());
    expect(await state()).toMatchObject({ valid: false, data: [] });
    expect(await p.locator('kairos-choice input[value=lyon]').isChecked()).toBe(false);
  });

  it('builds a quiz from JSON, limits attempts, and reports an invalid definition', async () => {
    posted = [];
    // listening before the widgets load: the first attempt starts as the quiz appears
    const listen = `<script>window.seen = [];
      for (const type of ['kairos-attempt', 'kairos-complete'])
        document.addEventListener(type, (e) => seen.push(e.type + ' ' + (e.attempt ?? '') +
          (e.score ? e.score.raw + '/' + e.score.max + ' ' + e.success : '')));</script>`;
    await ep.open(
      `<main><h1>JSON</h1><kairos-quiz id="q" src="/quiz.json" ${attrs()}></kairos-quiz>
      <kairos-quiz id="bad" src="/bad-quiz.json"></kairos-quiz></main>`,
      { bundles: ['learner'], head: listen },
    );
    const p = ep.page;
    await expect.poll(() => shadowText(p, '#q')).toContain('Capitals (JSON)');
    expect(await shadowText(p, '#q')).toContain('Attempt 1 of 2');
    await expect
      .poll(() => shadowText(p, '#bad'))
      .toContain('the quiz definition is not valid: id: an activity IRI');
    // attempt 1: both answers wrong → 0 / 4, failed (pass mark 0.5); the numeric's "incorrect" feedback
    await p.locator('#q kairos-choice input[value=lyon]').check();
    await p.locator('#q kairos-numeric input').fill('3');
    await p.locator('#q').getByRole('button', { name: 'Check my answers' }).click();
    await expect.poll(() => shadowText(p, '#q')).toContain('Score: 0 / 4 (0%). Not passed yet.');
    expect(await shadowText(p, '#q kairos-numeric')).toContain('✗ Not quite. About 3.14.');
    expect(await p.locator('#q kairos-choice input[value=lyon]').isDisabled()).toBe(true); // locked once checked
    await p.locator('#q').getByRole('button', { name: 'Try again' }).click();
    expect(await shadowText(p, '#q')).toContain('Attempt 2 of 2');
    expect(await p.locator('#q kairos-choice input[value=lyon]').isChecked()).toBe(false);
    // attempt 2: everything right but Italy → 3 / 4, passed; no attempt left either way
    await p.locator('#q kairos-choice input[value=paris]').check();
    await p.locator('#q kairos-numeric input').fill('3,141');
    await p.locator('#q kairos-matching select').nth(0).selectOption('paris');
    await p.locator('#q kairos-matching select').nth(1).selectOption('paris');
    await p.locator('#q').getByRole('button', { name: 'Check my answers' }).click();
    await expect.poll(() => shadowText(p, '#q')).toContain('Score: 3 / 4 (75%). Passed.');
    expect(await shadowText(p, '#q kairos-choice')).toContain('✓ Right. Yes.');
    expect(await shadowText(p, '#q kairos-matching')).toContain('✗ Not quite.');
    expect(await p.locator('#q').getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await p.locator('#q').evaluate((q) => (q as KairosQuiz).submit())).toBe(false);
    expect(await p.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'kairos-attempt 1',
      'kairos-complete 0/4 false',
      'kairos-attempt 2',
      'kairos-complete 3/4 true',
    ]);
    const sent = await delivered(12);
    expect(sent.map((s) => s.verb.id.split('/').pop())).toEqual([
      'initialized',
      'attempted',
      'answered',
      'answered',
      'failed',
      'completed',
      'attempted',
      'answered',
      'answered',
      'answered',
      'passed',
      'completed',
    ]);
    const q1 = sent.find((s) => s.verb.id === ADL('answered') && s.result!.response === 'paris')!;
    expect(q1.object.id).toBe(`${QUIZ}/q1`); // derived from the quiz id and position
    expect(q1.result!.score).toEqual({ raw: 2, min: 0, max: 2, scaled: 1 });
    const matching = sent.filter((s) => s.object.definition?.interactionType === 'matching');
    expect(matching.map((s) => [s.result!.response, s.result!.success])).toEqual([
      ['fr[.]paris[,]it[.]paris', false],
    ]);
    // the same JSON given as the definition property
    const json = await (await fetch(`${ep.url}/quiz.json`)).json();
    await p.evaluate((d) => {
      const quiz = document.createElement('kairos-quiz');
      quiz.id = 'prop';
      quiz.definition = d;
      document.querySelector('main')!.append(quiz);
    }, json);
    await expect.poll(() => shadowText(p, '#prop')).toContain('Capitals (JSON)');
    expect(await p.locator('#prop').evaluate((q) => (q as KairosQuiz).questions.length)).toBe(3);
  });

  it('completes an activity by its button, its slot, complete(), or when its quizzes are checked', async () => {
    posted = [];
    const cfg = attrs(); // one configuration: the widgets share one tracker
    await ep.open(
      `<main><h1>Activities</h1>
      <kairos-activity id="a1" activity-id="${LESSON}/1" name="One" type="lesson" ${cfg}><p>One.</p></kairos-activity>
      <kairos-activity id="a2" activity-id="${LESSON}/2" ${cfg}><p>Two.</p><button slot="complete">Finished reading</button></kairos-activity>
      <kairos-activity id="a3" activity-id="${LESSON}/3" ${cfg}><p>Three.</p></kairos-activity>
      <kairos-activity id="a4" activity-id="${LESSON}/4" ${cfg}>
        <kairos-quiz id="qa" activity-id="${QUIZ}/a"><kairos-true-false prompt="A" correct="true"></kairos-true-false></kairos-quiz>
        <kairos-quiz id="qb" activity-id="${QUIZ}/b"><kairos-true-false prompt="B" correct="true"></kairos-true-false></kairos-quiz>
      </kairos-activity></main>`,
      { bundles: ['learner'], lang: 'fr' },
    );
    const p = ep.page;
    const completed = () =>
      p.evaluate(() =>
        [...document.querySelectorAll('kairos-activity')].filter((a) => a.completed).map((a) => a.id),
      );
    await p.locator('#a1').getByRole('button', { name: 'J’ai terminé' }).click();
    await expect.poll(() => shadowText(p, '#a1')).toContain('✓ Terminé');
    expect(await p.locator('#a1').getByRole('button').count()).toBe(0);
    await p.getByRole('button', { name: 'Finished reading' }).click();
    await p.locator('#a3').evaluate((a) => (a as KairosActivity).complete());
    expect(await completed()).toEqual(['a1', 'a2', 'a3']);
    await p.locator('#qa').evaluate((q) => (q as KairosQuiz).submit());
    expect(await completed()).toEqual(['a1', 'a2', 'a3']); // one quiz of two
    await p.locator('#qb').evaluate((q) => (q as KairosQuiz).submit());
    expect(await completed()).toEqual(['a1', 'a2', 'a3', 'a4']);
    const sent = await delivered(13); // the quizzes were checked unanswered: no answered statement
    const of = (verb: string) => sent.filter((s) => s.verb.id === ADL(verb)).map((s) => s.object.id);
    expect(of('attempted')).toEqual([
      `${LESSON}/1`,
      `${LESSON}/2`,
      `${LESSON}/3`,
      `${LESSON}/4`,
      `${QUIZ}/a`,
      `${QUIZ}/b`,
    ]);
    expect(of('completed')).toEqual([
      `${LESSON}/1`,
      `${LESSON}/2`,
      `${LESSON}/3`,
      `${QUIZ}/a`,
      `${QUIZ}/b`,
      `${LESSON}/4`,
    ]);
    expect(of('initialized')).toHaveLength(1); // the page's tracker, shared by every widget
    const first = sent.find((s) => s.verb.id === ADL('attempted'))!;
    expect(first.object.definition).toMatchObject({
      name: { fr: 'One' },
      type: 'http://adlnet.gov/expapi/activities/lesson',
    });
    const quizDone = sent.find((s) => s.verb.id === ADL('completed') && s.object.id === `${QUIZ}/a`)!;
    expect(quizDone.context!.contextActivities!.parent![0]!.id).toBe(`${LESSON}/4`); // the quiz sits in the activity
    expect(quizDone.context!.contextActivities!.grouping![0]!.id).toBe(COURSE);
  });
});

describe.skipIf(skipBrowserTests)('quiz answers on a real Kairos', () => {
  let ep: ElementsPage;
  let app: TestApp;
  let key: string;
  let reader: string;
  const actor = {
    objectType: 'Agent',
    account: { homePage: 'https://lms.example', name: `learner-${randomUUID()}` },
  };
  const agentKey = `account:https://lms.example|${actor.account.name}`;

  const call = async (path: string, auth: string) => {
    const res = await fetch(`${app.url}${path}`, {
      headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
    key = await app.basic(['all']);
    reader = await app.basic(['analytics/read']);
    ep = await elementsPage();
    // the page and Kairos on one origin, as on a launch page: /kairos/* goes to the server
    await ep.page.route('**/kairos/**', async (route) => {
      const r: Request = route.request();
      const path = new URL(r.url()).pathname.replace(/^\/kairos/, '') + new URL(r.url()).search;
      await route.fulfill({ response: await route.fetch({ url: `${app.url}${path}` }) });
    });
  });
  afterAll(async () => {
    await ep?.close();
    await app?.close();
  });

  it('stores answered statements with interaction, result and context, and the learner sees the projection', async () => {
    const minted = await fetch(`${app.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: key, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'learner', actor, ttl: 3600 }),
    });
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    // the bootstrap a launch page carries (packages/server/src/lti/resource-launch.ts)
    const bootstrap = {
      endpoint: `${ep.url}/kairos/xapi`,
      token,
      actor,
      context: {
        registration: randomUUID(),
        course: {
          objectType: 'Activity',
          id: COURSE,
          definition: { type: 'http://adlnet.gov/expapi/activities/course' },
        },
        parent: { objectType: 'Activity', id: 'https://school.example/links/1' },
      },
      language: 'en',
    };
    await ep.open(
      `<main><h1>Capitals</h1>
      <kairos-activity activity-id="${LESSON}" name="Capitals" type="lesson">
        <kairos-quiz activity-id="${QUIZ}" name="Capitals quiz" pass-mark="0.8">${QUESTIONS}</kairos-quiz>
      </kairos-activity>
      <kairos-progress></kairos-progress></main>`,
      {
        bundles: ['learner'],
        head: `<script type="application/json" id="kairos-launch">${JSON.stringify(bootstrap)}</script>`,
      },
    );
    await answerAll(ep.page.locator('main'), 'Barcelona'); // one wrong answer: 6 / 7
    await ep.page.getByRole('button', { name: 'Check my answers' }).click();
    await expect.poll(() => shadowText(ep.page, 'kairos-quiz')).toContain('Score: 6 / 7 (86%). Passed.');

    const agent = encodeURIComponent(JSON.stringify(actor));
    let stored: Statement[] = [];
    await expect
      .poll(
        async () => {
          const r = await call(`/xapi/statements?agent=${agent}&limit=100&ascending=true`, key);
          stored = (r.body as { statements: Statement[] }).statements;
          return stored.length;
        },
        { timeout: 15_000 },
      )
      .toBe(13); // initialized, 2 attempted, 7 answered, passed, 2 completed
    const answered = stored.filter((s) => s.verb.id === ADL('answered'));
    const byType = Object.fromEntries(answered.map((s) => [s.object.definition!.interactionType, s]));
    expect(Object.keys(byType)).toEqual([
      'choice',
      'true-false',
      'fill-in',
      'numeric',
      'sequencing',
      'matching',
      'long-fill-in',
    ]);
    const choice = byType.choice!;
    expect(choice.object).toMatchObject({
      id: `${QUIZ}/capital`,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        name: { en: 'Capital of France?' },
        correctResponsesPattern: ['paris'],
        choices: [
          { id: 'paris', description: { en: 'Paris' } },
          { id: 'lyon', description: { en: 'Lyon' } },
        ],
      },
    });
    expect(choice.result).toMatchObject({
      response: 'paris',
      success: true,
      score: { raw: 2, min: 0, max: 2, scaled: 1 },
    });
    expect(choice.context!.contextActivities).toMatchObject({
      parent: [{ id: QUIZ }],
      grouping: [{ id: COURSE }],
      other: [{ id: C1, definition: { type: OBJECTIVE } }],
    });
    expect(byType['fill-in']!.object.id).toBe(`${QUIZ}/q3`);
    expect(byType['fill-in']!.object.definition!.correctResponsesPattern).toEqual(['Madrid', 'Madrí']);
    expect(byType['fill-in']!.result).toMatchObject({
      response: 'Barcelona',
      success: false,
      score: { raw: 0, min: 0, max: 1, scaled: 0 },
    });
    expect(byType.numeric!.object.definition!.correctResponsesPattern).toEqual(['3.13[:]3.15']);
    expect(byType.numeric!.context!.contextActivities!.other).toEqual([
      { objectType: 'Activity', id: C2, definition: { type: OBJECTIVE } },
    ]);
    expect(byType.sequencing!.object.definition!.correctResponsesPattern).toEqual(['third[,]half[,]whole']);
    expect(byType.sequencing!.context!.contextActivities!.other).toBeUndefined(); // no competency
    expect(byType.matching!.object.definition!.correctResponsesPattern).toEqual(['fr[.]paris[,]it[.]rome']);
    expect(byType['long-fill-in']!.result!.response).toBe('To be governed from one place.');
    expect(byType['long-fill-in']!.result!.success).toBeUndefined();
    expect(byType['long-fill-in']!.result!.score).toBeUndefined();
    const quiz = (verb: string) => stored.find((s) => s.verb.id === ADL(verb) && s.object.id === QUIZ)!;
    expect(quiz('passed').result).toMatchObject({ success: true, score: { raw: 6, min: 0, max: 7 } });
    expect(quiz('passed').result!.score!.scaled).toBeCloseTo(6 / 7, 9);
    expect(quiz('completed').result).toMatchObject({
      completion: true,
      success: true,
      score: { raw: 6, max: 7 },
    });
    expect(quiz('completed').context!.contextActivities!.parent).toMatchObject([{ id: LESSON }]);
    const lesson = stored.find((s) => s.verb.id === ADL('completed') && s.object.id === LESSON)!;
    expect(lesson.context!.contextActivities!.parent).toMatchObject([
      { id: 'https://school.example/links/1' },
    ]);

    // the projection: the learner's activities and mastery, read with an analytics/read key
    const C = encodeURIComponent(COURSE);
    let detail: LearnerDetail | undefined;
    await expect
      .poll(
        async () => {
          const r = await call(`/api/v1/courses/${C}/learners/${encodeURIComponent(agentKey)}`, reader);
          detail = r.status === 200 ? (r.body as LearnerDetail) : undefined;
          return detail?.learner.statements;
        },
        { timeout: 15_000 },
      )
      .toBe(13);
    const d = detail!;
    const capital = d.activities.find((a) => a.activity === `${QUIZ}/capital`)!;
    expect(capital).toMatchObject({ sequence: QUIZ, attempts: 1, succeeded: true, bestCredit: 1 });
    expect(d.activities.find((a) => a.activity === `${QUIZ}/q3`)).toMatchObject({
      succeeded: false,
      bestCredit: 0,
    });
    expect(d.activities.find((a) => a.activity === QUIZ)).toMatchObject({ succeeded: true, completed: true });
    // C1: the choice, true-false (right) and the fill-in (wrong) are its evidence; the long text has no success
    const c1 = d.mastery.find((m) => m.competency === C1)!;
    expect(c1.evidence).toBe(3);
    // one instant for every answer of a submitted quiz: the projection orders them by statement id
    expect(c1.steps.map((s) => [s.activity, s.correct]).sort()).toEqual([
      [`${QUIZ}/capital`, true],
      [`${QUIZ}/q2`, true],
      [`${QUIZ}/q3`, false],
    ]);
    const c2 = d.mastery.find((m) => m.competency === C2)!;
    expect(c2).toMatchObject({ evidence: 1, level: null }); // one evidence: not assessed yet

    // <kairos-progress> reads the same projection with the learner's own token (learners/me)
    await ep.page.locator('kairos-progress').evaluate((el) => (el as KairosProgress).refresh());
    // no framework names C2: it goes by the end of its IRI
    expect(c2.title).toBe('numbers');
    await expect.poll(() => shadowText(ep.page, 'kairos-progress')).toContain('numbers');
    const shown = await shadowText(ep.page, 'kairos-progress');
    expect(shown).toContain(
      `Activities completed ${d.learner.completed} (${d.learner.completed} of ${d.learner.reached} started)`,
    );
    expect(shown).toContain(`Activities succeeded ${d.learner.succeeded}`);
    const label = {
      non_acquis: 'Not acquired',
      en_cours: 'In progress',
      acquis: 'Acquired',
      expert: 'Expert',
    };
    expect(shown).toContain(`capitals ${c1.level ? label[c1.level] : 'Not assessed yet'} (3 answers)`);
    expect(shown).toContain(`numbers Not assessed yet (1 answer)`);
  });
});
