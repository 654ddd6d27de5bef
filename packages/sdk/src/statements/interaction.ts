import { ActivityTypes } from '../profile.js';
import type { Activity, ActivityRef, InteractionComponent, LanguageMap } from '../types.js';
import { langMap, toActivity } from './activity.js';

/** The `cmi.interaction` types the builders know how to format. */
export type InteractionType =
  | 'choice'
  | 'true-false'
  | 'fill-in'
  | 'long-fill-in'
  | 'numeric'
  | 'matching'
  | 'sequencing'
  | 'likert'
  | 'other';

/**
 * A learner response or a correct response, formatted per the xAPI `cmi.interaction` rules:
 * `true` → `"true"`, `['a','c']` → `"a[,]c"`, `[['1','b'],['2','a']]` (matching) → `"1[.]b[,]2[.]a"`,
 * `{ min: 1, max: 5 }` (numeric range) → `"1[:]5"`.
 */
export type InteractionResponse =
  | string
  | number
  | boolean
  | string[]
  | [string, string][]
  | { min?: number; max?: number };

/** A choice, source, target, scale point or step: an id, or an id with a label. */
export type ComponentInput = string | { id: string; name?: string | LanguageMap };

/** A question: an activity plus its interaction type, components and correct response. */
export type QuestionInput = ActivityRef & {
  interactionType: InteractionType;
  choices?: ComponentInput[];
  scale?: ComponentInput[];
  source?: ComponentInput[];
  target?: ComponentInput[];
  steps?: ComponentInput[];
  /** The correct response; several patterns as `{ any: [...] }`. */
  correct?: InteractionResponse | { any: InteractionResponse[] };
};

/** Formats a response as the `result.response` / `correctResponsesPattern` string. */
export function formatResponse(r: InteractionResponse): string {
  if (Array.isArray(r)) return r.map((x) => (Array.isArray(x) ? x.join('[.]') : x)).join('[,]');
  if (typeof r === 'object') return `${r.min ?? ''}[:]${r.max ?? ''}`;
  return String(r);
}

function patterns(q: QuestionInput): InteractionResponse[] | undefined {
  const c = q.correct;
  if (c === undefined) return undefined;
  return typeof c === 'object' && 'any' in c ? c.any : [c as InteractionResponse];
}

/** `true`/`false` when the question declares a correct response, else `undefined`. */
export function isCorrect(q: QuestionInput, r: InteractionResponse): boolean | undefined {
  const ps = patterns(q);
  if (!ps) return undefined;
  const got = formatResponse(r);
  return ps.some((p) => {
    if (q.interactionType === 'numeric' && typeof p === 'object' && !Array.isArray(p)) {
      const n = Number(r);
      return n >= (p.min ?? -Infinity) && n <= (p.max ?? Infinity);
    }
    return formatResponse(p) === got;
  });
}

const components = (list: ComponentInput[] | undefined, lang: string): InteractionComponent[] | undefined =>
  list?.map((c) => {
    if (typeof c === 'string') return { id: c };
    const description = langMap(c.name, lang);
    return description ? { id: c.id, description } : { id: c.id };
  });

/** The `cmi.interaction` activity of a question. */
export function toInteraction(q: QuestionInput, lang: string): Activity {
  const a = toActivity(q, lang, ActivityTypes.interaction);
  const d = a.definition!;
  d.interactionType = q.interactionType;
  const ps = patterns(q);
  if (ps) d.correctResponsesPattern = ps.map(formatResponse);
  for (const k of ['choices', 'scale', 'source', 'target', 'steps'] as const) {
    const c = components(q[k], lang);
    if (c) d[k] = c;
  }
  return a;
}
