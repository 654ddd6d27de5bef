import { ActivityTypes, KAIROS_PROFILE_IRI, ProfileExtensions, Verbs } from '../profile.js';
import { toActivity } from '../statements/activity.js';
import type { Activity, ActivityInput, Context, Extensions, Result, Score } from '../types.js';
import type { TrackerContext } from './options.js';

/** Builds the `context` of every statement from the tracker's context. */
export function contextFactory(c: TrackerContext, lang: string) {
  const parent = c.parent && toActivity(c.parent, lang);
  const course = c.course && toActivity(c.course, lang, ActivityTypes.course);
  const base: Extensions = { [ProfileExtensions.sdk]: 'kairos-sdk/0.1.0', ...c.extensions };
  return (object: Activity, ext?: Extensions, own?: StatementContextInput): Context => {
    const ctx: Context = {
      contextActivities: {
        category: [
          { id: KAIROS_PROFILE_IRI, definition: { type: 'http://adlnet.gov/expapi/activities/profile' } },
        ],
      },
      language: lang,
      extensions: { ...base, ...ext },
    };
    if (c.registration) ctx.registration = c.registration;
    const p = own?.parent ? toActivity(own.parent, lang) : parent;
    if (p && p.id !== object.id) ctx.contextActivities!.parent = [p];
    if (course && course.id !== object.id) ctx.contextActivities!.grouping = [course];
    if (own?.objectives?.length)
      ctx.contextActivities!.other = own.objectives.map((o) => toActivity(o, lang, ActivityTypes.objective));
    return ctx;
  };
}

/** A score as the builders accept it: a scaled number (−1…1) or a full `Score`. */
export type ScoreInput = number | Score;

/** Where one statement's activity sits, beyond the tracker's `context` (a question inside a quiz). */
export interface StatementContextInput {
  /** The enclosing activity (`contextActivities.parent`), instead of the tracker's `context.parent`. */
  parent?: ActivityInput;
  /** Competencies the activity is aligned to: `contextActivities.other`, typed objective. */
  objectives?: ActivityInput[];
}

/** Extra fields of `complete`, `pass`, `fail` and `answer`: result fields, and the statement's own context. */
export interface ResultInput {
  score?: ScoreInput;
  success?: boolean;
  extensions?: Extensions;
  context?: StatementContextInput;
}

/** Merges developer result fields into a result. */
export function result(base: Result, extra?: ResultInput): Result {
  const r: Result = { ...base };
  if (extra?.score !== undefined)
    r.score = typeof extra.score === 'number' ? { scaled: extra.score } : extra.score;
  if (extra?.success !== undefined) r.success = extra.success;
  if (extra?.extensions) r.extensions = { ...r.extensions, ...extra.extensions };
  return r;
}

export type VerbName = keyof typeof Verbs;
export { Verbs };
