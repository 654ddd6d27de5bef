import type { Statement } from '@kairos/xapi';
import { describe, expect, it } from 'vitest';
import type { StatementRecord } from '../../storage/types.js';
import { type CourseLookup, extract } from './extract.js';

const none: CourseLookup = { courseOfLink: () => undefined, isCourse: () => false };
const rec = (statement: Record<string, unknown>, extra: Partial<StatementRecord> = {}): StatementRecord => ({
  tenantId: 't',
  key: '01900000-0000-7000-8000-000000000001',
  id: '6f1f8a0e-2b7c-4d3e-9f10-1a2b3c4d5e6f',
  stored: '2026-03-02T10:00:00.000Z',
  statement: { id: '6f1f8a0e-2b7c-4d3e-9f10-1a2b3c4d5e6f', ...statement } as unknown as Statement,
  signature: 's',
  terms: [],
  voided: false,
  ...extra,
});
const fact = (statement: Record<string, unknown>, lookup = none) => {
  const e = extract(rec(statement), lookup);
  if (e.kind !== 'fact') throw new Error(`not a fact: ${JSON.stringify(e)}`);
  return e.fact;
};
const mbox = { objectType: 'Agent', name: 'Ada', mbox: 'mailto:ada@school.example' };

// Shapes as these tools send them (fields trimmed to what the projection reads).
describe('statements from other tools', () => {
  it('moodle-logstore_xapi: the course is the grouping typed lms/course (the site comes first)', () => {
    const f = fact({
      actor: { objectType: 'Agent', account: { homePage: 'https://moodle.school.example', name: '42' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: {
        id: 'https://moodle.school.example/mod/quiz/view.php?id=7',
        definition: { type: 'http://adlnet.gov/expapi/activities/assessment' },
      },
      result: {
        score: { raw: 7, min: 0, max: 10, scaled: 0.7 },
        completion: true,
        success: true,
        duration: 'PT9M',
      },
      context: {
        contextActivities: {
          grouping: [
            {
              id: 'https://moodle.school.example',
              definition: { type: 'http://id.tincanapi.com/activitytype/lms' },
            },
            {
              id: 'https://moodle.school.example/course/view.php?id=3',
              definition: {
                type: 'http://id.tincanapi.com/activitytype/lms/course',
                name: { en: 'Maths 6e' },
              },
            },
          ],
          category: [
            { id: 'http://moodle.org', definition: { type: 'http://id.tincanapi.com/activitytype/source' } },
          ],
        },
      },
      timestamp: '2026-03-02T09:00:00+01:00',
    });
    expect(f).toMatchObject({
      course: 'https://moodle.school.example/course/view.php?id=3',
      courseName: 'Maths 6e',
      sequence: 'https://moodle.school.example/course/view.php?id=3',
      learner: 'account:https://moodle.school.example|42',
      assessed: true,
      success: true,
      credit: 0.7,
      completion: true,
      durationMs: 540_000,
      ts: '2026-03-02T08:00:00.000Z',
    });
  });

  it('H5P (through an LTI placement): a scored answer placed in its course by the resource link', () => {
    const link = 'https://kairos.example/lti/t/links/abc';
    const f = fact(
      {
        actor: mbox,
        verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
        object: {
          id: 'https://h5p.example/content/12?subContentId=3',
          definition: {
            type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
            interactionType: 'choice',
            correctResponsesPattern: ['1'],
            choices: [
              { id: '0', description: { 'en-US': 'Paris' } },
              { id: '1', description: { 'en-US': 'Lyon' } },
            ],
          },
        },
        result: {
          score: { min: 0, max: 1, raw: 0, scaled: 0 },
          completion: true,
          success: false,
          duration: 'PT3.08S',
          response: '0',
        },
        context: {
          contextActivities: {
            parent: [{ id: link }],
            category: [{ id: 'http://h5p.org/libraries/H5P.MultiChoice-1.16' }],
          },
        },
      },
      {
        courseOfLink: (iri) => (iri === link ? 'https://kairos.example/lti/t/contexts/7' : undefined),
        isCourse: () => false,
      },
    );
    expect(f).toMatchObject({
      course: 'https://kairos.example/lti/t/contexts/7',
      sequence: link,
      assessed: true,
      success: false,
      credit: 0,
      response: '0',
      interactionType: 'choice',
      durationMs: 3080,
    });
  });

  it('Articulate Storyline: answered and passed under the course in parent and grouping', () => {
    const course = {
      id: 'http://storyline.example/course_1',
      definition: { type: 'http://adlnet.gov/expapi/activities/course' },
    };
    const answered = fact({
      actor: mbox,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: {
        id: 'http://storyline.example/course_1/q1',
        definition: {
          type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
          interactionType: 'fill-in',
        },
      },
      result: { success: true, response: 'Lyon' },
      context: { contextActivities: { parent: [course], grouping: [course] } },
    });
    expect(answered).toMatchObject({
      course: course.id,
      sequence: course.id,
      assessed: true,
      success: true,
      credit: 1,
    });
    const passed = fact({
      actor: mbox,
      verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
      object: course,
      result: { score: { scaled: 0.9 } },
      context: { contextActivities: { grouping: [course] } },
    });
    // the course's own result: its completion and success
    expect(passed).toMatchObject({
      course: course.id,
      activity: course.id,
      success: true,
      completion: true,
      credit: 0.9,
    });
  });

  it('cmi5: the AU under the course publisher id; waived and satisfied count as done, terminated as time', () => {
    const context = {
      registration: '7e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      contextActivities: {
        grouping: [{ id: 'https://publisher.example/courses/fractions' }],
        category: [
          { id: 'https://w3id.org/xapi/cmi5/context/categories/moveon' },
          { id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' },
        ],
      },
      extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 's1' },
    };
    const au = { id: 'https://publisher.example/courses/fractions/au/1' };
    expect(
      fact({
        actor: mbox,
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
        object: au,
        result: { score: { scaled: 0.8 }, success: true, duration: 'PT20M' },
        context,
      }),
    ).toMatchObject({
      course: 'https://publisher.example/courses/fractions',
      assessed: true,
      success: true,
      credit: 0.8,
      completion: true,
      durationMs: 1_200_000,
      registration: '7e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    });
    expect(
      fact({
        actor: mbox,
        verb: { id: 'https://w3id.org/xapi/adl/verbs/waived' },
        object: au,
        result: {
          success: true,
          completion: true,
          extensions: { 'https://w3id.org/xapi/cmi5/result/extensions/reason': 'Tested Out' },
        },
        context,
      }),
    ).toMatchObject({ completion: true, success: true });
    expect(
      fact({
        actor: mbox,
        verb: { id: 'http://adlnet.gov/expapi/verbs/terminated' },
        object: au,
        result: { duration: 'PT25M' },
        context,
      }),
    ).toMatchObject({ assessed: false, completion: false, durationMs: 1_500_000 });
  });

  it('ADL video profile: a completed video is done; played and paused are seen', () => {
    const video = {
      id: 'https://videos.example/v/42',
      definition: { type: 'https://w3id.org/xapi/video/activity-type/video' },
    };
    const context = {
      contextActivities: {
        grouping: [
          {
            id: 'https://school.example/courses/9',
            definition: { type: 'http://adlnet.gov/expapi/activities/course' },
          },
        ],
        category: [{ id: 'https://w3id.org/xapi/video' }],
      },
    };
    expect(
      fact({
        actor: mbox,
        verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
        object: video,
        result: {
          completion: true,
          duration: 'PT4M12S',
          extensions: { 'https://w3id.org/xapi/video/extensions/progress': 1 },
        },
        context,
      }),
    ).toMatchObject({ completion: true, assessed: false, durationMs: 252_000 });
    expect(
      fact({
        actor: mbox,
        verb: { id: 'https://w3id.org/xapi/video/verbs/played' },
        object: video,
        result: { extensions: { 'https://w3id.org/xapi/video/extensions/time': 12.5 } },
        context,
      }),
    ).toMatchObject({ completion: false, assessed: false, course: 'https://school.example/courses/9' });
  });

  it('Adapt: an assessed component under its course grouping, success from the score when it has none', () => {
    const f = fact({
      actor: mbox,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: {
        id: 'https://adapt.example/course/c-05',
        definition: {
          type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
          interactionType: 'choice',
        },
      },
      result: { score: { raw: 2, min: 0, max: 4 }, response: 'a[,]b' },
      context: {
        contextActivities: {
          parent: [{ id: 'https://adapt.example/course/a-05' }],
          grouping: [
            {
              id: 'https://adapt.example/course',
              definition: { type: 'http://adlnet.gov/expapi/activities/course' },
            },
          ],
        },
      },
    });
    // no success sent: credit (2 − 0) / (4 − 0) = 0.5 counts as a success from 0.5
    expect(f).toMatchObject({
      course: 'https://adapt.example/course',
      sequence: 'https://adapt.example/course/a-05',
      credit: 0.5,
      success: true,
      assessed: true,
    });
  });

  it('leaves out what has no course, groups as actors, and non-activity objects; reads voidings', () => {
    const bare = {
      actor: mbox,
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
      object: { id: 'https://x.example/page' },
    };
    expect(extract(rec(bare), none)).toMatchObject({ kind: 'skip', reason: 'no-course' });
    expect(extract(rec({ ...bare, actor: { objectType: 'Group', member: [mbox] } }), none)).toMatchObject({
      kind: 'skip',
      reason: 'not-an-agent',
    });
    expect(
      extract(
        rec({
          ...bare,
          object: { objectType: 'Agent', mbox: 'mailto:b@x.example' },
          context: { contextActivities: { grouping: [{ id: 'https://c' }] } },
        }),
        none,
      ),
    ).toMatchObject({ kind: 'skip', reason: 'not-an-activity' });
    expect(extract(rec(bare, { voidingTarget: 'abc' }), none)).toEqual({
      kind: 'void',
      statementId: rec(bare).id,
      target: 'abc',
    });
  });
});
