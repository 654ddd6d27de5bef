import { readFileSync } from 'node:fs';
import type { Locator, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as E from '../../packages/elements/src/shared/api-types.js';
import { skipBrowserTests } from '../support/browser.js';
import { type ElementsPage, elementsPage } from '../support/elements.js';

// The teacher widgets of @kairos/elements (the `dashboard` bundle, built from source) in real Chromium,
// on the fixtures of a simulated class of 30 learners × 20 competencies (packages/elements/test/fixtures,
// validated against the server's schemas by elements-fixtures.test.ts).

const read = <T>(name: string): T =>
  JSON.parse(
    readFileSync(
      new URL(`../../packages/elements/test/fixtures/class-30/${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as T;
const F = {
  overview: read<E.Overview>('overview'),
  stuck: read<E.StuckPoints>('stuck-points'),
  competencies: read<E.Competencies>('competencies'),
  learners: read<E.Learners>('learners'),
  spinner: read<E.LearnerDetail>('learner-spinner'),
  item: read<E.ItemAnalysis>('item-stuck'),
};
/** The heat map of the 300-learner class (its rows drawn near the view). */
const competencies300 = JSON.parse(
  readFileSync(
    new URL('../../packages/elements/test/fixtures/class-300/competencies.json', import.meta.url),
    'utf8',
  ),
) as E.Competencies;
const API = '/api/v1/courses/demo';
const top = F.stuck.activities[0]!;
const routes = {
  [`${API}/overview`]: F.overview,
  [`${API}/stuck-points`]: F.stuck,
  [`${API}/competencies`]: F.competencies,
  [`${API}/learners`]: F.learners,
  [`${API}/learners/${encodeURIComponent(F.spinner.learner.learner)}`]: F.spinner,
  [`${API}/activities/${encodeURIComponent(top.activity)}`]: F.item,
};

/** What a reader sees of an element: its rendered text (visually hidden text left out). */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what these tests check
const seen = (l: Locator) => l.innerText();

/** Text of the elements matching a selector (Playwright's CSS pierces shadow roots). */
const texts = (page: Page, selector: string) => page.locator(selector).allInnerTexts();

/** Records the typed events that reach the document. */
const recordEvents = (page: Page, types: string[]) =>
  page.evaluate((types) => {
    const w = window as unknown as { events: unknown[] };
    w.events = [];
    for (const type of types)
      document.addEventListener(type, (e) => {
        const { learner, activity, competency, level, name } = e as unknown as Record<string, unknown>;
        w.events.push({ type, learner, activity, competency, level, name, composed: e.composed });
      });
  }, types);
const events = (page: Page) =>
  page.evaluate(() => (window as unknown as { events: Record<string, unknown>[] }).events);

/** Waits until a widget (on the page or inside another's shadow root) has its data rendered. */
const loaded = (page: Page, tag: string) =>
  page.waitForFunction(
    (tag) => {
      const find = (root: ParentNode): Element | null =>
        root.querySelector(tag) ??
        [...root.querySelectorAll('*')]
          .map((e) => (e.shadowRoot ? find(e.shadowRoot) : null))
          .find(Boolean) ??
        null;
      const el = find(document) as (HTMLElement & { data?: unknown }) | null;
      return !!el?.data && !!el.shadowRoot?.querySelector('section');
    },
    tag,
    { timeout: 10_000 },
  );

describe.skipIf(skipBrowserTests)('teacher widgets in Chromium', () => {
  let ep: ElementsPage;
  let page: Page;
  beforeAll(async () => {
    ep = await elementsPage(routes);
    page = ep.page;
  });
  afterAll(async () => ep?.close());
  afterEach(async () => {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  const open = (body: string, o: { lang?: string; width?: number } = {}) =>
    ep.open(`<main>${body}</main>`, { bundles: ['dashboard'], width: 1280, ...o });

  describe('<kairos-stuck-points>', () => {
    const rows = () => texts(page, 'kairos-stuck-points tbody > tr:not(.details) > th');

    it('ranks the activities as the API does, the flagged one first with its learners', async () => {
      await open('<kairos-stuck-points course="demo"></kairos-stuck-points>');
      await loaded(page, 'kairos-stuck-points');
      const titles = await rows();
      expect(titles).toHaveLength(F.stuck.activities.length);
      expect(titles[0]).toContain(top.title!);
      expect(titles[0]).toContain('Flagged');
      const first = page.locator('kairos-stuck-points tbody > tr').first();
      expect(await seen(first.locator('td').nth(1))).toBe(String(top.n));
      const named = top.learners.slice(0, 3).map((l) => l.name!);
      for (const name of named) expect(await seen(first)).toContain(name);
      expect(await seen(first)).toContain(`+${top.learners.length - 3}`);
    });

    it('sorts by a column from its header button (aria-sort), and back', async () => {
      await open('<kairos-stuck-points course="demo"></kairos-stuck-points>');
      await loaded(page, 'kairos-stuck-points');
      const header = (name: string) => page.locator('kairos-stuck-points thead th', { hasText: name });
      expect(await header('#').getAttribute('aria-sort')).toBe('ascending');
      await header('Reached').locator('button').click();
      expect(await header('Reached').getAttribute('aria-sort')).toBe('descending');
      expect(await header('#').getAttribute('aria-sort')).toBeNull();
      const ns = async () =>
        (await texts(page, 'kairos-stuck-points tbody > tr > td:nth-child(3)')).map(Number);
      const desc = [...F.stuck.activities.map((a) => a.n)].sort((a, b) => b - a);
      expect(await ns()).toEqual(desc);
      await header('Reached').locator('button').click();
      expect(await header('Reached').getAttribute('aria-sort')).toBe('ascending');
      expect(await ns()).toEqual([...desc].reverse());
      // by title, with the keyboard
      await header('Activity').locator('button').focus();
      await page.keyboard.press('Enter');
      expect(await header('Activity').getAttribute('aria-sort')).toBe('ascending');
      const titles = (await rows()).map((t) => t.split('\n')[0]!);
      expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b)));
    });

    it('filters by text and to the flagged activities', async () => {
      await open('<kairos-stuck-points course="demo"></kairos-stuck-points>');
      await loaded(page, 'kairos-stuck-points');
      const total = F.stuck.activities.length;
      await page.locator('kairos-stuck-points input[type=search]').fill('2.3');
      expect(await rows()).toHaveLength(1);
      expect(await seen(page.locator('kairos-stuck-points [role=status]'))).toBe(`1 of ${total} activities`);
      // a learner's name finds the activities where the learner is concerned
      const who = top.learners[0]!.name!;
      await page.locator('kairos-stuck-points input[type=search]').fill(who);
      const withWho = F.stuck.activities.filter((a) => a.learners.some((l) => l.name === who)).length;
      expect(await rows()).toHaveLength(withWho);
      await page.locator('kairos-stuck-points input[type=search]').fill('');
      await page.locator('kairos-stuck-points input[type=checkbox]').check();
      const flagged = F.stuck.activities.filter((a) => a.flagged).length;
      expect(flagged).toBeGreaterThan(0);
      expect(flagged).toBeLessThan(total);
      expect(await rows()).toHaveLength(flagged);
    });

    it('explains a score on hover and on keyboard focus, and discloses its inputs with intervals', async () => {
      await open('<kairos-stuck-points course="demo"></kairos-stuck-points>');
      await loaded(page, 'kairos-stuck-points');
      const tip = page.locator('kairos-stuck-points [part=tooltip]');
      expect(await tip.isVisible()).toBe(false);
      const score = page.locator('kairos-stuck-points tbody button.score').first();
      await score.hover();
      await tip.waitFor({ state: 'visible' });
      expect(await seen(tip)).toBe(top.explanation);
      await page.mouse.move(0, 0);
      await tip.waitFor({ state: 'hidden' });
      // keyboard: focus shows it, Escape dismisses it
      await page.locator('kairos-stuck-points input[type=checkbox]').focus();
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        if (await score.evaluate((b) => b.matches(':focus'))) break;
      }
      await tip.waitFor({ state: 'visible' });
      expect(await seen(tip)).toContain('learners reached this activity');
      // the same words are the button's accessible description
      expect(await score.evaluate((b) => b.getAttribute('aria-describedby'))).toBeTruthy();
      await page.keyboard.press('Escape');
      await tip.waitFor({ state: 'hidden' });
      expect(await score.getAttribute('aria-expanded')).toBe('false');
      await page.keyboard.press('Enter');
      expect(await score.getAttribute('aria-expanded')).toBe('true');
      const details = page.locator('kairos-stuck-points tr.details');
      const text = await seen(details);
      expect(text).toContain('95 % range');
      const r = `${Math.round(top.r.low * 100)}%–${Math.round(top.r.high * 100)}%`;
      expect(text.replace(/\s/g, '')).toContain(r);
      for (const l of top.learners) expect(text).toContain(l.name!);
      expect(text).toContain('repeated failures');
    });

    it('explains in French from the inputs, and tells which learner or activity was chosen', async () => {
      await open('<kairos-stuck-points course="demo"></kairos-stuck-points>', { lang: 'fr' });
      await loaded(page, 'kairos-stuck-points');
      await recordEvents(page, ['kairos-select-learner', 'kairos-select-activity']);
      expect(await seen(page.locator('kairos-stuck-points h2'))).toBe('Points de blocage');
      await page.locator('kairos-stuck-points tbody button.score').first().click();
      const text = await seen(page.locator('kairos-stuck-points tr.details p').first());
      expect(text).toContain(`${top.n} élèves ont atteint cette activité.`);
      expect(text).toContain(
        `${Math.round(top.p1!.value * top.assessed)} sur ${top.assessed} ont réussi du premier coup`,
      );
      expect(text).toContain('Signalée :');
      expect(text).not.toContain('learners');
      await page.locator('kairos-stuck-points tbody button.learner').first().click();
      await page.locator('kairos-stuck-points tbody th button').first().click();
      expect(await events(page)).toEqual([
        expect.objectContaining({
          type: 'kairos-select-learner',
          learner: top.learners[0]!.learner,
          name: top.learners[0]!.name,
          composed: true,
        }),
        expect.objectContaining({ type: 'kairos-select-activity', activity: top.activity, composed: true }),
      ]);
    });
  });

  describe('<kairos-competency-heatmap>', () => {
    const activeCell = () =>
      page.evaluate(() => {
        const a = document.querySelector('kairos-competency-heatmap')!.shadowRoot!
          .activeElement as HTMLElement;
        return a?.dataset.r === undefined ? null : [Number(a.dataset.r), Number(a.dataset.c)];
      });
    const openHeatmap = async (extra = '') => {
      await open(`<kairos-competency-heatmap course="demo" ${extra}></kairos-competency-heatmap>`);
      await loaded(page, 'kairos-competency-heatmap');
    };

    it('draws every learner × competency with a label, a pattern and a colour token', async () => {
      await openHeatmap();
      const grid = page.locator('kairos-competency-heatmap [role=grid]');
      expect(await grid.locator('tbody tr').count()).toBe(30);
      expect(await grid.locator('tbody td').count()).toBe(30 * 20);
      expect(await grid.locator('thead th').count()).toBe(21);
      // one tab stop
      expect(await grid.locator('td[tabindex="0"]').count()).toBe(1);
      const cell = F.competencies.cells.find((c) => c.level === 'en_cours' && !c.manual)!;
      const r = F.competencies.learners.findIndex((l) => l.learner === cell.learner);
      const c = F.competencies.competencies.findIndex((x) => x.id === cell.competency);
      const td = grid.locator(`td[data-r="${r}"][data-c="${c}"]`);
      expect(await seen(td)).toBe('IP');
      expect(await td.getAttribute('aria-label')).toBe(
        `IP: In progress, P ${Math.round(cell.p * 100)}%, ${cell.evidence} evidences`,
      );
      const look = await td.locator('.swatch').evaluate((s) => {
        const st = getComputedStyle(s);
        return { image: st.backgroundImage, color: st.backgroundColor };
      });
      expect(look.image).toContain('radial-gradient');
      expect(look.color).toBe('rgb(240, 228, 66)');
      const manual = F.competencies.cells.find((x) => x.manual && x.level)!;
      const mr = F.competencies.learners.findIndex((l) => l.learner === manual.learner);
      const mc = F.competencies.competencies.findIndex((x) => x.id === manual.competency);
      expect(await seen(grid.locator(`td[data-r="${mr}"][data-c="${mc}"] .manual`))).toBe('✎IP');
      const legend = await seen(page.locator('kairos-competency-heatmap [part=legend]'));
      for (const l of ['Not assessed', 'Not acquired', 'In progress', 'Acquired', 'Expert'])
        expect(legend).toContain(l);
    });

    it('moves focus with arrow keys, Home/End and Ctrl+Home/End, with the cell’s figures in a tooltip', async () => {
      await openHeatmap();
      await page.locator('kairos-competency-heatmap td[tabindex="0"]').focus();
      expect(await activeCell()).toEqual([0, 0]);
      await page.keyboard.press('ArrowRight');
      expect(await activeCell()).toEqual([0, 1]);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      expect(await activeCell()).toEqual([2, 1]);
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      expect(await activeCell()).toEqual([2, 0]);
      await page.keyboard.press('End');
      expect(await activeCell()).toEqual([2, 19]);
      await page.keyboard.press('Home');
      expect(await activeCell()).toEqual([2, 0]);
      await page.keyboard.press('Control+End');
      expect(await activeCell()).toEqual([29, 19]);
      await page.keyboard.press('ArrowDown');
      expect(await activeCell()).toEqual([29, 19]);
      await page.keyboard.press('Control+Home');
      expect(await activeCell()).toEqual([0, 0]);
      expect(await page.locator('kairos-competency-heatmap td[tabindex="0"]').count()).toBe(1);
      // the focused cell's figures
      const learner = F.competencies.learners[0]!;
      const cell = F.competencies.cells.find(
        (c) => c.learner === learner.learner && c.competency === F.competencies.competencies[0]!.id,
      );
      const tip = page.locator('kairos-competency-heatmap [part=tooltip]');
      await tip.waitFor({ state: 'visible' });
      const text = await seen(tip);
      expect(text).toContain(learner.name!);
      if (cell?.manual) expect(text).toContain('Teacher’s level: Acquired');
      // Tab leaves the grid in one step
      await page.keyboard.press('Tab');
      expect(await activeCell()).toBeNull();
      await tip.waitFor({ state: 'hidden' });
    });

    it('opens a cell’s menu with Enter and sets a level by hand through the API', async () => {
      await openHeatmap();
      await recordEvents(page, ['kairos-level-set']);
      let posted: unknown;
      await page.route('**/api/v1/courses/demo/assessments', async (route: Route) => {
        posted = route.request().postDataJSON();
        expect(route.request().method()).toBe('POST');
        await route.fulfill({
          status: 201,
          contentType: 'application/json',
          body: JSON.stringify({
            ...(posted as object),
            assessor: 'teacher-1',
            assessedAt: '2026-03-05T10:00:00.000Z',
          }),
        });
      });
      await page.locator('kairos-competency-heatmap td[tabindex="0"]').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      const menu = page.locator('kairos-competency-heatmap [part=menu]');
      await menu.waitFor({ state: 'visible' });
      expect(await menu.getAttribute('role')).toBe('dialog');
      const learner = F.competencies.learners[1]!;
      const competency = F.competencies.competencies[1]!;
      expect(await seen(menu)).toContain(learner.name!);
      // focus is in the menu; arrow keys go through its buttons
      const focused = () =>
        page.evaluate(() =>
          document.querySelector('kairos-competency-heatmap')!.shadowRoot!.activeElement?.textContent?.trim(),
        );
      expect(await focused()).toBe('In progress'); // the teacher's current level (the fixture's)
      await page.keyboard.press('ArrowDown');
      expect(await focused()).toBe('Acquired');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => posted)
        .toEqual({ learner: learner.learner, competency: competency.id, level: 'acquis' });
      const status = page.locator('kairos-competency-heatmap [role=status]');
      await expect.poll(() => seen(status)).toContain('Saved: Acquired for');
      expect(await menu.isVisible()).toBe(false);
      expect(await activeCell()).toEqual([1, 1]); // focus back on the cell
      expect(await seen(page.locator('kairos-competency-heatmap td[data-r="1"][data-c="1"] .manual'))).toBe(
        '✎AC',
      );
      expect(await events(page)).toEqual([
        expect.objectContaining({
          type: 'kairos-level-set',
          learner: learner.learner,
          competency: competency.id,
          level: 'acquis',
        }),
      ]);
      // Escape closes the menu without a request
      posted = undefined;
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden' });
      // focus returns to the cell after the menu's update (asynchronous on a busy machine)
      await expect.poll(activeCell).toEqual([1, 1]);
      expect(posted).toBeUndefined();
    });

    it('draws the rows near the view of 300 learners, and every key still reaches every row', async () => {
      const C = competencies300;
      await page.route('**/api/v1/courses/demo/competencies', (route: Route) =>
        route.fulfill({ contentType: 'application/json', body: JSON.stringify(C) }),
      );
      await openHeatmap();
      const grid = page.locator('kairos-competency-heatmap [role=grid]');
      const box = page.locator('kairos-competency-heatmap .box');
      expect(await grid.getAttribute('aria-rowcount')).toBe(String(C.learners.length + 1));
      const drawn = () =>
        grid
          .locator('tbody tr[aria-rowindex]')
          .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('aria-rowindex')) - 2));
      const rows = await drawn();
      expect(rows[0]).toBe(0);
      expect(rows.length).toBeGreaterThanOrEqual(30);
      expect(rows.length).toBeLessThan(60);
      expect(await grid.locator('tbody tr.gap[aria-hidden="true"]').count()).toBe(1);
      /** What the box shows at its middle: a drawn cell, never a blank spacer. */
      const middle = () =>
        box.evaluate((b) => {
          const r = b.getBoundingClientRect();
          const at = (b.getRootNode() as ShadowRoot).elementFromPoint(
            r.left + r.width / 2,
            r.top + r.height / 2,
          );
          const td = at?.closest('td[data-r]') as HTMLElement | null;
          return td ? Number(td.dataset.r) : null;
        });
      /** Whether the focused cell is inside the box's view. */
      const inView = () =>
        box.evaluate((b) => {
          const a = (b.getRootNode() as ShadowRoot).activeElement!.getBoundingClientRect();
          const r = b.getBoundingClientRect();
          return a.top >= r.top && a.bottom <= r.bottom + 1;
        });
      const widths = () =>
        grid.locator('thead th').evaluateAll((ths) => ths.map((t) => t.getBoundingClientRect().width));
      const before = await widths();

      await page.locator('kairos-competency-heatmap td[tabindex="0"]').focus();
      for (let i = 0; i < 12; i++) await page.keyboard.press('PageDown');
      expect(await activeCell()).toEqual([120, 0]);
      await page.keyboard.press('ArrowDown');
      expect(await activeCell()).toEqual([121, 0]);
      expect(await inView()).toBe(true);
      await page.keyboard.press('Control+End');
      expect(await activeCell()).toEqual([299, 19]);
      expect(await inView()).toBe(true);
      const tip = page.locator('kairos-competency-heatmap [part=tooltip]');
      await expect.poll(() => seen(tip)).toContain(C.learners[299]!.name!);
      // the columns keep their width whichever rows are drawn
      expect(await widths()).toEqual(before);
      await page.keyboard.press('PageUp');
      expect(await activeCell()).toEqual([289, 19]);
      await page.keyboard.press('Home');
      expect(await activeCell()).toEqual([289, 0]);
      await page.keyboard.press('Control+Home');
      expect(await activeCell()).toEqual([0, 0]);
      expect(await inView()).toBe(true);
      expect(await page.locator('kairos-competency-heatmap td[tabindex="0"]').count()).toBe(1);

      // scrolled by hand, the box shows drawn rows wherever it is; the focused row stays drawn
      for (const f of [0.25, 0.5, 1, 0.75]) {
        await box.evaluate((b, f) => b.scrollTo(0, (b.scrollHeight - b.clientHeight) * f), f);
        await expect.poll(middle).not.toBeNull();
      }
      expect((await drawn())[0]).toBe(0);
      expect(await activeCell()).toEqual([0, 0]);
      await page.keyboard.press('ArrowDown');
      expect(await activeCell()).toEqual([1, 0]);
      expect(await inView()).toBe(true);

      // the last row's menu
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      const menu = page.locator('kairos-competency-heatmap [part=menu]');
      await menu.waitFor({ state: 'visible' });
      expect(await seen(menu)).toContain(C.learners[299]!.name!);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden' });
      await expect.poll(activeCell).toEqual([299, 19]);
      expect(await ep.axe('kairos-competency-heatmap')).toEqual([]);
    });

    it('draws the first rows again for another population, and keeps the rows in view on a refresh', async () => {
      await page.route(
        (url) => url.pathname.endsWith('/courses/demo/competencies'),
        (route: Route) =>
          route.fulfill({ contentType: 'application/json', body: JSON.stringify(competencies300) }),
      );
      await openHeatmap();
      const heatmap = page.locator('kairos-competency-heatmap');
      const box = page.locator('kairos-competency-heatmap .box');
      /** The drawn rows, 0 for the first learner (the focused row 0 stays drawn wherever the view is). */
      const drawn = () =>
        page
          .locator('kairos-competency-heatmap tbody tr[aria-rowindex]')
          .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('aria-rowindex')) - 2));
      await box.evaluate((b) => b.scrollTo(0, b.scrollHeight));
      await expect.poll(async () => (await drawn()).slice(-2)).toEqual([298, 299]);
      expect((await drawn()).slice(0, 2)).toEqual([0, 260]);
      await heatmap.evaluate((h) => (h as unknown as { refresh(): Promise<void> }).refresh());
      expect((await drawn()).slice(0, 2)).toEqual([0, 260]);
      await heatmap.evaluate((h) => h.setAttribute('group', '6e-a'));
      await expect.poll(() => box.evaluate((b) => b.scrollTop)).toBe(0);
      await expect.poll(async () => (await drawn()).slice(0, 3)).toEqual([0, 1, 2]);
      expect(await drawn()).toHaveLength(40);
    });

    it('is axe-clean in French at 320 px with 300 learners, scrolled to the middle', async () => {
      await page.route('**/api/v1/courses/demo/competencies', (route: Route) =>
        route.fulfill({ contentType: 'application/json', body: JSON.stringify(competencies300) }),
      );
      await open('<kairos-competency-heatmap course="demo"></kairos-competency-heatmap>', {
        lang: 'fr',
        width: 320,
      });
      await loaded(page, 'kairos-competency-heatmap');
      const box = page.locator('kairos-competency-heatmap .box');
      await box.evaluate((b) => b.scrollTo(0, b.scrollHeight / 2));
      await expect.poll(() => page.locator('kairos-competency-heatmap tbody tr.gap').count()).toBe(2);
      await page.locator('kairos-competency-heatmap tbody tr[aria-rowindex="150"] td').first().click();
      await page.locator('kairos-competency-heatmap [part=menu]').waitFor({ state: 'visible' });
      expect(await seen(page.locator('kairos-competency-heatmap [part=menu]'))).toContain(
        competencies300.learners[148]!.name!,
      );
      expect(await ep.axe('kairos-competency-heatmap')).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    });

    it('says why when the token cannot write', async () => {
      await openHeatmap();
      await page.route('**/api/v1/courses/demo/assessments', (route: Route) =>
        route.fulfill({
          status: 403,
          contentType: 'application/json',
          body: JSON.stringify({ code: 'forbidden', message: 'this credential lacks analytics/write' }),
        }),
      );
      await page.locator('kairos-competency-heatmap td[tabindex="0"]').click();
      await page.locator('kairos-competency-heatmap [part=menu] button', { hasText: 'Expert' }).click();
      const alert = page.locator('kairos-competency-heatmap [role=alert]');
      await expect.poll(() => seen(alert)).toContain('needs a token with analytics/write');
      expect(await page.locator('kairos-competency-heatmap td[data-r="0"][data-c="0"] .manual').count()).toBe(
        F.competencies.cells.some(
          (c) =>
            c.learner === F.competencies.learners[0]!.learner &&
            c.competency === F.competencies.competencies[0]!.id &&
            c.manual,
        )
          ? 1
          : 0,
      );
    });
  });

  describe('<kairos-class-progress>, <kairos-learner-timeline>, <kairos-item-analysis>', () => {
    it('class progress: the overview counts, every learner with bars and labelled flags', async () => {
      await open('<kairos-class-progress course="demo"></kairos-class-progress>');
      await loaded(page, 'kairos-class-progress');
      const counts = await seen(page.locator('kairos-class-progress [part=counts]'));
      expect(counts).toContain('Enrolled');
      expect(counts).toContain(String(F.overview.roster));
      expect(await page.locator('kairos-class-progress tbody tr').count()).toBe(30);
      const spinner = F.learners.learners.find((l) => l.flags.wheelSpinning > 0)!;
      const row = page.locator('kairos-class-progress tbody tr', { hasText: spinner.name! });
      expect(await seen(row.locator('[part=badge]', { hasText: 'Wheel-spinning' }))).toContain(
        `Wheel-spinning (${spinner.flags.wheelSpinning})`,
      );
      expect(await row.locator('[part=bar]').getAttribute('aria-label')).toBe(
        `${spinner.completed} done, ${spinner.reached} reached, of ${F.overview.activities}`,
      );
      await page.locator('kairos-class-progress input[type=checkbox]').check();
      expect(await page.locator('kairos-class-progress tbody tr').count()).toBe(
        F.learners.learners.filter((l) => l.raised.length > 0).length,
      );
    });

    it('says what is missing when a widget has no course or learner, instead of loading forever', async () => {
      await open(
        '<kairos-class-progress></kairos-class-progress><kairos-learner-timeline course="demo" lang="fr"></kairos-learner-timeline>',
      );
      await expect
        .poll(() => seen(page.locator('kairos-class-progress [part~=state]')))
        .toBe('Nothing to load: set the course (and the learner or activity, for those widgets).');
      expect(await seen(page.locator('kairos-learner-timeline [part~=state]'))).toContain('Rien à charger');
      expect(await page.locator('kairos-class-progress [role=status]').count()).toBe(0);
    });

    it('learner timeline: flags with what raised them, P lines with their BKT steps on focus, the timeline', async () => {
      const key = F.spinner.learner.learner;
      await open(`<kairos-learner-timeline course="demo" learner="${key}"></kairos-learner-timeline>`);
      await loaded(page, 'kairos-learner-timeline');
      expect(await seen(page.locator('kairos-learner-timeline h2'))).toBe(F.spinner.learner.name);
      const flags = await seen(page.locator('kairos-learner-timeline [part=flags]'));
      expect(flags).toContain('Wheel-spinning');
      expect(flags).toContain('10 or more evidences');
      const first = F.spinner.mastery[0]!;
      const slider = page.locator('kairos-learner-timeline [role=slider]').first();
      expect(await page.locator('kairos-learner-timeline [role=slider]').count()).toBe(
        F.spinner.mastery.length,
      );
      expect(await slider.getAttribute('aria-valuenow')).toBe(String(first.steps.length));
      await slider.focus();
      const step = page.locator('kairos-learner-timeline p.step').first();
      await step.waitFor({ state: 'visible' });
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      expect(await slider.getAttribute('aria-valuenow')).toBe('1');
      const s = first.steps[0]!;
      const text = await seen(step);
      expect(text).toContain(`Step 1 of ${first.steps.length}`);
      expect(text).toContain(`P ${Math.round(s.pBefore * 100)}% → ${Math.round(s.pAfter * 100)}%`);
      expect(await slider.getAttribute('aria-valuetext')).toBe(text);
      expect(await page.locator('kairos-learner-timeline svg circle.on').count()).toBe(1);
      expect(await page.locator('kairos-learner-timeline [part=timeline] li').count()).toBe(
        F.spinner.timeline.length,
      );
      expect(await page.locator('kairos-learner-timeline [part=table] tbody tr').count()).toBe(
        F.spinner.activities.length,
      );
    });

    it('item analysis: score distribution in tenths, facility, discrimination, the common wrong answer', async () => {
      await open(`<kairos-item-analysis course="demo" activity="${top.activity}"></kairos-item-analysis>`);
      await loaded(page, 'kairos-item-analysis');
      expect(await seen(page.locator('kairos-item-analysis h2'))).toBe(F.item.title);
      const figures = await seen(page.locator('kairos-item-analysis [part=figures]'));
      expect(figures).toContain(`${Math.round(F.item.facility! * 100)}%`);
      expect(figures).toContain(String(F.item.discrimination));
      expect(await page.locator('kairos-item-analysis [part=scores] rect').count()).toBe(10);
      const rows = page.locator('kairos-item-analysis [part=answers] tbody tr');
      expect(await rows.count()).toBe(F.item.answers.length);
      const wrong = [...F.item.answers].filter((a) => !a.correct).sort((a, b) => b.count - a.count)[0]!;
      expect(await seen(rows.filter({ hasText: 'common wrong answer' }))).toContain(wrong.label!);
      expect(await seen(rows.filter({ hasText: '✓ correct' }))).toContain(
        F.item.answers.find((a) => a.correct)!.label!,
      );
    });
  });

  describe('<kairos-dashboard>', () => {
    const WIDGETS = ['kairos-stuck-points', 'kairos-class-progress', 'kairos-competency-heatmap'];
    const openDashboard = async (o: { lang?: string; width?: number; attrs?: string } = {}) => {
      await open(
        `<kairos-dashboard course="demo" refresh-delay="100" ${o.attrs ?? ''}></kairos-dashboard>`,
        o,
      );
      for (const tag of ['kairos-dashboard', ...WIDGETS]) await loaded(page, tag);
    };
    /** The API paths the page requests from now on, with their query. */
    const requests = () => {
      const seen: string[] = [];
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (u.pathname.startsWith('/api/'))
          seen.push(decodeURIComponent(u.pathname.slice(API.length) + u.search));
      });
      return seen;
    };

    it('composes the course: header with the overview, stuck points, progress, heat map', async () => {
      await openDashboard();
      expect(await seen(page.locator('kairos-dashboard h1'))).toBe(F.overview.course.title);
      const counts = await seen(page.locator('kairos-dashboard [part=counts]'));
      expect(counts).toContain(`Activities flagged\n${F.overview.flagged.activities}`);
      expect(counts).toContain(`Learners with a flag\n${F.overview.flagged.learners}`);
      expect(counts).toContain(`Enrolled\n${F.overview.roster}`);
      expect(await page.locator('kairos-class-progress [part=counts]').count()).toBe(0);
      expect(await page.locator('kairos-stuck-points tbody > tr').count()).toBe(F.stuck.activities.length);
      expect(await page.locator('kairos-competency-heatmap tbody td').count()).toBe(600);
      // without an event feed (404 here) the dashboard says it is not live
      await expect
        .poll(() => seen(page.locator('kairos-dashboard [part=live]')))
        .toContain('live updates unavailable');
    });

    it('opens a learner’s timeline and an activity’s item analysis when one is chosen', async () => {
      await openDashboard();
      const spinner = F.spinner.learner;
      await page.locator('kairos-class-progress tbody th button', { hasText: spinner.name! }).click();
      await loaded(page, 'kairos-learner-timeline');
      const detail = page.locator('kairos-dashboard [part=detail]');
      expect(await seen(detail.locator('kairos-learner-timeline h2'))).toBe(spinner.name);
      expect(await detail.evaluate((d) => d.matches(':focus'))).toBe(true);
      // an activity of the timeline opens its item analysis in the same panel
      await page.locator('kairos-learner-timeline [part=table] button', { hasText: top.title! }).click();
      await loaded(page, 'kairos-item-analysis');
      expect(await page.locator('kairos-learner-timeline').count()).toBe(0);
      expect(await seen(detail.locator('kairos-item-analysis h2'))).toBe(top.title);
      await detail.locator('button.close').click();
      expect(await page.locator('kairos-dashboard [part=detail]').count()).toBe(0);
    });

    it('filters every widget by group and period (the API’s group, from, to)', async () => {
      await openDashboard({ attrs: `groups='[{"id":"6e-a","name":"6e A"},{"id":"6e-b","name":"6e B"}]'` });
      const seen = requests();
      await page.locator('kairos-dashboard select').selectOption('6e-a');
      await expect.poll(() => seen.filter((p) => p.includes('group=6e-a')).length).toBe(5);
      expect(seen.map((p) => p.split('?')[0]).sort()).toEqual(
        ['/competencies', '/learners', '/overview', '/overview', '/stuck-points'].sort(),
      );
      seen.length = 0;
      await page.locator('kairos-dashboard input[type=date]').first().fill('2026-02-10');
      await expect.poll(() => seen.filter((p) => p.includes('from=2026-02-')).length).toBe(5);
      expect(seen.every((p) => p.includes('group=6e-a'))).toBe(true);
      seen.length = 0;
      await page.locator('kairos-dashboard button', { hasText: 'Clear filters' }).click();
      await expect.poll(() => seen.length).toBe(5);
      expect(seen.some((p) => p.includes('group=') || p.includes('from='))).toBe(false);
    });

    it('exports each list as CSV (a download)', async () => {
      await openDashboard();
      const csv = 'learner,userId,name\r\naccount:x|1,1,Alice A.\r\n';
      let accept: string | undefined;
      await page.route('**/api/v1/courses/demo/learners', (route: Route) => {
        accept = route.request().headers().accept;
        return route.fulfill({ status: 200, contentType: 'text/csv', body: csv });
      });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('kairos-dashboard [part=exports] button', { hasText: 'Learners' }).click(),
      ]);
      expect(accept).toBe('text/csv');
      expect(download.suggestedFilename()).toBe('fractions-cycle-3-learners.csv');
      const path = await download.path();
      expect(readFileSync(path, 'utf8')).toBe(csv);
    });

    it('refetches what a live event changed and announces who just got stuck', async () => {
      const who = F.spinner.learner;
      const stream = [
        'retry: 2000\n\n',
        `id: 41\nevent: stuck\ndata: ${JSON.stringify({ learner: who.learner, activity: top.activity, attempts: 5, at: '2026-03-05T09:30:00.000Z' })}\n\n`,
        `id: 42\nevent: mastery\ndata: ${JSON.stringify({ learner: who.learner, competency: F.competencies.competencies[0]!.id, before: null, after: 'en_cours', at: '2026-03-05T09:30:01.000Z' })}\n\n`,
      ].join('');
      const listens: (string | undefined)[] = [];
      await page.route('**/api/v1/courses/demo/events', (route: Route) => {
        const h = route.request().headers();
        listens.push(h['last-event-id']);
        expect(h.accept).toBe('text/event-stream');
        return route.fulfill({
          status: 200,
          headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
          body: listens.length === 1 ? stream : 'retry: 2000\n\n',
        });
      });
      const asked = requests();
      await openDashboard();
      const live = page.locator('kairos-dashboard [part=live] [role=status]');
      expect(await live.getAttribute('aria-live')).toBe('polite');
      await expect.poll(() => seen(live)).toContain(`${who.name} is stuck on ${top.title} (5 attempts)`);
      // one refetch of each part the events concern, after the first load
      const count = (p: string) => asked.filter((s) => s.split('?')[0] === p).length;
      await expect.poll(() => count('/stuck-points')).toBe(2);
      await expect.poll(() => count('/competencies')).toBe(2);
      expect(count('/learners')).toBe(2);
      // the reconnection (the stream ended) resumes after the last event
      await expect.poll(() => listens, { timeout: 5000 }).toEqual([undefined, '42']);
      // the announcement opens the learner's timeline
      await live.locator('button').click();
      await loaded(page, 'kairos-learner-timeline');
      expect(await page.locator('kairos-learner-timeline').getAttribute('learner')).toBeNull();
      expect(
        await page
          .locator('kairos-learner-timeline')
          .evaluate((e) => (e as unknown as { learner: string }).learner),
      ).toBe(who.learner);
    });

    for (const [lang, width] of [
      ['en', 1280],
      ['fr', 1280],
      ['en', 320],
      ['fr', 320],
    ] as const) {
      it(`is axe-clean in ${lang} at ${width} px, with a learner and an activity open`, async () => {
        await openDashboard({ lang, width });
        expect(await ep.axe()).toEqual([]);
        if (width === 320) {
          // the page never scrolls sideways: tables and the grid scroll in their own boxes
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
          const box = page.locator('kairos-competency-heatmap .box');
          expect(await box.evaluate((b) => b.scrollWidth > b.clientWidth)).toBe(true);
        }
        await page
          .locator('kairos-class-progress tbody th button', { hasText: F.spinner.learner.name! })
          .click();
        await loaded(page, 'kairos-learner-timeline');
        await page.locator('kairos-learner-timeline [role=slider]').first().focus();
        expect(await ep.axe()).toEqual([]);
        await page.locator('kairos-stuck-points tbody th button').first().click();
        await loaded(page, 'kairos-item-analysis');
        await page.locator('kairos-stuck-points tbody button.score').first().click();
        expect(await ep.axe()).toEqual([]);
        // a heat map cell's menu
        await page.locator('kairos-competency-heatmap td[tabindex="0"]').focus();
        await page.keyboard.press('Enter');
        await page.locator('kairos-competency-heatmap [part=menu]').waitFor({ state: 'visible' });
        expect(await ep.axe()).toEqual([]);
        if (width === 320)
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      });
    }
  });
});
