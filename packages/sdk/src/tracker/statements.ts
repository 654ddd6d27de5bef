import { ActivityTypes, KAIROS_PROFILE_IRI, ProfileExtensions, Verbs } from '../profile.js';
import { toActivity } from '../statements/activity.js';
import type { Activity, Context, Extensions, Result, Score } from '../types.js';
import type { TrackerContext } from './options.js';

/** Builds the `context` of every statement from the tracker's context. */
export function contextFactory(c: TrackerContext, lang: string) {
  const parent = c.parent && toActivity(c.parent, lang);
  const course = c.course && toActivity(c.course, lang, ActivityTypes.course);
  const base: Extensions = { [ProfileExtensions.sdk]: 'kairos-sdk/0.1.0', ...c.extensions };
  return (object: Activity, ext?: Extensions): Context => {
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
    if (parent && parent.id !== object.id) ctx.contextActivities!.parent = [parent];
    if (course && course.id !== object.id) ctx.contextActivities!.grouping = [course];
    return ctx;
  };
}

/** A score as the builders accept it: a scaled number (−1…1) or a full `Score`. */
export type ScoreInput = number | Score;

/** Extra result fields of `complete`, `pass`, `fail` and `answer`. */
export interface ResultInput {
  score?: ScoreInput;
  success?: boolean;
  extensions?: Extensions;
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
