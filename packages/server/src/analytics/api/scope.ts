import type { Principal } from '../../auth/principal.js';
import { HttpError } from '../../errors.js';
import type { Stores } from '../../storage/types.js';
import type { Projector } from '../projection/projector.js';
import { type CourseAccess, courseAccess, resolveCourse } from './access.js';
import type { CourseScope } from './views.js';

/** What building a course scope needs. */
export interface ScopeDeps {
  stores: Stores;
  projector: Projector;
  publicUrl: string;
  /** KAIROS_LTI_NAMES: names may be kept and shown at all. */
  names: boolean;
}

/** The query parameters a course figure takes (validated by `CourseQuery`). */
export interface CourseQueryValues {
  asOf?: string;
  group?: string;
  from?: string;
  to?: string;
}

/** Now, to the minute: the default `asOf`, so answers of the same minute are one cache entry. */
const minute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000);

/**
 * The scope of a request on a course: the course `param` names, the principal's access checked, the
 * active generation, the teacher's settings, and the population (`group`, `from`/`to`).
 */
export async function courseScope(
  d: ScopeDeps,
  p: Principal,
  param: string,
  q: CourseQueryValues,
  wants: CourseAccess,
): Promise<CourseScope> {
  const course = await resolveCourse(d.stores.analytics, d.publicUrl, p.tenantId, param);
  courseAccess(p, course, wants);
  const gen = await d.projector.activeGeneration(p.tenantId);
  const settings = await d.stores.analytics.inputs.courseSettings(p.tenantId, course.iri);
  let learners: string[] | undefined;
  if (q.group !== undefined) {
    const groups = await d.stores.analytics.roster.groups(p.tenantId, course.contextId ?? course.iri);
    const g = groups.find((x) => x.groupId === q.group);
    if (!g) throw new HttpError(404, 'group_not_found', `course ${param} has no group ${q.group}`);
    learners = g.learners;
  }
  return {
    analytics: d.stores.analytics,
    tenantId: p.tenantId,
    gen: gen.gen,
    course,
    settings,
    asOf: q.asOf ? new Date(q.asOf) : minute(),
    pop: { learners, from: q.from, to: q.to },
    names: d.names && settings.showNames !== false,
  };
}
