/**
 * The Kairos xAPI profile: the verbs, activity types and extensions the SDK emits and the
 * projection understands. Documented in docs/xapi-profile.md.
 */

import type { ExtensionMap } from './types.js';

/** IRI of the Kairos profile; every Kairos statement carries it in `context.contextActivities.category`. */
export const KAIROS_PROFILE_IRI = 'https://kairos.dev/xapi/profile/v1';

/** ADL verbs used by Kairos, as `{ id, display }` ready to put in a statement. */
export const Verbs = {
  initialized: { id: 'http://adlnet.gov/expapi/verbs/initialized', display: { en: 'initialized' } },
  terminated: { id: 'http://adlnet.gov/expapi/verbs/terminated', display: { en: 'terminated' } },
  suspended: { id: 'http://adlnet.gov/expapi/verbs/suspended', display: { en: 'suspended' } },
  resumed: { id: 'http://adlnet.gov/expapi/verbs/resumed', display: { en: 'resumed' } },
  attempted: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { en: 'attempted' } },
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { en: 'answered' } },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { en: 'completed' } },
  passed: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { en: 'passed' } },
  failed: { id: 'http://adlnet.gov/expapi/verbs/failed', display: { en: 'failed' } },
  progressed: { id: 'http://adlnet.gov/expapi/verbs/progressed', display: { en: 'progressed' } },
  experienced: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { en: 'experienced' } },
  interacted: { id: 'http://adlnet.gov/expapi/verbs/interacted', display: { en: 'interacted' } },
  voided: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } },
} as const;

/** Name of a Kairos profile verb. */
export type VerbName = keyof typeof Verbs;

/** Activity types (`object.definition.type`). */
export const ActivityTypes = {
  course: 'http://adlnet.gov/expapi/activities/course',
  module: 'http://adlnet.gov/expapi/activities/module',
  lesson: 'http://adlnet.gov/expapi/activities/lesson',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  interaction: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  objective: 'http://adlnet.gov/expapi/activities/objective',
  page: 'https://kairos.dev/xapi/activities/page',
  screen: 'https://kairos.dev/xapi/activities/screen',
} as const;

/** Extension IRIs of the Kairos profile. */
export const Extensions = {
  /** `experienced` navigation: the screen or URL the learner came from (context extension). */
  navigationFrom: 'https://kairos.dev/xapi/extensions/navigation/from',
  /** `experienced` navigation: the screen or URL the learner went to (context extension). */
  navigationTo: 'https://kairos.dev/xapi/extensions/navigation/to',
  /** Seconds spent on the previous screen (result extension). */
  timeOnPrevious: 'https://kairos.dev/xapi/extensions/navigation/time-on-previous',
  /** Idle seconds excluded from `result.duration` (result extension). */
  idleSeconds: 'https://kairos.dev/xapi/extensions/time/idle-seconds',
  /** Progress between 0 and 1 (result extension, on `progressed`). */
  progress: 'https://kairos.dev/xapi/extensions/progress',
  /** Attempt number, starting at 1 (context extension). */
  attempt: 'https://kairos.dev/xapi/extensions/attempt',
  /** Difficulty level of an activity: `decouverte`, `entrainement` or `maitrise` (activity definition extension). */
  level: 'https://kairos.dev/xapi/extensions/level',
  /** Name of the SDK that produced the statement and its version (context extension). */
  sdk: 'https://kairos.dev/xapi/extensions/sdk',
} as const;

/**
 * The type of an xAPI `extensions` object (IRI → any JSON value). It shares its name with the
 * `Extensions` constant above: `Extensions.attempt` is an IRI, `Extensions` as a type is the map.
 */
export type Extensions = ExtensionMap;
