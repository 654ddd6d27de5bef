import { type Activity, agentKey, parseDuration, type Statement } from '@kairos/xapi';
import type { Fact, StatementRecord } from '../../storage/types.js';
import {
  ATTEMPT_EXTENSIONS,
  COMPLETION_VERBS,
  EXPERIENCED,
  isCourseType,
  LEVEL_EXTENSION,
  NAVIGATION,
  OBJECTIVE_TYPES,
  SUCCESS_CREDIT,
  SUCCESS_VERBS,
} from './vocabulary.js';

/** What one stored statement means to the projection. */
export type Extracted =
  | { kind: 'fact'; fact: Fact }
  | { kind: 'void'; statementId: string; target: string }
  | { kind: 'skip'; statementId: string; reason: SkipReason };

/** Why a statement adds nothing to the analytics (counted on `/metrics`). */
export type SkipReason = 'no-course' | 'not-an-agent' | 'not-an-activity';

/** Finds the course of statements that name none: a placed LTI activity (resource link) knows its course. */
export interface CourseLookup {
  /** The course IRI of a resource link IRI, when known. */
  courseOfLink(iri: string): string | undefined;
  /** True when the IRI is a known course (an LTI context, a declared course). */
  isCourse(iri: string): boolean;
}

const text = (map: Record<string, string> | undefined): string | undefined => {
  if (!map) return undefined;
  return map.en ?? map['en-US'] ?? map.fr ?? Object.values(map)[0];
};

const finite = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** Credit in [0, 1] from a score: `scaled` first (negative is no credit), else raw within min..max. */
export function creditOf(score: Fact['score']): number | undefined {
  if (!score) return undefined;
  if (score.scaled !== undefined) return Math.min(1, Math.max(0, score.scaled));
  if (score.raw !== undefined && score.max !== undefined) {
    const min = score.min ?? 0;
    if (score.max > min) return Math.min(1, Math.max(0, (score.raw - min) / (score.max - min)));
  }
  return undefined;
}

/** The course of a statement: a grouping typed as a course, a known course, the first grouping, or the course of its placed activity. */
function courseOf(s: Statement, lookup: CourseLookup): Activity | undefined {
  const ca = s.context?.contextActivities;
  const grouping = ca?.grouping ?? [];
  const typed = grouping.find((g) => isCourseType(g.definition?.type));
  if (typed) return typed;
  const known = grouping.find((g) => lookup.isCourse(g.id));
  if (known) return known;
  for (const p of ca?.parent ?? []) {
    const course = lookup.courseOfLink(p.id);
    if (course) return { id: course };
  }
  const fromObject = s.object && 'id' in s.object ? lookup.courseOfLink(String(s.object.id)) : undefined;
  if (fromObject) return { id: fromObject };
  return grouping[0];
}

/**
 * Reads a stored statement as a {@link Fact} (or a voiding, or nothing). Pure: the same statement always
 * gives the same fact, so projecting twice or in another order changes nothing.
 */
export function extract(record: StatementRecord, lookup: CourseLookup): Extracted {
  const s = record.statement;
  if (record.voidingTarget) return { kind: 'void', statementId: record.id, target: record.voidingTarget };
  const actor = s.actor as { objectType?: string };
  if (actor.objectType === 'Group') return { kind: 'skip', statementId: record.id, reason: 'not-an-agent' };
  const learner = agentKey(s.actor);
  if (!learner) return { kind: 'skip', statementId: record.id, reason: 'not-an-agent' };
  const object = s.object as Activity & { objectType?: string };
  if (object.objectType !== undefined && object.objectType !== 'Activity')
    return { kind: 'skip', statementId: record.id, reason: 'not-an-activity' };
  const course = courseOf(s, lookup);
  if (!course) return { kind: 'skip', statementId: record.id, reason: 'no-course' };
  const ca = s.context?.contextActivities;
  const parent = ca?.parent?.find((p) => p.id !== object.id && p.id !== course.id);
  const r = s.result;
  const score = r?.score && {
    raw: finite(r.score.raw),
    min: finite(r.score.min),
    max: finite(r.score.max),
    scaled: finite(r.score.scaled),
  };
  const verbSuccess = SUCCESS_VERBS[s.verb.id];
  let credit = creditOf(score);
  let success = r?.success ?? verbSuccess;
  if (success === undefined && credit !== undefined) success = credit >= SUCCESS_CREDIT;
  if (credit === undefined && success !== undefined) credit = success ? 1 : 0;
  const assessed = success !== undefined;
  const ext = s.context?.extensions ?? {};
  const attempt = ATTEMPT_EXTENSIONS.map((x) => finite(ext[x])).find((v) => v !== undefined);
  let durationMs: number | undefined;
  if (r?.duration) {
    try {
      durationMs = parseDuration(r.duration);
    } catch {
      durationMs = undefined;
    }
  }
  const def = object.definition;
  const navFrom = s.verb.id === EXPERIENCED ? ext[NAVIGATION.from] : undefined;
  const navTo = s.verb.id === EXPERIENCED ? ext[NAVIGATION.to] : undefined;
  const level = def?.extensions?.[LEVEL_EXTENSION];
  const fact: Fact = {
    statementId: record.id,
    key: record.key,
    course: course.id,
    sequence: parent?.id ?? course.id,
    activity: object.id,
    learner,
    verb: s.verb.id,
    ts: new Date(s.timestamp ?? record.stored).toISOString(),
    registration: s.context?.registration?.toLowerCase(),
    attempt,
    assessed,
    success,
    credit,
    score: score && Object.values(score).some((v) => v !== undefined) ? score : undefined,
    completion: COMPLETION_VERBS.has(s.verb.id) || r?.completion === true,
    durationMs,
    response: r?.response,
    interactionType: def?.interactionType,
    navFrom: typeof navFrom === 'string' ? navFrom : undefined,
    navTo: typeof navTo === 'string' ? navTo : undefined,
    objectives: (ca?.other ?? [])
      .filter((o) => o.definition?.type !== undefined && OBJECTIVE_TYPES.has(o.definition.type))
      .map((o) => ({ id: o.id, name: text(o.definition?.name) })),
    activityName: text(def?.name),
    activityType: def?.type,
    activityLevel: typeof level === 'string' ? level : undefined,
    courseName: text(course.definition?.name),
    choices: def?.choices?.map((c) => ({ id: c.id, description: text(c.description) })),
    correctResponses: def?.correctResponsesPattern,
  };
  return { kind: 'fact', fact };
}
