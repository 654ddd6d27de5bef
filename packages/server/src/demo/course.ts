/**
 * The demo course: a simulated class (../simulator) in a tenant of its own, and the quiz a visitor answers
 * in it. Everything here is a pure function of the options and the day, so a second run sends the same
 * statements (the LRS keeps them once).
 */
import type { QuizDefinition } from '@kairos/elements/quiz-definition.js';
import { activityById } from '../lti/catalog.js';
import { type SimClass, type SimCourse, simulateClass } from '../simulator/index.js';

/** The tenant every demo course lives in; demo tokens never name another. */
export const DEMO_TENANT = 'demo';
/** The simulated learners' LMS (their actors' `account.homePage`), visitors' too. */
export const DEMO_HOME_PAGE = 'https://lms.example.edu';
/** Every demo course's IRI starts with this. */
export const DEMO_COURSE_PREFIX = 'https://kairos.dev/demo/courses/fractions';

/** What `kairos demo` and the first `npm start` seed. */
export interface DemoOptions {
  seed: number;
  learners: number;
  days: number;
}

/** The class `npm start` seeds on a fresh clone. */
export const DEMO_DEFAULTS: DemoOptions = { seed: 1, learners: 30, days: 21 };

const DAY = 86_400_000;
const HOUR = 3_600_000;

const isDefault = (o: DemoOptions) =>
  o.seed === DEMO_DEFAULTS.seed && o.learners === DEMO_DEFAULTS.learners && o.days === DEMO_DEFAULTS.days;

/** The IRI of the demo course of these options: one course per class, so two classes never mix. */
export function demoCourseIri(o: DemoOptions): string {
  return isDefault(o) ? DEMO_COURSE_PREFIX : `${DEMO_COURSE_PREFIX}-s${o.seed}-${o.learners}x${o.days}`;
}

/** Whether `iri` names a demo course (the demo routes serve nothing else). */
export const isDemoCourseIri = (iri: string) =>
  iri === DEMO_COURSE_PREFIX || /^https:\/\/kairos\.dev\/demo\/courses\/fractions-s\d+-\d+x\d+$/.test(iri);

/** The simulated class of a demo course starting at `start` (see {@link demoStart}). */
export const demoClass = (o: DemoOptions, start: Date): SimClass =>
  simulateClass({
    seed: o.seed,
    learners: o.learners,
    days: o.days,
    start,
    homePage: DEMO_HOME_PAGE,
    iri: demoCourseIri(o),
    title: isDefault(o)
      ? 'Fractions — cycle 3 (demo)'
      : `Fractions — cycle 3 (demo: seed ${o.seed}, ${o.learners} learners, ${o.days} days)`,
  });

/**
 * When the class starts so that its last statement falls an hour before the start of `today` (UTC): slow
 * learners run past `days`, and a statement in the future would make "last seen" and the 7-day rules
 * nonsense. The same all day long, so a seeding interrupted and resumed the same day sends the same statements.
 */
export function demoStart(o: DemoOptions, today = new Date()): Date {
  const probe = new Date(0);
  let last = 0;
  for (const s of demoClass(o, probe).statements()) last = Date.parse(s.timestamp!);
  const midnight = Math.floor(today.getTime() / DAY) * DAY;
  return new Date(midnight - Math.ceil(last / HOUR) * HOUR - HOUR);
}

/**
 * The quiz a visitor answers on the demo learner page: the built-in fractions quiz, its questions aligned
 * to the demo course's competencies (in order of first use), so answering it moves the heat map.
 */
export function demoQuiz(course: Pick<SimCourse, 'iri' | 'competencies'>): QuizDefinition {
  const quiz = activityById('fractions-quiz')!.quiz!;
  const map = new Map<string, string>();
  for (const q of quiz.questions)
    for (const c of q.competencies ?? [])
      if (!map.has(c)) map.set(c, course.competencies[map.size % course.competencies.length]!.id);
  return {
    ...quiz,
    id: `${course.iri}/try-it/quiz`,
    title: 'Fractions — try it yourself',
    questions: quiz.questions.map((q) => ({
      ...q,
      competencies: (q.competencies ?? []).map((c) => map.get(c)!),
    })),
  };
}
