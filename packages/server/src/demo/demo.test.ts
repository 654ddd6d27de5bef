import { parseQuizDefinition } from '@kairos/elements/quiz-definition.js';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { demoOptions, demoUrls } from './admin.js';
import {
  DEMO_COURSE_PREFIX,
  DEMO_DEFAULTS,
  demoClass,
  demoCourseIri,
  demoQuiz,
  demoStart,
  isDemoCourseIri,
} from './course.js';

const DAY = 86_400_000;

describe('demo mode', () => {
  it('is on with the embedded store only, and off with KAIROS_DEMO=0', () => {
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ KAIROS_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.example/k' }).demo).toBe(false);
    expect(loadConfig({ MONGODB_URL: 'mongodb://db.example/k', KAIROS_DEMO: '1' }).demo).toBe(false);
    expect(() => loadConfig({ KAIROS_DEMO: 'yes' })).toThrow(/^KAIROS_DEMO must be 1 .* or 0/);
  });
});

describe('the demo course', () => {
  it('names one course per class, and only those are demo courses', () => {
    expect(demoCourseIri(DEMO_DEFAULTS)).toBe(DEMO_COURSE_PREFIX);
    const other = demoCourseIri({ seed: 5, learners: 12, days: 10 });
    expect(other).toBe(`${DEMO_COURSE_PREFIX}-s5-12x10`);
    for (const iri of [DEMO_COURSE_PREFIX, other]) expect(isDemoCourseIri(iri)).toBe(true);
    for (const iri of ['https://school.example/c', `${DEMO_COURSE_PREFIX}/x`, `${other}x`, 'demo'])
      expect(isDemoCourseIri(iri)).toBe(false);
    expect(demoUrls('http://localhost:3000', DEMO_COURSE_PREFIX)).toEqual({
      dashboard: 'http://localhost:3000/demo',
      learner: 'http://localhost:3000/demo/learner',
    });
    expect(demoUrls('http://k', other).dashboard).toBe(`http://k/demo?course=${encodeURIComponent(other)}`);
  });

  it('ends before today, and sends the same statements all day long', () => {
    const o = { seed: 2, learners: 8, days: 7 };
    const morning = new Date('2026-03-10T06:00:00Z');
    const evening = new Date('2026-03-10T22:00:00Z');
    const start = demoStart(o, morning);
    expect(demoStart(o, evening)).toEqual(start);
    const all = [...demoClass(o, start).statements()];
    expect(Date.parse(all.at(-1)!.timestamp!)).toBeLessThan(Date.parse('2026-03-10T00:00:00Z'));
    expect(Date.parse(all.at(-1)!.timestamp!)).toBeGreaterThan(Date.parse('2026-03-09T00:00:00Z') - DAY);
    expect([...demoClass(o, start).statements()]).toEqual(all);
  });

  it('gives two classes of one seed distinct statement ids', () => {
    const start = new Date('2026-03-01T00:00:00Z');
    const ids = (learners: number) =>
      new Set([...demoClass({ seed: 1, learners, days: 7 }, start).statements()].map((s) => s.id));
    const a = ids(6);
    for (const id of ids(7)) expect(a.has(id)).toBe(false);
  });

  it('has a quiz aligned to its own competencies', () => {
    const { course } = demoClass(DEMO_DEFAULTS, new Date(0));
    const quiz = parseQuizDefinition(demoQuiz(course));
    expect(quiz.id.startsWith(course.iri)).toBe(true);
    const ids = new Set(course.competencies.map((c) => c.id));
    const aligned = quiz.questions.flatMap((q) => q.competencies ?? []);
    expect(aligned.length).toBeGreaterThanOrEqual(quiz.questions.length);
    for (const c of aligned) expect(ids.has(c)).toBe(true);
    expect(new Set(aligned).size).toBeGreaterThan(1);
  });

  it('takes a class size within bounds', () => {
    expect(demoOptions({})).toEqual(DEMO_DEFAULTS);
    expect(demoOptions({ learners: '12', days: '10', seed: '5' })).toEqual({
      seed: 5,
      learners: 12,
      days: 10,
    });
    expect(() => demoOptions({ learners: '0' })).toThrow('learners must be a whole number from 1 to 3000');
    expect(() => demoOptions({ days: 'many' })).toThrow(/^days must be/);
  });
});
