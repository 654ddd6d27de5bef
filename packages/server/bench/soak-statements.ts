import { randomUUID } from 'node:crypto';

// The statements of the soak and of the live-projection benchmark: what the Kairos SDK sends when
// learners answer (or complete) the quiz items of a few Moodle courses.

const HOME = 'https://moodle.example.edu';

/** The IRI of soak course `c` (a Moodle course page). */
export const soakCourseIri = (c: number) => `${HOME}/course/view.php?id=${500 + c}`;

const rnd = (n: number) => Math.floor(Math.random() * n);

/**
 * A learner (one of `learners`) answering, or completing, one of 8 items of 4 sequences of one of `courses`
 * courses: 60 % correct, a fresh registration, stamped now.
 */
export function soakStatement(learners: number, courses = 4): Record<string, unknown> {
  const c = rnd(courses);
  const s = rnd(4);
  const i = rnd(8);
  const correct = Math.random() < 0.6;
  const sequence = `https://content.example.edu/soak/${c}/sequences/${s}`;
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: HOME, name: `learner-${rnd(learners)}` } },
    verb: {
      id: `http://adlnet.gov/expapi/verbs/${Math.random() < 0.85 ? 'answered' : 'completed'}`,
    },
    object: {
      objectType: 'Activity',
      id: `${sequence}/items/q${i}`,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        name: { 'en-US': `Question ${i + 1}` },
        interactionType: 'choice',
        correctResponsesPattern: ['b'],
      },
    },
    result: {
      score: { scaled: correct ? 1 : 0.25, raw: correct ? 4 : 1, min: 0, max: 4 },
      success: correct,
      completion: true,
      response: correct ? 'b' : 'c',
      duration: `PT${(5 + Math.random() * 90).toFixed(1)}S`,
    },
    context: {
      registration: randomUUID(),
      contextActivities: {
        parent: [{ objectType: 'Activity', id: sequence }],
        grouping: [
          {
            objectType: 'Activity',
            id: soakCourseIri(c),
            definition: { type: 'http://adlnet.gov/expapi/activities/course' },
          },
        ],
      },
    },
    timestamp: new Date().toISOString(),
  };
}
