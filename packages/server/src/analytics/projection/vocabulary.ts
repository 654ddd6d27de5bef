/**
 * The verbs and extensions the projection understands, from the Kairos profile and from other tools'
 * profiles (ADL, cmi5, the ADL video profile, H5P, Storyline, Adapt, moodle-logstore_xapi). A statement
 * is projected on what it says (result, verb, context), never on the tool that sent it.
 */
import { Extensions as KairosExtensions } from '@kairos/xapi';

const ADL = 'http://adlnet.gov/expapi/verbs/';
const ADL_W3ID = 'https://w3id.org/xapi/adl/verbs/';
const VIDEO = 'https://w3id.org/xapi/video/verbs/';

/** Verbs that say the learner passed or failed the object: success without a result. */
export const SUCCESS_VERBS: Readonly<Record<string, boolean>> = {
  [`${ADL}passed`]: true,
  [`${ADL}failed`]: false,
  [`${ADL}mastered`]: true,
  // cmi5: an AU waived by the LMS counts as passed and completed
  [`${ADL_W3ID}waived`]: true,
  [`${ADL_W3ID}satisfied`]: true,
};

/** Verbs that say the learner finished the object. */
export const COMPLETION_VERBS: ReadonlySet<string> = new Set([
  `${ADL}completed`,
  `${ADL}passed`,
  `${ADL}mastered`,
  `${ADL_W3ID}waived`,
  `${ADL_W3ID}satisfied`,
  `${VIDEO}completed`,
]);

/** The voiding verb. */
export const VOIDED = `${ADL}voided`;
/** `experienced`: with navigation extensions, a move between screens. */
export const EXPERIENCED = `${ADL}experienced`;

/** Context extensions holding the attempt number (Kairos profile; others count registrations). */
export const ATTEMPT_EXTENSIONS = [KairosExtensions.attempt];
/** Navigation extensions of the Kairos profile (`experienced` from/to). */
export const NAVIGATION = { from: KairosExtensions.navigationFrom, to: KairosExtensions.navigationTo };
/** Activity definition extension holding the level (`decouverte`, `entrainement`, `maitrise`). */
export const LEVEL_EXTENSION = KairosExtensions.level;

/** Activity types of competencies in `context.contextActivities.other`. */
export const OBJECTIVE_TYPES: ReadonlySet<string> = new Set([
  'http://adlnet.gov/expapi/activities/objective',
  'http://id.tincanapi.com/activitytype/objective',
]);

/**
 * True for an activity type naming a course: ADL's, Learning Locker's (moodle-logstore_xapi), tincan's,
 * cmi5's course structure.
 */
export const isCourseType = (type: string | undefined): boolean =>
  type !== undefined && /[/#]course$/i.test(type);

/** A score counts as a success from this share of the maximum when the statement has no `success`. */
export const SUCCESS_CREDIT = 0.5;
