/**
 * A simulated course: sequences of questions aligned to a competency framework, with one activity made
 * hard enough to be a genuine stuck point. Deterministic from the seed.
 */
import type { Random } from './random.js';

/** A question of the simulated course. */
export interface SimActivity {
  id: string;
  title: string;
  /** Kairos profile level: `decouverte`, `entrainement` or `maitrise`. */
  level: 'decouverte' | 'entrainement' | 'maitrise';
  /** Difficulty on the ability scale (higher is harder). */
  difficulty: number;
  /** Typical seconds a learner spends on it. */
  seconds: number;
  choices: string[];
  correct: string;
  competencies: { id: string; weight: number }[];
  /** The activity the simulation made a stuck point. */
  stuck: boolean;
}

/** A sequence (session) of the simulated course. */
export interface SimSequence {
  id: string;
  title: string;
  activities: SimActivity[];
}

/** A competency of the simulated framework. */
export interface SimCompetency {
  id: string;
  code: string;
  title: string;
  type: 'savoir' | 'competence';
  domain: string;
  expectedLevel: 'initiation' | 'apprentissage' | 'maitrise';
}

/** The simulated course and its framework. */
export interface SimCourse {
  iri: string;
  title: string;
  sequences: SimSequence[];
  competencies: SimCompetency[];
  /** The activity made a stuck point. */
  stuckActivity: string;
}

/** Shape of the simulated course. */
export interface CourseShape {
  iri: string;
  title: string;
  sequences: number;
  activitiesPerSequence: number;
  competencies: number;
}

const DOMAINS = ['Nombres', 'Fractions', 'Géométrie', 'Mesures', 'Problèmes'];
const LEVELS = ['decouverte', 'entrainement', 'maitrise'] as const;

/** Builds the course: every activity aligned to one or two competencies, difficulty rising through each sequence. */
export function buildCourse(shape: CourseShape, rnd: Random): SimCourse {
  const competencies: SimCompetency[] = Array.from({ length: shape.competencies }, (_, i) => ({
    id: `${shape.iri}/competencies/C${i + 1}`,
    code: `C${i + 1}`,
    title: `Compétence ${i + 1}`,
    type: i % 3 === 0 ? 'savoir' : 'competence',
    domain: DOMAINS[i % DOMAINS.length]!,
    expectedLevel: (['initiation', 'apprentissage', 'maitrise'] as const)[i % 3]!,
  }));
  // the stuck point: the third activity of the second sequence (or the middle one of a small course)
  const stuckSeq = Math.min(1, shape.sequences - 1);
  const stuckAct = Math.min(2, shape.activitiesPerSequence - 1);
  let stuckActivity = '';
  const sequences: SimSequence[] = Array.from({ length: shape.sequences }, (_, s) => {
    const id = `${shape.iri}/sequences/${s + 1}`;
    return {
      id,
      title: `Séance ${s + 1}`,
      activities: Array.from({ length: shape.activitiesPerSequence }, (_, a) => {
        const stuck = s === stuckSeq && a === stuckAct;
        const main = competencies[(s * shape.activitiesPerSequence + a) % competencies.length]!;
        const second = competencies[(s * 7 + a * 3 + 1) % competencies.length]!;
        const activity: SimActivity = {
          id: `${id}/activities/${a + 1}`,
          title: `Activité ${s + 1}.${a + 1}`,
          level: LEVELS[Math.min(2, Math.floor((a / shape.activitiesPerSequence) * 3))]!,
          difficulty: stuck
            ? 2.2
            : -0.6 + (a / Math.max(1, shape.activitiesPerSequence - 1)) * 1.2 + rnd.normal(0, 0.15),
          seconds: Math.round(40 + rnd.next() * 80) * (stuck ? 2 : 1),
          choices: ['a', 'b', 'c', 'd'],
          correct: ['a', 'b', 'c', 'd'][rnd.int(4)]!,
          competencies:
            second.id === main.id
              ? [{ id: main.id, weight: 1 }]
              : [
                  { id: main.id, weight: 1 },
                  { id: second.id, weight: 0.5 },
                ],
          stuck,
        };
        if (stuck) stuckActivity = activity.id;
        return activity;
      }),
    };
  });
  return { iri: shape.iri, title: shape.title, sequences, competencies, stuckActivity };
}

/** The framework as the CSV `POST /api/v1/frameworks` takes. */
export function frameworkCsv(course: SimCourse): string {
  const lines = ['code,title,type,domain,expected level,iri'];
  for (const c of course.competencies)
    lines.push([c.code, c.title, c.type, c.domain, c.expectedLevel, c.id].join(','));
  return `${lines.join('\n')}\n`;
}

/** The course structure as `PUT /api/v1/courses/{course}/structure` takes. */
export function structureOf(course: SimCourse) {
  return {
    sequences: course.sequences.map((s) => ({
      id: s.id,
      title: s.title,
      activities: s.activities.map((a) => ({
        id: a.id,
        title: a.title,
        level: a.level,
        competencies: a.competencies,
      })),
    })),
  };
}
