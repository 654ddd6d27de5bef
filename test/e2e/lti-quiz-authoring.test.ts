import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quizIri } from '../../packages/server/src/iris.js';
import { quizById } from '../../packages/server/src/lti/quizzes.js';
import { tenantIdOf } from '../../packages/server/src/lti/registry.js';
import { createTestPlatform, type TestPlatform, type ToolRegistration } from '../lti-platform/index.js';
import {
  type FlowResponse,
  formOf,
  type LtiKairos,
  launchOverHttp,
  postForm,
  registerByHand,
  startLtiKairos,
} from '../lti-platform/kairos.js';

const unesc = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** What a browser posts from the editor: every text field, text area, selected option and checked radio. */
function editorFields(html: string): Record<string, string> {
  const form = /<form method="post"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error(`no editor form in: ${html.slice(0, 400)}`);
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="(?:text|hidden)"[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"/g))
    fields[m[1]!] = unesc(m[2]!);
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields[m[1]!] = unesc(m[2]!);
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
    fields[m[1]!] =
      /<option value="([^"]+)" selected>/.exec(m[2]!)?.[1] ?? /<option value="([^"]+)"/.exec(m[2]!)![1]!;
  for (const m of form.matchAll(/<input type="radio"[^>]*name="([^"]+)" value="([^"]+)" checked/g))
    fields[m[1]!] = m[2]!;
  return fields;
}

/** A content item as Kairos returns it. */
interface Item {
  type: string;
  title: string;
  url: string;
  custom: { quiz: string };
  lineItem?: { scoreMaximum: number; label: string; resourceId: string; tag: string };
}

/** The JSON definition a learner page hands to `<kairos-quiz>`. */
const definitionOf = (html: string) =>
  JSON.parse(/<script type="application\/json" id="kairos-quiz-definition">(.+?)<\/script>/s.exec(html)![1]!);

describe('a teacher writes a quiz in the deep-linking picker', () => {
  let lms: TestPlatform;
  let kairos: LtiKairos;
  let tool: ToolRegistration;
  let tenantId: string;
  let editorUrl: string;
  beforeAll(async () => {
    lms = await createTestPlatform();
    await lms.start();
    kairos = await startLtiKairos({ lti: { agsEveryMs: 3_600_000 } });
    tool = await registerByHand(lms, kairos);
    tenantId = tenantIdOf(lms.issuer, tool.clientId);
    editorUrl = `${kairos.url}/lti/deep-link/quiz`;
    await kairos.stores.analytics.inputs.importFramework(
      tenantId,
      { framework: 'https://school.example/geo', title: 'Geography', source: 'api' },
      [{ competency: 'https://school.example/geo/capitals', code: 'G1', title: 'Capitals of Europe' }],
    );
  });
  afterAll(async () => {
    await kairos?.close();
    await lms?.close();
  });

  /** Opens the picker and presses "Write a quiz". */
  const openEditor = async () => {
    const picker = await launchOverHttp(
      lms.loginUrl({ user: lms.users.instructor, course: lms.course, messageType: 'LtiDeepLinkingRequest' }),
    );
    expect(picker.status).toBe(200);
    expect(picker.html).toMatch(/formaction="[^"]+\/lti\/deep-link\/quiz" name="action" value="write"/);
    const session = /name="session" value="([^"]+)"/.exec(picker.html)![1]!;
    return postForm(editorUrl, { session, action: 'write' });
  };
  /** Presses a button of the editor with these fields changed. */
  const press = (page: FlowResponse, action: string, changes: Record<string, string> = {}) =>
    postForm(editorUrl, { ...editorFields(page.html), ...changes, action });
  /** Follows the auto-posting form back to the platform; returns the deep linking result it got. */
  const backToLms = async (page: FlowResponse) => {
    const form = formOf(page.html);
    expect(form.action).toBe(`${lms.issuer}/deep_link_return`);
    expect((await postForm(form.action, form.fields)).status).toBe(200);
    return lms.deepLinks.at(-1)!;
  };

  it('adds questions without losing what was typed, lists errors, then places a graded quiz a learner can take', async () => {
    let page = await openEditor();
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toContain('Question 1');
    expect(page.html).not.toContain('Question 2');
    expect(page.html).toContain(
      '<datalist id="kairos-competencies"><option value="https://school.example/geo/capitals">G1 — Capitals of Europe</option>',
    );

    page = await press(page, 'add', {
      title: 'Capitals <quiz>',
      passMark: '60',
      q1_type: 'choice',
      q1_prompt: 'Capital of France?',
      q1_choices: '*Paris\r\nLyon\r\nMarseille',
      q1_points: '2',
      q1_feedbackIncorrect: 'Look at the map again.',
      q1_competency: 'https://school.example/geo/capitals',
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain('Question 2');
    let fields = editorFields(page.html);
    expect(fields).toMatchObject({
      title: 'Capitals <quiz>',
      passMark: '60',
      q1_prompt: 'Capital of France?',
      q1_choices: '*Paris\nLyon\nMarseille',
      q1_points: '2',
      q1_feedbackIncorrect: 'Look at the map again.',
      q1_competencies: 'https://school.example/geo/capitals',
      q2_type: 'choice',
      q2_prompt: '',
    });
    expect(page.html).toContain('value="Capitals &lt;quiz&gt;"');

    // an invalid quiz: every problem listed first, linked to its field; nothing lost
    page = await press(page, 'save', {
      q2_type: 'numeric',
      q2_prompt: 'π to two decimals?',
      q2_value: 'three',
    });
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<div class="error" role="alert" id="errors">/);
    expect(page.html).toContain('<a href="#q2_value">Question 2, right value: a number (3.5 or 3,5)</a>');
    expect(page.html).toMatch(
      /id="q2_value" name="q2_value" aria-describedby="q2_value-error" aria-invalid="true" value="three"/,
    );
    fields = editorFields(page.html);
    expect(fields).toMatchObject({
      title: 'Capitals <quiz>',
      q1_choices: '*Paris\nLyon\nMarseille',
      q2_value: 'three',
    });
    expect(lms.deepLinks).toHaveLength(0);

    // a third question, a removed fourth, then a valid save
    page = await press(page, 'add', { q2_value: '3,14', q2_tolerance: '0.005' });
    page = await press(page, 'add', {
      q3_type: 'matching',
      q3_prompt: 'Match each country to its capital',
      q3_choices: 'France = Paris\nItaly = Rome\n= Lyon',
      q3_points: '3',
    });
    expect(page.html).toContain('Question 4');
    page = await press(page, 'remove-4');
    expect(page.html).not.toContain('Question 4');
    const saved = await press(page, 'save');
    const result = await backToLms(saved);
    expect(result.msg).toBe('Added Capitals <quiz>.');
    const [item] = result.contentItems as unknown as Item[];
    const id = item!.custom.quiz;
    expect(item).toEqual({
      type: 'ltiResourceLink',
      title: 'Capitals <quiz>',
      url: `${kairos.url}/lti/launch`,
      custom: { quiz: id },
      lineItem: { scoreMaximum: 6, label: 'Capitals <quiz>', resourceId: id, tag: 'kairos' },
    });

    // stored with its author and IRI; the first question aligned to its competency
    const iri = quizIri(kairos.url, tenantId, id);
    const stored = await quizById(kairos.lti.keyed, tenantId, id);
    expect(stored).toMatchObject({ author: lms.users.instructor.id, definition: { id: iri, passMark: 0.6 } });
    expect(await kairos.stores.analytics.inputs.alignments(tenantId, [`${iri}/q1`])).toEqual([
      {
        activity: `${iri}/q1`,
        competency: 'https://school.example/geo/capitals',
        weight: 1,
        source: 'deep-link',
      },
    ]);

    // the placed link: a learner gets <kairos-quiz> with the authored questions
    const line = lms.lineItems.at(-1)!;
    expect(line).toMatchObject({ scoreMaximum: 6, resourceId: id });
    const learner = await launchOverHttp(
      lms.loginUrl({
        user: lms.users.learner,
        course: lms.course,
        resourceLink: { id: line.resourceLinkId!, title: 'Capitals <quiz>' },
        custom: { quiz: id },
      }),
    );
    expect(learner.status).toBe(200);
    expect(learner.html).toContain('<kairos-quiz');
    const definition = definitionOf(learner.html);
    expect(definition.id).toBe(iri);
    expect(definition.questions).toEqual([
      {
        type: 'choice',
        prompt: 'Capital of France?',
        choices: [
          { id: 'a', label: 'Paris' },
          { id: 'b', label: 'Lyon' },
          { id: 'c', label: 'Marseille' },
        ],
        correct: 'a',
        points: 2,
        feedback: { incorrect: 'Look at the map again.' },
        competencies: ['https://school.example/geo/capitals'],
      },
      { type: 'numeric', prompt: 'π to two decimals?', correct: 3.14, tolerance: 0.005, points: 1 },
      expect.objectContaining({
        type: 'matching',
        prompt: 'Match each country to its capital',
        correct: { a: '1', b: '2' },
        points: 3,
      }),
    ]);
    expect(learner.html).not.toContain('Capitals <quiz>');
  });

  const JSON_QUIZ = {
    id: 'https://elsewhere.example/quiz/ignored',
    title: 'Imported',
    attempts: 0,
    questions: [
      {
        type: 'choice',
        prompt: 'Capital of Spain?',
        choices: [
          { id: 'madrid', label: 'Madrid', feedback: 'Yes.' },
          { id: 'bcn', label: 'Barcelona' },
        ],
        correct: 'madrid',
        points: 4,
      },
      {
        type: 'ordering',
        prompt: 'Smallest first',
        choices: [
          { id: 'b', label: '2' },
          { id: 'a', label: '1' },
        ],
        correct: ['a', 'b'],
      },
      { type: 'long-text', prompt: 'Why?' },
    ],
  };

  it('imports JSON into the editor, or saves it as is', async () => {
    // into the editor: the questions become fields; what it cannot show is named
    let page = await openEditor();
    page = await press(page, 'import', { json: '{"title": ' });
    expect(page.html).toContain('<a href="#json">Quiz JSON: not valid JSON');
    expect(editorFields(page.html).json).toBe('{"title": ');
    page = await press(page, 'import', {
      json: JSON.stringify({ title: 'x', questions: [{ type: 'essay' }] }),
    });
    expect(page.html).toContain('Quiz JSON: questions[0].type: one of choice');
    page = await press(page, 'import', { json: JSON.stringify(JSON_QUIZ) });
    expect(page.html).toContain('The editor cannot show question 1: feedback of each choice');
    expect(editorFields(page.html)).toMatchObject({
      title: 'Imported',
      attempts: '0',
      q1_choices: '*Madrid\nBarcelona',
      q1_points: '4',
      q2_type: 'ordering',
      q2_choices: '1\n2',
      q3_type: 'long-text',
      json: '',
    });
    const fromEditor = (await backToLms(await press(page, 'save'))).contentItems[0] as unknown as Item;
    expect(fromEditor.lineItem!.scoreMaximum).toBe(5);

    // as is: every field kept (the per-choice feedback), but the quiz id, which Kairos gives
    page = await openEditor();
    const asIs = (await backToLms(await press(page, 'save-json', { json: JSON.stringify(JSON_QUIZ) })))
      .contentItems[0] as unknown as Item;
    expect(asIs).toMatchObject({
      title: 'Imported',
      custom: { quiz: expect.any(String) },
      lineItem: { scoreMaximum: 5 },
    });
    const stored = await quizById(kairos.lti.keyed, tenantId, asIs.custom.quiz);
    expect(stored!.definition).toEqual({ ...JSON_QUIZ, id: quizIri(kairos.url, tenantId, asIs.custom.quiz) });
  });

  it('an ungraded quiz has no line item; Cancel adds nothing', async () => {
    let page = await openEditor();
    page = await press(page, 'save', {
      title: 'Thoughts',
      q1_type: 'long-text',
      q1_prompt: 'What did you learn?',
    });
    const item = (await backToLms(page)).contentItems[0] as Record<string, unknown>;
    expect(item.custom).toEqual({ quiz: expect.any(String) });
    expect(item.lineItem).toBeUndefined();
    const cancelled = await backToLms(await press(await openEditor(), 'cancel', { title: 'Half written' }));
    expect(cancelled).toMatchObject({ msg: 'Nothing was added.', contentItems: [] });
  });

  it('only a live, genuine picker session opens or saves the editor', async () => {
    const forged = await postForm(editorUrl, { session: 'x.y.z', action: 'write' });
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('deep_link_expired');
    const page = await openEditor();
    const fields = editorFields(page.html);
    const key = new TextEncoder().encode(`kairos-deep-link:${kairos.lti.secret}`);
    const claims = JSON.parse(Buffer.from(fields.session!.split('.')[1]!, 'base64url').toString());
    const expired = await new SignJWT({ ...claims, iat: undefined, exp: undefined })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(key);
    const late = await postForm(editorUrl, { ...fields, session: expired, action: 'save' });
    expect(late.status).toBe(400);
    expect(late.html).toContain('deep_link_expired');
    const otherKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('kairos-deep-link:another-secret'));
    expect((await postForm(editorUrl, { ...fields, session: otherKey, action: 'save' })).status).toBe(400);
    // the editor never reaches ltijs (no ltik needed) and is not a GET
    expect((await fetch(editorUrl)).status).toBe(404);
  });
});
