/**
 * The xAPI shapes the SDK builds. Kept structural and minimal on purpose: the SDK bundles no
 * validator, and these types stay assignable to the full `@kairos/xapi` statement types.
 */

/** A language map, e.g. `{ en: 'Question 1', fr: 'Question 1' }`. */
export type LanguageMap = Record<string, string>;

/** Extensions keyed by IRI. */
export type Extensions = Record<string, unknown>;

/** An xAPI agent. Kairos identifies learners by an opaque account, never by e-mail or name. */
export interface Agent {
  objectType?: 'Agent';
  name?: string;
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: { homePage: string; name: string };
}

/** The definition of an activity (`object.definition`). */
export interface ActivityDefinition {
  name?: LanguageMap;
  description?: LanguageMap;
  type?: string;
  moreInfo?: string;
  extensions?: Extensions;
  interactionType?: string;
  correctResponsesPattern?: string[];
  choices?: InteractionComponent[];
  scale?: InteractionComponent[];
  source?: InteractionComponent[];
  target?: InteractionComponent[];
  steps?: InteractionComponent[];
}

/** One choice, source, target or step of a `cmi.interaction`. */
export interface InteractionComponent {
  id: string;
  description?: LanguageMap;
}

/** An xAPI activity (statement object). */
export interface Activity {
  objectType?: 'Activity';
  id: string;
  definition?: ActivityDefinition;
}

/** `result.score`. */
export interface Score {
  scaled?: number;
  raw?: number;
  min?: number;
  max?: number;
}

/** `result`. */
export interface Result {
  score?: Score;
  success?: boolean;
  completion?: boolean;
  response?: string;
  duration?: string;
  extensions?: Extensions;
}

/** `context`. */
export interface Context {
  registration?: string;
  contextActivities?: {
    parent?: Activity[];
    grouping?: Activity[];
    category?: Activity[];
    other?: Activity[];
  };
  language?: string;
  platform?: string;
  extensions?: Extensions;
}

/** An xAPI statement as the SDK sends it: `id` and `timestamp` are always set at capture. */
export interface Statement {
  id?: string;
  actor?: Agent;
  verb: { id: string; display?: LanguageMap };
  object:
    | Activity
    | {
        objectType: 'Agent' | 'Group' | 'StatementRef' | 'SubStatement';
        id?: string;
        [key: string]: unknown;
      };
  result?: Result;
  context?: Context;
  timestamp?: string;
  [key: string]: unknown;
}

/** An activity given by id and plain fields; a string `name` becomes a map in the tracker's language. */
export interface ActivityRef {
  id: string;
  name?: string | LanguageMap;
  description?: string | LanguageMap;
  type?: string;
  extensions?: Extensions;
}

/** What the builders accept for an activity: an IRI, an `ActivityRef`, or a full xAPI activity. */
export type ActivityInput = string | ActivityRef | Activity;
