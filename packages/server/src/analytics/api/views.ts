import type { z } from 'zod';
import type { AnalyticsStore, CourseSettings, LearnerCourseRow, Population } from '../../storage/types.js';
import { FLAG_RULES, learnerFlags } from '../flags/learner-flags.js';
import { analyseItem, answerDistribution } from '../item-analysis/item-analysis.js';
import type { Level } from '../mastery/bkt.js';
import { STUCK_DEFAULTS, type StuckThresholds, scoreActivity } from '../stuck-points/score.js';
import type { CourseRef } from './access.js';
import { explainStuckPoint } from './explain.js';
import type * as S from './schemas.js';

/**
 * A competency no framework names (aligned by a statement's objectives only, its title then its IRI) is
 * called by the end of its IRI: `https://…/fractions/equivalence` → `equivalence`. The full IRI stays in
 * `id` / `competency`.
 */
const competencyTitle = (iri: string, title: string | undefined): string =>
  title && title !== iri ? title : iriLabel(iri);

const iriLabel = (iri: string): string => {
  const tail =
    iri
      .replace(/[/#]+$/, '')
      .split(/[/#]/)
      .pop() ?? '';
  try {
    return decodeURIComponent(tail) || iri;
  } catch {
    return tail || iri;
  }
};

/** What every view of a course reads: the store, the course, its active generation and the teacher's settings. */
export interface CourseScope {
  analytics: AnalyticsStore;
  tenantId: string;
  gen: number;
  course: CourseRef;
  settings: CourseSettings;
  /** The instant the 7-day rules are measured from. */
  asOf: Date;
  pop: Population;
  /** Show the roster's names (the teacher's setting and the server's KAIROS_LTI_NAMES). */
  names: boolean;
}

const DAY = 86_400_000;
const opt = <T>(v: T | null | undefined) => v ?? undefined;

/** The course's thresholds: the teacher's over the defaults. */
export function thresholdsOf(settings: CourseSettings): StuckThresholds {
  const { weights: _, ...defaults } = STUCK_DEFAULTS;
  return { ...defaults, ...(settings.thresholds ?? {}) } as StuckThresholds;
}

const restricted = (pop: Population) =>
  pop.learners !== undefined || pop.from !== undefined || pop.to !== undefined;

/** The learners of the population (all the course's learners when no filter applies). */
/** The course's learner rows for the scope's population (names only where the scope shows them). */
export async function learnersOf(s: CourseScope): Promise<LearnerCourseRow[]> {
  const rows = await s.analytics.queries.learners(
    s.tenantId,
    s.gen,
    s.course.iri,
    s.pop,
    FLAG_RULES.wheelSpinningEvidence,
  );
  return s.names ? rows : rows.map(({ name: _, ...r }) => r);
}

function summary(l: LearnerCourseRow, asOf: Date): z.infer<typeof S.LearnerSummary> {
  const inactive =
    l.lastSeen !== undefined && asOf.getTime() - Date.parse(l.lastSeen) >= FLAG_RULES.inactiveDays * DAY;
  const flags = {
    struggling: l.struggling,
    stuck: l.stuck,
    wheelSpinning: l.wheelSpinning,
    abandoned: inactive && l.reached > l.completed && !l.courseCompleted,
    rapidGuessing: l.rapid >= FLAG_RULES.rapidMinItems ? l.rapid : 0,
  };
  return {
    learner: l.learner,
    userId: l.userId,
    name: l.name,
    started: l.started,
    firstSeen: l.firstSeen,
    lastSeen: l.lastSeen,
    activeMs: l.activeMs,
    reached: l.reached,
    completed: l.completed,
    succeeded: l.succeeded,
    statements: l.statements,
    courseCompleted: l.courseCompleted,
    flags,
    raised: Object.entries(flags)
      .filter(([, v]) => v === true || (typeof v === 'number' && v > 0))
      .map(([k]) => k),
  };
}

/** `GET /courses/{course}/learners`. */
export async function learnersView(
  s: CourseScope,
  loaded?: LearnerCourseRow[],
): Promise<z.infer<typeof S.LearnersResponse>> {
  const rows = loaded ?? (await learnersOf(s));
  return { course: s.course.iri, asOf: s.asOf.toISOString(), learners: rows.map((l) => summary(l, s.asOf)) };
}

/** `GET /courses/{course}/stuck-points`: ranked, with every input behind each figure and the learners concerned. */
export async function stuckPointsView(
  s: CourseScope,
  loaded?: LearnerCourseRow[],
): Promise<z.infer<typeof S.StuckPointsResponse>> {
  const th = thresholdsOf(s.settings);
  const q = s.analytics.queries;
  const activities = await q.activities(s.tenantId, s.gen, s.course.iri);
  // the whole class needs no learner rows: only the names of the learners concerned
  const learners = loaded ?? (restricted(s.pop) ? await learnersOf(s) : undefined);
  const inPop = new Set((learners ?? []).map((l) => l.learner));
  const since = new Date(s.asOf.getTime() - th.inactiveDays * DAY).toISOString();
  const dropped = await q.dropped(s.tenantId, s.gen, s.course.iri, since);
  const counts = restricted(s.pop)
    ? await q.populationCounts(s.tenantId, s.gen, s.course.iri, [...inPop], th)
    : undefined;
  const scored = activities.map((a) => {
    const c = counts ? counts.get(a.activity) : a;
    const gone = (dropped.get(a.activity) ?? []).filter((l) => !counts || inPop.has(l));
    const input = {
      n: c?.n ?? 0,
      assessed: c?.assessed ?? 0,
      firstSuccess: c?.firstSuccess ?? 0,
      repeated: c?.repeated ?? 0,
      dropped: gone.length,
      slow: c?.slow ?? 0,
    };
    const concerned = new Map<string, Set<'repeated' | 'dropped' | 'slow'>>();
    const add = (ls: string[], why: 'repeated' | 'dropped' | 'slow') => {
      for (const l of ls) concerned.set(l, (concerned.get(l) ?? new Set()).add(why));
    };
    add(c?.repeatedLearners ?? [], 'repeated');
    add(gone, 'dropped');
    add(c?.slowLearners ?? [], 'slow');
    return { a, input, score: scoreActivity(input, th), concerned };
  });
  const names = !s.names
    ? new Map<string, string>()
    : learners
      ? new Map(learners.flatMap((l) => (l.name ? [[l.learner, l.name] as const] : [])))
      : await q.names(s.tenantId, [...new Set(scored.flatMap((x) => [...x.concerned.keys()]))]);
  const out = scored.map(({ a, input, score, concerned }) => {
    const view = {
      activity: a.activity,
      title: a.title,
      sequence: a.sequence,
      sequenceTitle: a.sequenceTitle,
      position: a.position,
      n: score.n,
      assessed: input.assessed,
      p1: score.p1,
      r: score.r,
      d: score.d,
      t: score.t,
      medianActiveMs: a.medianActiveMs,
      referenceMs: a.referenceMs,
      reference: a.reference,
      score: score.score,
      flagged: score.flagged,
      reasons: score.reasons,
      learners: [...concerned].map(([learner, why]) => ({
        learner,
        name: names.get(learner),
        reasons: [...why],
      })),
    };
    return { ...view, explanation: explainStuckPoint(view, th) };
  });
  out.sort((x, y) => Number(y.flagged) - Number(x.flagged) || y.score - x.score || x.position - y.position);
  return {
    course: s.course.iri,
    asOf: s.asOf.toISOString(),
    thresholds: { ...th },
    activities: out.filter((a) => a.n > 0),
  };
}

/** `GET /courses/{course}/overview`. */
export async function overviewView(
  s: CourseScope,
  course: z.infer<typeof S.Course>,
  loaded?: { learners: LearnerCourseRow[]; stuck: z.infer<typeof S.StuckPointsResponse> },
): Promise<z.infer<typeof S.Overview>> {
  const learners = loaded?.learners ?? (await learnersOf(s));
  const stuck = loaded?.stuck ?? (await stuckPointsView(s, learners));
  const week = s.asOf.getTime() - 7 * DAY;
  const summaries = learners.map((l) => summary(l, s.asOf));
  const activities = stuck.activities.length;
  return {
    course,
    asOf: s.asOf.toISOString(),
    roster: learners.length,
    started: learners.filter((l) => l.started).length,
    notStarted: learners.filter((l) => !l.started).length,
    completed: learners.filter((l) => l.courseCompleted || (activities > 0 && l.completed >= activities))
      .length,
    activeLast7Days: learners.filter((l) => l.lastSeen && Date.parse(l.lastSeen) >= week).length,
    activities,
    flagged: {
      activities: stuck.activities.filter((a) => a.flagged).length,
      learners: summaries.filter((l) => l.raised.length > 0).length,
    },
  };
}

/** `GET /courses/{course}/competencies`: learners × competencies, with the teacher's levels beside the model's. */
export async function competenciesView(s: CourseScope): Promise<z.infer<typeof S.CompetenciesResponse>> {
  const q = s.analytics.queries;
  const learners = await learnersOf(s);
  const keep = new Set(learners.map((l) => l.learner));
  const mastery = (await q.mastery(s.tenantId, s.gen, s.course.iri)).filter((m) => keep.has(m.learner));
  const manual = await s.analytics.inputs.assessments(s.tenantId, s.course.iri);
  const aligned = await alignedCompetencies(s);
  const ids = [
    ...new Set([...aligned, ...mastery.map((m) => m.competency), ...manual.map((m) => m.competency)]),
  ];
  const info = await s.analytics.inputs.competencies(s.tenantId, ids);
  const byId = new Map(info.map((c) => [c.competency, c]));
  const manualOf = new Map(manual.map((m) => [`${m.learner}\u0001${m.competency}`, m]));
  const cells = mastery.map((m) => {
    const a = manualOf.get(`${m.learner}\u0001${m.competency}`);
    manualOf.delete(`${m.learner}\u0001${m.competency}`);
    return {
      learner: m.learner,
      competency: m.competency,
      level: (m.level ?? null) as Level | null,
      p: Math.round(m.p * 1e4) / 1e4, // four decimals are all a dashboard needs (a class × framework answer stays small)
      evidence: m.evidence,
      ...(a
        ? {
            manual: { level: a.level as Level, assessor: a.assessor, assessedAt: a.assessedAt, note: a.note },
          }
        : {}),
    };
  });
  // a teacher's level on a competency the model has no evidence for yet
  for (const a of manualOf.values()) {
    if (!keep.has(a.learner)) continue;
    cells.push({
      learner: a.learner,
      competency: a.competency,
      level: null,
      p: 0,
      evidence: 0,
      manual: { level: a.level as Level, assessor: a.assessor, assessedAt: a.assessedAt, note: a.note },
    });
  }
  return {
    course: s.course.iri,
    competencies: ids.map((id) => {
      const c = byId.get(id);
      return {
        id,
        code: c?.code,
        title: competencyTitle(id, c?.title),
        type: c?.type,
        domain: c?.domain,
        expectedLevel: c?.expectedLevel,
      };
    }),
    learners: learners.map((l) => ({ learner: l.learner, name: l.name })),
    cells,
  };
}

async function alignedCompetencies(s: CourseScope): Promise<string[]> {
  const activities = await s.analytics.queries.activities(s.tenantId, s.gen, s.course.iri);
  const al = await s.analytics.inputs.alignments(
    s.tenantId,
    activities.map((a) => a.activity),
  );
  return al.map((a) => a.competency);
}

/** Whether `learner` (an agent key) is a learner of the course: seen in its statements, or on its roster. */
export async function isCourseLearner(s: CourseScope, learner: string): Promise<boolean> {
  return (await learnersOf({ ...s, pop: { learners: [learner] } })).length > 0;
}

/** `GET /courses/{course}/learners/{learner}`: timeline, per activity, mastery with every step, flags with their inputs. */
export async function learnerView(
  s: CourseScope,
  learner: string,
  timelineLimit = 200,
): Promise<z.infer<typeof S.LearnerDetail> | undefined> {
  const q = s.analytics.queries;
  const row = (await learnersOf({ ...s, pop: { learners: [learner] } }))[0];
  if (!row) return undefined;
  const [activities, rows, mastery, evidence, manual, timeline] = [
    await q.activities(s.tenantId, s.gen, s.course.iri),
    await q.learnerActivities(s.tenantId, s.gen, s.course.iri, learner),
    await q.mastery(s.tenantId, s.gen, s.course.iri, learner),
    await q.evidence(s.tenantId, s.gen, s.course.iri, learner),
    await s.analytics.inputs.assessments(s.tenantId, s.course.iri, learner),
    await q.timeline(s.tenantId, s.gen, s.course.iri, learner, { limit: timelineLimit }),
  ];
  const act = new Map(activities.map((a) => [a.activity, a]));
  const info = new Map(
    (
      await s.analytics.inputs.competencies(
        s.tenantId,
        mastery.map((m) => m.competency),
      )
    ).map((c) => [c.competency, c]),
  );
  const flags = learnerFlags(
    rows
      .filter((r) => r.activity !== s.course.iri)
      .map((r) => ({
        activity: r.activity,
        attempts: r.attempts,
        succeeded: r.succeeded,
        completed: r.completed,
        firstAnswerMs: r.firstAnswerMs,
        medianFirstAnswerMs: act.get(r.activity)?.medianFirstAnswerMs,
        medianAnswers: act.get(r.activity)?.firstAnswers,
      })),
    mastery.map((m) => ({
      competency: m.competency,
      evidence: m.evidence,
      level: m.level as Level | undefined,
    })),
    row.lastSeen,
    s.asOf,
  );
  const manualOf = new Map(manual.map((m) => [m.competency, m]));
  return {
    course: s.course.iri,
    asOf: s.asOf.toISOString(),
    learner: summary(row, s.asOf),
    flags,
    activities: rows.map((r) => ({
      activity: r.activity,
      title: act.get(r.activity)?.title,
      sequence: act.get(r.activity)?.sequence,
      attempts: r.attempts,
      firstSuccess: r.firstSuccess,
      bestCredit: r.bestCredit,
      lastCredit: r.lastCredit,
      succeeded: r.succeeded,
      completed: r.completed,
      activeMs: r.activeMs,
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
    })),
    mastery: mastery.map((m) => {
      const a = manualOf.get(m.competency);
      return {
        learner,
        competency: m.competency,
        title: competencyTitle(m.competency, info.get(m.competency)?.title),
        level: (m.level ?? null) as Level | null,
        p: m.p,
        evidence: m.evidence,
        ...(a
          ? {
              manual: {
                level: a.level as Level,
                assessor: a.assessor,
                assessedAt: a.assessedAt,
                note: a.note,
              },
            }
          : {}),
        steps: evidence
          .filter((e) => e.competency === m.competency)
          .map((e) => ({
            statementId: e.statementId,
            activity: e.activity,
            ts: e.ts,
            credit: e.credit,
            weight: e.weight,
            correct: e.correct,
            pBefore: e.pBefore,
            pAfter: e.pAfter,
            level: (e.level ?? null) as Level | null,
          })),
      };
    }),
    timeline: timeline.map((f) => ({
      statementId: f.statementId,
      activity: f.activity,
      verb: f.verb,
      ts: f.ts,
      success: f.success,
      credit: f.credit,
      completion: f.completion,
      durationMs: f.durationMs,
      response: f.response,
    })),
  };
}

/** `GET /courses/{course}/activities/{activity}`: item analysis among the items of its sequence. */
export async function itemView(
  s: CourseScope,
  activity: string,
): Promise<z.infer<typeof S.ItemAnalysisResponse> | undefined> {
  const q = s.analytics.queries;
  const a = (await q.activities(s.tenantId, s.gen, s.course.iri)).find((x) => x.activity === activity);
  if (!a) return undefined;
  const definition = { interactionType: a.interactionType, correct: a.correctResponses };
  // the whole class: the course refresh keeps the item's figures; a group or a period: computed from its learners
  const r = restricted(s.pop)
    ? await (async () => {
        const keep = new Set((await learnersOf(s)).map((l) => l.learner));
        const attempts = await q.firstAttempts(s.tenantId, s.gen, s.course.iri, a.sequence);
        return analyseItem(
          activity,
          attempts.filter((x) => keep.has(x.learner)),
          definition,
        );
      })()
    : {
        n: (a.scores ?? []).reduce((n, c) => n + c, 0),
        facility: a.facility ?? null,
        discrimination: a.discrimination ?? null,
        scores: a.scores ?? Array.from({ length: 10 }, () => 0),
        answers: answerDistribution(
          await q.firstResponses(s.tenantId, s.gen, s.course.iri, activity),
          definition,
        ),
      };
  const labels = new Map((a.choices ?? []).map((c) => [c.id, c.description]));
  return {
    course: s.course.iri,
    activity,
    title: a.title,
    sequence: a.sequence,
    interactionType: a.interactionType,
    n: r.n,
    facility: r.facility,
    discrimination: r.discrimination,
    scores: r.scores,
    answers: r.answers.map((x) => ({ ...x, label: opt(labels.get(x.response)) })),
    medianActiveMs: a.medianActiveMs,
    medianFirstAnswerMs: a.medianFirstAnswerMs,
  };
}
