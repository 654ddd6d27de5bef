import type { Fact, LearnerActivityKey, ProjectionTx } from '../../storage/types.js';
import { FLAG_RULES } from '../flags/learner-flags.js';
import type { BktParams } from '../mastery/bkt.js';
import { updateMastery } from '../mastery/update.js';
import type { Extracted } from './extract.js';

/** What a batch changed, for the cache, the live feed and grade passback. */
export interface BatchEffects {
  /** Courses whose figures changed. */
  courses: Set<string>;
  /** Facts inserted and removed (voided). */
  inserted: number;
  removed: number;
  /** Graded results that changed (grade passback has work). */
  grades: number;
  /** Statements that carry nothing for the analytics, by reason. */
  skipped: Record<string, number>;
}

const pairKey = (p: LearnerActivityKey) => `${p.course}\u0001${p.activity}\u0001${p.learner}`;

function uniquePairs(facts: Fact[]): LearnerActivityKey[] {
  const m = new Map<string, LearnerActivityKey>();
  for (const f of facts) m.set(pairKey(f), { course: f.course, activity: f.activity, learner: f.learner });
  return [...m.values()];
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

/**
 * One projection batch inside the locked transaction: voidings first (their facts leave every aggregate),
 * then the new facts; every learner × activity they touch is recomputed from its facts, then the
 * learners' course rows, their mastery, the navigation counts and grade results; the activities are
 * marked for the course refresh and the live feed gets its events.
 */
export async function applyBatch(
  tx: ProjectionTx,
  gen: number,
  extracted: Extracted[],
  bkt: BktParams,
  options: { events: boolean; deferCourses?: boolean } = { events: true },
): Promise<BatchEffects> {
  const skipped: Record<string, number> = {};
  const facts: Fact[] = [];
  const voids: string[] = [];
  for (const e of extracted) {
    if (e.kind === 'fact') facts.push(e.fact);
    else if (e.kind === 'void') voids.push(e.target);
    else skipped[e.reason] = (skipped[e.reason] ?? 0) + 1;
  }
  const removed = await tx.voidStatements(gen, voids);
  const inserted = await tx.insertFacts(gen, facts);
  const effects: BatchEffects = {
    courses: new Set([...removed, ...inserted].map((f) => f.course)),
    inserted: inserted.length,
    removed: removed.length,
    grades: 0,
    skipped,
  };
  const rules = { struggling: FLAG_RULES.strugglingAttempts, stuck: FLAG_RULES.stuckAttempts };
  if (inserted.length === 0 && removed.length === 0) {
    if (!options.deferCourses) await flushDeferred(tx, gen);
    return effects;
  }
  await tx.upsertStructure(gen, inserted);
  await tx.upsertObjectives(inserted);
  const touched = uniquePairs([...removed, ...inserted]);
  const struggles = await tx.recomputeLearnerActivities(gen, touched, rules);
  const learners = uniqueBy(touched, (p) => `${p.course}\u0001${p.learner}`).map(({ course, learner }) => ({
    course,
    learner,
  }));
  // a long catch-up (more statements behind this batch) recomputes each learner's course row once, at its end
  if (options.deferCourses) await tx.deferLearnerCourses(gen, learners);
  else await tx.recomputeLearnerCourses(gen, [...learners, ...(await tx.takeDeferredLearners(gen))], rules);
  const removedPairs = uniquePairs(removed);
  const [keys, refold, added] = [
    await tx.alignedKeys(gen, touched),
    await tx.alignedKeys(gen, removedPairs),
    await tx.evidenceOfFacts(gen, inserted),
  ];
  const mastery = await updateMastery(tx, gen, keys, added, refold, bkt);
  await tx.countTransitions(gen, inserted, removed);
  effects.grades = await tx.recomputeGrades(
    gen,
    uniqueBy(
      [...removed, ...inserted].flatMap((f) => [
        { course: f.course, learner: f.learner, link: f.sequence },
        { course: f.course, learner: f.learner, link: f.activity },
      ]),
      (c) => `${c.course}\u0001${c.learner}\u0001${c.link}`,
    ),
  );
  await tx.markDirty(
    gen,
    uniqueBy(touched, (p) => `${p.course}\u0001${p.activity}`).map(({ course, activity }) => ({
      course,
      activity,
    })),
  );
  if (!options.events) return effects;
  await tx.addEvents([
    ...struggles.map((s) => ({
      course: s.course,
      type: s.attempts >= FLAG_RULES.stuckAttempts ? 'stuck' : 'struggling',
      data: { learner: s.learner, activity: s.activity, attempts: s.attempts },
    })),
    ...mastery.levelChanges.map((c) => ({
      course: c.key.course,
      type: 'mastery',
      data: {
        learner: c.key.learner,
        competency: c.key.competency,
        before: c.before ?? null,
        after: c.after ?? null,
      },
    })),
    ...[...effects.courses].map((course) => {
      const mine = touched.filter((p) => p.course === course);
      return {
        course,
        type: 'activity',
        data: { learners: [...new Set(mine.map((p) => p.learner))].slice(0, 50), statements: mine.length },
      };
    }),
  ]);
  return effects;
}

/** Recomputes the course rows a catch-up put off (after its last batch, or after a crash in the middle of one). */
export async function flushDeferred(tx: ProjectionTx, gen: number): Promise<void> {
  const deferred = await tx.takeDeferredLearners(gen);
  if (deferred.length === 0) return;
  await tx.recomputeLearnerCourses(gen, deferred, {
    struggling: FLAG_RULES.strugglingAttempts,
    stuck: FLAG_RULES.stuckAttempts,
  });
}
