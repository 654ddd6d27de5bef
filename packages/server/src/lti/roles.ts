/** What Kairos makes of a launch's LMS roles. */
export type KairosRole = 'learner' | 'instructor' | 'other';

// Roles that see the dashboard (LTI 1.3 core §A.2: context roles; Moodle and Canvas also send
// institution roles and short forms such as `Instructor`, `TeachingAssistant`, `ContentDeveloper`).
const INSTRUCTOR = new Set([
  'instructor',
  'teachingassistant',
  'contentdeveloper',
  'administrator',
  'mentor#instructor',
  'instructor#teachingassistant',
  'instructor#primaryinstructor',
  'instructor#lecturer',
  'instructor#grader',
  'administrator#administrator',
  'administrator#systemadministrator',
]);
const LEARNER = new Set([
  'learner',
  'student',
  'learner#learner',
  'learner#nondegreelearner',
  'learner#externallearner',
]);

/** The role name of a LIS role IRI or short form, lowercased (`…/membership#Instructor` → `instructor`). */
function roleName(role: string): { scope: 'context' | 'institution' | 'system'; name: string } {
  const r = role.trim();
  const m =
    /^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/(membership|institution\/person|system\/person)#(.+)$/.exec(
      r,
    );
  if (m) {
    const scope =
      m[1] === 'membership' ? 'context' : m[1] === 'institution/person' ? 'institution' : 'system';
    return { scope, name: m[2]!.toLowerCase() };
  }
  // Sub-roles: `…/membership/Instructor#TeachingAssistant`
  const sub = /^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/membership\/([^#]+)#(.+)$/.exec(r);
  if (sub) return { scope: 'context', name: `${sub[1]}#${sub[2]}`.toLowerCase() };
  // Short forms (LTI 1.1 style, Moodle NRPS): `Learner`, `Instructor`, `urn:lti:role:ims/lis/Learner`.
  return { scope: 'context', name: r.replace(/^urn:lti:role:ims\/lis\//i, '').toLowerCase() };
}

/**
 * Maps LMS roles to learner or instructor. Context roles decide; an institution-level Faculty or
 * Administrator without a context role (Canvas admins, Moodle site admins) counts as instructor.
 *
 * @example
 * kairosRole(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner']) // 'learner'
 */
export function kairosRole(roles: readonly string[]): KairosRole {
  const parsed = roles.map(roleName);
  const context = parsed.filter((r) => r.scope === 'context');
  if (context.some((r) => INSTRUCTOR.has(r.name) || r.name.startsWith('instructor#'))) return 'instructor';
  if (context.some((r) => LEARNER.has(r.name) || r.name.startsWith('learner#'))) return 'learner';
  if (
    parsed.some((r) => r.scope !== 'context' && ['faculty', 'administrator', 'sysadmin'].includes(r.name))
  ) {
    return 'instructor';
  }
  if (parsed.some((r) => r.scope !== 'context' && ['student', 'learner'].includes(r.name))) return 'learner';
  return 'other';
}
