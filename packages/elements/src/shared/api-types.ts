/**
 * The analytics API's answers, as the elements read them (`/api/v1`, described by `/api/v1/openapi.json`
 * and docs/analytics.md). A test validates the elements' fixtures against the server's own schemas, so
 * these types cannot drift from what the server sends.
 */

/** A share with its Wilson 95 % interval. */
export interface Share {
  value: number;
  low: number;
  high: number;
}

/** A mastery level. */
export type Level = 'non_acquis' | 'en_cours' | 'acquis' | 'expert';

export interface Course {
  id: string;
  iri: string;
  contextId?: string;
  title?: string;
  learners: number;
  lastSeen?: string;
}

export interface Overview {
  course: Course;
  asOf: string;
  roster: number;
  started: number;
  notStarted: number;
  completed: number;
  activeLast7Days: number;
  activities: number;
  flagged: { activities: number; learners: number };
}

export interface StuckPoint {
  activity: string;
  title?: string;
  sequence: string;
  sequenceTitle?: string;
  position: number;
  n: number;
  assessed: number;
  p1: Share | null;
  r: Share;
  d: Share;
  t: Share;
  medianActiveMs?: number;
  referenceMs?: number;
  reference?: 'expected' | 'median';
  score: number;
  flagged: boolean;
  reasons: ('score' | 'repeated-failures' | 'drop-outs' | 'low-first-attempt-success')[];
  explanation: string;
  learners: { learner: string; name?: string; reasons: ('repeated' | 'dropped' | 'slow')[] }[];
}

export interface StuckPoints {
  course: string;
  asOf: string;
  thresholds: Record<string, number>;
  activities: StuckPoint[];
}

export interface CompetencyInfo {
  id: string;
  code?: string;
  title: string;
  type?: string;
  domain?: string;
  expectedLevel?: string;
}

export interface CompetencyCell {
  learner: string;
  competency: string;
  level: Level | null;
  p: number;
  evidence: number;
  manual?: { level: Level; assessor: string; assessedAt: string; note?: string };
}

export interface Competencies {
  course: string;
  competencies: CompetencyInfo[];
  learners: { learner: string; name?: string }[];
  cells: CompetencyCell[];
}

export interface LearnerSummary {
  learner: string;
  userId?: string;
  name?: string;
  started: boolean;
  firstSeen?: string;
  lastSeen?: string;
  activeMs: number;
  reached: number;
  completed: number;
  succeeded: number;
  statements: number;
  courseCompleted: boolean;
  flags: {
    struggling: number;
    stuck: number;
    wheelSpinning: number;
    abandoned: boolean;
    rapidGuessing: number;
  };
  raised: string[];
}

export interface Learners {
  course: string;
  asOf: string;
  learners: LearnerSummary[];
}

export interface FactView {
  statementId: string;
  activity: string;
  verb: string;
  ts: string;
  success?: boolean;
  credit?: number;
  completion: boolean;
  durationMs?: number;
  response?: string;
}

export interface LearnerDetail {
  course: string;
  asOf: string;
  learner: LearnerSummary;
  flags: {
    struggling: string[];
    stuck: string[];
    wheelSpinning: string[];
    abandoned: { lastSeen: string; unfinished: number } | null;
    rapidGuessing: string[];
  };
  activities: {
    activity: string;
    title?: string;
    sequence?: string;
    attempts: number;
    firstSuccess?: boolean;
    bestCredit?: number;
    lastCredit?: number;
    succeeded: boolean;
    completed: boolean;
    activeMs: number;
    firstSeen: string;
    lastSeen: string;
  }[];
  mastery: (CompetencyCell & {
    title?: string;
    steps: {
      statementId: string;
      activity: string;
      ts: string;
      credit: number;
      weight: number;
      correct: boolean;
      pBefore: number;
      pAfter: number;
      level: Level | null;
    }[];
  })[];
  timeline: FactView[];
}

export interface ItemAnalysis {
  course: string;
  activity: string;
  title?: string;
  sequence: string;
  interactionType?: string;
  n: number;
  facility: number | null;
  discrimination: number | null;
  scores: number[];
  answers: { response: string; label?: string; count: number; correct?: boolean }[];
  medianActiveMs?: number;
  medianFirstAnswerMs?: number;
}

/** A live event of a course (`GET /courses/{course}/events`). */
export interface CourseEvent {
  id: number;
  type: 'struggling' | 'stuck' | 'mastery' | 'activity' | string;
  data: Record<string, unknown> & { at: string };
}
