/**
 * Per-learner flags of a course (DESIGN.md "Analytics definitions"): struggling, stuck, wheel-spinning
 * (Beck & Gong, 2013), abandoned and rapid guessing. Pure: each flag comes with the inputs that raised it.
 */
import type { Level } from '../mastery/bkt.js';

/** Thresholds of the learner flags. */
export const FLAG_RULES = {
  /** Struggling: at least this many attempts on an activity without a success. */
  strugglingAttempts: 3,
  /** Stuck: at least this many. */
  stuckAttempts: 5,
  /** Wheel-spinning: at least this many evidences on a competency without reaching `acquis`. */
  wheelSpinningEvidence: 10,
  /** Abandoned: unfinished work and no activity for this many days. */
  inactiveDays: 7,
  /** Rapid guessing: a first answer faster than this share of the item's median first-answer time… */
  rapidShare: 0.1,
  /** …on at least this many items… */
  rapidMinItems: 3,
  /** …whose median comes from at least this many learners. */
  rapidMinAnswers: 5,
} as const;

/** What the flags read about one learner. */
export interface LearnerActivitySummary {
  activity: string;
  attempts: number;
  succeeded: boolean;
  completed: boolean;
  /** Time to the first answer, and the item's median over learners (with how many answers it rests on). */
  firstAnswerMs?: number;
  medianFirstAnswerMs?: number;
  medianAnswers?: number;
}

/** A learner's mastery of one competency, as the flags read it. */
export interface CompetencySummary {
  competency: string;
  evidence: number;
  level?: Level;
}

/** The flags of one learner, each with what raised it. */
export interface LearnerFlags {
  struggling: string[];
  stuck: string[];
  wheelSpinning: string[];
  abandoned: { lastSeen: string; unfinished: number } | null;
  rapidGuessing: string[];
}

/** True when a first answer is a rapid guess on an item with a trustworthy median. */
export function isRapid(a: LearnerActivitySummary): boolean {
  return (
    a.firstAnswerMs !== undefined &&
    a.medianFirstAnswerMs !== undefined &&
    (a.medianAnswers ?? 0) >= FLAG_RULES.rapidMinAnswers &&
    a.firstAnswerMs < FLAG_RULES.rapidShare * a.medianFirstAnswerMs
  );
}

/**
 * The flags of a learner in a course, measured at `asOf` (the 7-day rule).
 *
 * @example learnerFlags(activities, competencies, '2026-03-01T10:00:00Z', new Date('2026-03-10'))
 */
export function learnerFlags(
  activities: readonly LearnerActivitySummary[],
  competencies: readonly CompetencySummary[],
  lastSeen: string | undefined,
  asOf: Date,
): LearnerFlags {
  const failing = activities.filter((a) => !a.succeeded);
  const unfinished = activities.filter((a) => !a.completed).length;
  const inactive =
    lastSeen !== undefined && asOf.getTime() - Date.parse(lastSeen) >= FLAG_RULES.inactiveDays * 86_400_000;
  const rapid = activities.filter(isRapid).map((a) => a.activity);
  return {
    struggling: failing.filter((a) => a.attempts >= FLAG_RULES.strugglingAttempts).map((a) => a.activity),
    stuck: failing.filter((a) => a.attempts >= FLAG_RULES.stuckAttempts).map((a) => a.activity),
    wheelSpinning: competencies
      .filter(
        (c) => c.evidence >= FLAG_RULES.wheelSpinningEvidence && c.level !== 'acquis' && c.level !== 'expert',
      )
      .map((c) => c.competency),
    abandoned: inactive && unfinished > 0 && lastSeen ? { lastSeen, unfinished } : null,
    rapidGuessing: rapid.length >= FLAG_RULES.rapidMinItems ? rapid : [],
  };
}

/** Names of the flags that are raised. */
export function raisedFlags(f: LearnerFlags): (keyof LearnerFlags)[] {
  return (Object.keys(f) as (keyof LearnerFlags)[]).filter((k) =>
    Array.isArray(f[k]) ? (f[k] as string[]).length > 0 : f[k] !== null,
  );
}
