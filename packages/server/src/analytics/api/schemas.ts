/**
 * The analytics API's schemas: the same zod objects validate requests and describe responses in the
 * OpenAPI document (`/api/v1/openapi.json`, see openapi.ts).
 */
import { z } from 'zod';
import { LEVELS } from '../mastery/bkt.js';

const timestamp = z.iso.datetime({ offset: true });

/** Query parameters shared by course figures. */
export const CourseQuery = z
  .object({
    asOf: timestamp
      .optional()
      .describe('The instant the 7-day rules (drop-outs, abandoned, active) are measured from; default: now'),
    group: z.string().min(1).optional().describe('Only the learners of this group (roster API or NRPS)'),
    from: timestamp.optional().describe('Only learners active on or after this instant'),
    to: timestamp.optional().describe('Only learners active on or before this instant'),
  })
  .strict();

/** Query of lists of events (timeline, productions). */
export const RangeQuery = z
  .object({
    from: timestamp.optional(),
    to: timestamp.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

/** A share with its Wilson 95 % interval. */
export const Share = z.object({ value: z.number(), low: z.number(), high: z.number() });

/** A course of the tenant. */
export const Course = z.object({
  id: z.string().describe('How the API addresses it: the LTI context id, else the course IRI'),
  iri: z.string(),
  contextId: z.string().optional(),
  title: z.string().optional(),
  learners: z.number().int(),
  lastSeen: z.string().optional(),
});

export const CoursesResponse = z.object({ courses: z.array(Course) });

export const Overview = z.object({
  course: Course,
  asOf: z.string(),
  roster: z.number().int().describe('Learners enrolled (roster) or seen in statements'),
  started: z.number().int(),
  notStarted: z.number().int(),
  completed: z.number().int(),
  activeLast7Days: z.number().int(),
  activities: z.number().int(),
  flagged: z.object({ activities: z.number().int(), learners: z.number().int() }),
});

const ConcernedLearner = z.object({
  learner: z.string(),
  name: z.string().optional(),
  reasons: z.array(z.enum(['repeated', 'dropped', 'slow'])),
});

export const StuckPoint = z.object({
  activity: z.string(),
  title: z.string().optional(),
  sequence: z.string(),
  sequenceTitle: z.string().optional(),
  position: z.number().int(),
  n: z.number().int().describe('Learners who reached the activity'),
  assessed: z.number().int().describe('Of them, learners with an assessed attempt (the base of P1)'),
  p1: Share.nullable().describe('First-attempt success rate (null when nobody was assessed)'),
  r: Share.describe('Share with ≥ 3 attempts and no success'),
  d: Share.describe('Share whose furthest step it is, unfinished, inactive ≥ 7 days'),
  t: Share.describe('Share with active time > 2 × the reference time and no success'),
  medianActiveMs: z.number().optional(),
  referenceMs: z.number().optional(),
  reference: z.enum(['expected', 'median']).optional(),
  score: z.number().describe('100·(0.30·(1−P1) + 0.25·R + 0.25·D + 0.20·T)'),
  flagged: z.boolean(),
  reasons: z.array(z.enum(['score', 'repeated-failures', 'drop-outs', 'low-first-attempt-success'])),
  explanation: z.string().describe('The figures in plain words'),
  learners: z.array(ConcernedLearner),
});

export const StuckPointsResponse = z.object({
  course: z.string(),
  asOf: z.string(),
  thresholds: z.record(z.string(), z.number()),
  activities: z.array(StuckPoint),
});

const Level = z.enum(LEVELS);

export const CompetencyInfo = z.object({
  id: z.string(),
  code: z.string().optional(),
  title: z.string(),
  type: z.string().optional(),
  domain: z.string().optional(),
  expectedLevel: z.string().optional(),
});

export const CompetencyCell = z.object({
  learner: z.string(),
  competency: z.string(),
  level: Level.nullable().describe('The model’s level; null: not assessed (fewer than 2 evidences)'),
  p: z.number().describe('P(mastered) from BKT'),
  evidence: z.number().int(),
  manual: z
    .object({ level: Level, assessor: z.string(), assessedAt: z.string(), note: z.string().optional() })
    .optional()
    .describe('The level a teacher set by hand, shown beside the model’s'),
});

export const CompetenciesResponse = z.object({
  course: z.string(),
  competencies: z.array(CompetencyInfo),
  learners: z.array(z.object({ learner: z.string(), name: z.string().optional() })),
  cells: z.array(CompetencyCell),
});

const Flags = z.object({
  struggling: z.array(z.string()).describe('Activities with ≥ 3 attempts and no success'),
  stuck: z.array(z.string()).describe('Activities with ≥ 5 attempts and no success'),
  wheelSpinning: z.array(z.string()).describe('Competencies with ≥ 10 evidences and no acquis'),
  abandoned: z.object({ lastSeen: z.string(), unfinished: z.number().int() }).nullable(),
  rapidGuessing: z.array(z.string()).describe('Items first answered in < 10 % of their median time'),
});

export const LearnerSummary = z.object({
  learner: z.string(),
  userId: z.string().optional(),
  name: z.string().optional(),
  started: z.boolean(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  activeMs: z.number(),
  reached: z.number().int(),
  completed: z.number().int(),
  succeeded: z.number().int(),
  statements: z.number().int().describe('Statements projected for this learner in the course'),
  courseCompleted: z.boolean(),
  flags: z.object({
    struggling: z.number().int(),
    stuck: z.number().int(),
    wheelSpinning: z.number().int(),
    abandoned: z.boolean(),
    rapidGuessing: z.number().int(),
  }),
  raised: z.array(z.string()),
});

export const LearnersResponse = z.object({
  course: z.string(),
  asOf: z.string(),
  learners: z.array(LearnerSummary),
});

export const FactView = z.object({
  statementId: z.string(),
  activity: z.string(),
  verb: z.string(),
  ts: z.string(),
  success: z.boolean().optional(),
  credit: z.number().optional(),
  completion: z.boolean(),
  durationMs: z.number().optional(),
  response: z.string().optional(),
});

export const LearnerDetail = z.object({
  course: z.string(),
  asOf: z.string(),
  learner: LearnerSummary,
  flags: Flags,
  activities: z.array(
    z.object({
      activity: z.string(),
      title: z.string().optional(),
      sequence: z.string().optional(),
      attempts: z.number().int(),
      firstSuccess: z.boolean().optional(),
      bestCredit: z.number().optional(),
      lastCredit: z.number().optional(),
      succeeded: z.boolean(),
      completed: z.boolean(),
      activeMs: z.number(),
      firstSeen: z.string(),
      lastSeen: z.string(),
    }),
  ),
  mastery: z.array(
    CompetencyCell.extend({
      title: z.string().optional(),
      steps: z.array(
        z.object({
          statementId: z.string(),
          activity: z.string(),
          ts: z.string(),
          credit: z.number(),
          weight: z.number(),
          correct: z.boolean(),
          pBefore: z.number(),
          pAfter: z.number(),
          level: Level.nullable(),
        }),
      ),
    }),
  ),
  timeline: z.array(FactView),
});

export const ItemAnalysisResponse = z.object({
  course: z.string(),
  activity: z.string(),
  title: z.string().optional(),
  sequence: z.string(),
  interactionType: z.string().optional(),
  n: z.number().int(),
  facility: z.number().nullable(),
  discrimination: z.number().nullable().describe('Corrected item-rest correlation'),
  scores: z.array(z.number().int()).describe('Learners per tenth of first-attempt credit'),
  answers: z.array(
    z.object({
      response: z.string(),
      label: z.string().optional(),
      count: z.number().int(),
      correct: z.boolean().optional(),
    }),
  ),
  medianActiveMs: z.number().optional(),
  medianFirstAnswerMs: z.number().optional(),
});

export const ProductionsResponse = z.object({
  course: z.string(),
  productions: z.array(
    z.object({
      statementId: z.string(),
      learner: z.string(),
      name: z.string().optional(),
      activity: z.string(),
      ts: z.string(),
      text: z.string(),
      words: z.number().int(),
    }),
  ),
});

export const TransitionsResponse = z.object({
  course: z.string(),
  transitions: z.array(z.object({ from: z.string(), to: z.string(), n: z.number().int() })),
});

/** `PUT /courses/{course}/roster`: the learners (and groups) of a course outside an LMS. */
export const RosterBody = z
  .object({
    title: z.string().max(500).optional(),
    learners: z
      .array(
        z
          .object({
            id: z.string().min(1).max(500).describe('Your id of the learner'),
            actor: z
              .object({
                account: z.object({ homePage: z.url(), name: z.string().min(1) }).optional(),
                mbox: z.string().startsWith('mailto:').optional(),
                openid: z.url().optional(),
              })
              .describe('The xAPI agent its statements name'),
            name: z.string().max(500).optional(),
            groups: z.array(z.string().min(1).max(200)).default([]),
          })
          .strict(),
      )
      .max(10_000),
    groups: z
      .array(z.object({ id: z.string().min(1).max(200), name: z.string().max(500).optional() }).strict())
      .default([]),
  })
  .strict();

/** `PUT /courses/{course}/structure`: sequences and their activities, in order. */
export const StructureBody = z
  .object({
    sequences: z
      .array(
        z
          .object({
            id: z.string().min(1).describe('Sequence IRI (the `parent` of its activities’ statements)'),
            title: z.string().max(500).optional(),
            activities: z.array(
              z
                .object({
                  id: z.string().min(1).describe('Activity IRI'),
                  title: z.string().max(500).optional(),
                  expectedSeconds: z.number().positive().optional(),
                  level: z.enum(['decouverte', 'entrainement', 'maitrise']).optional(),
                  competencies: z
                    .array(
                      z
                        .object({ id: z.string().min(1), weight: z.number().gt(0).max(1).default(1) })
                        .strict(),
                    )
                    .default([]),
                })
                .strict(),
            ),
          })
          .strict(),
      )
      .max(1000),
  })
  .strict();

/** `PUT /courses/{course}/settings`. */
export const SettingsBody = z
  .object({
    expectedSeconds: z.record(z.string(), z.number().positive()).optional(),
    thresholds: z
      .object({
        minLearners: z.number().int().min(1),
        score: z.number().min(0).max(100),
        wilsonR: z.number().min(0).max(1),
        wilsonD: z.number().min(0).max(1),
        p1Low: z.number().min(0).max(1),
        p1MinLearners: z.number().int().min(1),
        repeatedAttempts: z.number().int().min(1),
        inactiveDays: z.number().min(0),
        timeFactor: z.number().positive(),
      })
      .partial()
      .strict()
      .optional(),
    showNames: z.boolean().optional(),
  })
  .strict();

/** `POST /courses/{course}/assessments`: a teacher's level for a learner's competency. */
export const AssessmentBody = z
  .object({
    learner: z.string().min(1),
    competency: z.string().min(1),
    level: Level,
    note: z.string().max(2000).optional(),
  })
  .strict();

/** `PUT /alignments`: activities aligned to competencies (weight 0 removes one). */
export const AlignmentsBody = z
  .object({
    alignments: z
      .array(
        z
          .object({
            activity: z.string().min(1),
            competency: z.string().min(1).describe('Competency IRI, or its code'),
            weight: z.number().min(0).max(1).default(1),
          })
          .strict(),
      )
      .max(100_000),
  })
  .strict();

/** `PUT /settings/mastery`: the tenant's BKT parameters. */
export const MasterySettingsBody = z
  .object({
    pInit: z.number().gt(0).lt(1),
    pTransit: z.number().min(0).lt(1),
    pGuess: z.number().min(0).lt(0.5),
    pSlip: z.number().min(0).lt(0.5),
  })
  .partial()
  .strict();

export const FrameworkImportResponse = z.object({
  framework: z.string(),
  title: z.string(),
  source: z.enum(['case', 'csv']),
  imported: z.number().int(),
  alignments: z.number().int(),
});
