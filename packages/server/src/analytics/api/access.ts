import { isIri, stringProblem } from '@kairos/xapi';
import type { Principal } from '../../auth/principal.js';
import { HttpError } from '../../errors.js';
import { courseIri } from '../../iris.js';
import type { AnalyticsStore } from '../../storage/types.js';

/** A course as a request addresses it: its IRI (the projection's key) and its LTI context, if any. */
export interface CourseRef {
  iri: string;
  contextId?: string;
}

/**
 * The course `{course}` names: an LTI context id of the tenant (as the roster knows it, or as Kairos
 * would name its course IRI), else a course IRI (URL-encoded in the path).
 */
export async function resolveCourse(
  analytics: AnalyticsStore,
  publicUrl: string,
  tenantId: string,
  param: string,
): Promise<CourseRef> {
  // every caller, the live feed included (it is mounted beside the router): a NUL reached PostgreSQL
  const problem = stringProblem(param);
  if (problem) throw new HttpError(400, 'invalid_query', `course: ${problem.message}`);
  const context = await analytics.roster.getContext(tenantId, param);
  if (context) return { iri: context.iri, contextId: context.contextId };
  if (isIri(param)) return { iri: param };
  return { iri: courseIri(publicUrl, tenantId, param), contextId: param };
}

/** What a principal may do with a course's analytics. */
export type CourseAccess = 'read' | 'write' | 'own';

const has = (p: Principal, ...scopes: string[]) => scopes.some((s) => p.scopes.includes(s));
/** Scopes that read analytics: its own, and the xAPI scopes that read everything. */
const READ = ['analytics/read', 'all/read', 'all'];

/**
 * Who sees what (docs/analytics.md "Who sees what"): an API key with `analytics/read` reads every course of
 * its tenant; a token reads only the course it is scoped to (an instructor's launch, or a site's token
 * with a context); a learner token reads only its own learner (`own`); `analytics/write` (or `all`) adds
 * the course's settings, structure, roster and manual levels. Nothing crosses tenants (the principal's
 * tenant is the only one a request can name).
 */
export function courseAccess(p: Principal, course: CourseRef, wants: CourseAccess): void {
  if (p.contextIri !== undefined && p.contextIri !== course.iri) {
    throw new HttpError(403, 'forbidden_course', 'this token is scoped to another course');
  }
  if (p.role === 'learner' || p.actorKey !== undefined) {
    if (wants === 'own') return;
    throw new HttpError(403, 'forbidden', "a learner token reads only its own learner's analytics");
  }
  if (!has(p, ...READ)) {
    throw new HttpError(
      403,
      'forbidden',
      'this credential may not read analytics (scope analytics/read needed)',
    );
  }
  if (wants === 'write' && !has(p, 'analytics/write', 'all')) {
    throw new HttpError(403, 'forbidden', 'changing a course needs the scope analytics/write');
  }
}

/** Tenant-wide analytics (courses list, frameworks, alignments): a key or a token without a course. */
export function tenantAccess(p: Principal, wants: 'read' | 'write'): void {
  if (p.role === 'learner' || p.actorKey !== undefined) {
    throw new HttpError(403, 'forbidden', "a learner token reads only its own learner's analytics");
  }
  if (!has(p, ...READ)) {
    throw new HttpError(
      403,
      'forbidden',
      'this credential may not read analytics (scope analytics/read needed)',
    );
  }
  if (wants === 'write' && (p.contextIri !== undefined || !has(p, 'analytics/write', 'all'))) {
    throw new HttpError(
      403,
      'forbidden',
      'tenant-wide changes (frameworks, alignments, mastery parameters) need an API key with analytics/write',
    );
  }
}

/** The learner a learner token may read: itself only (`me` names it too). */
export function ownLearner(p: Principal, learner: string): string {
  if (p.actorKey === undefined) return learner;
  if (learner === 'me' || learner === p.actorKey) return p.actorKey;
  throw new HttpError(403, 'forbidden', "a learner token reads only its own learner's analytics");
}
