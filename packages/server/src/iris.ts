/** IRIs Kairos puts in statements for LTI objects (stable per tenant). */
import { isIri } from '@kairos/xapi';

const seg = encodeURIComponent;

/** The course activity (`contextActivities.grouping`) of an LTI context. */
export const courseIri = (publicUrl: string, tenantId: string, contextId: string): string =>
  `${publicUrl}/lti/${seg(tenantId)}/contexts/${seg(contextId)}`;

/**
 * The course IRI of the `contextId` a site backend gives `POST /api/v1/tokens`: an absolute IRI is the
 * course IRI itself (a course outside any LMS); anything else names an LTI context of the tenant
 * ({@link courseIri}). Tokens minted at LTI launch always use {@link courseIri}, since an LMS's context id
 * may look like an IRI (Open edX's `course-v1:…`); `Principal.contextIri` holds the answer for a token.
 *
 * @example
 * courseIriOf(publicUrl, 'default', 'https://site.example/courses/9'); // 'https://site.example/courses/9'
 * courseIriOf(publicUrl, 'default', '42'); // `${publicUrl}/lti/default/contexts/42`
 */
export const courseIriOf = (publicUrl: string, tenantId: string, contextId: string): string =>
  isIri(contextId) ? contextId : courseIri(publicUrl, tenantId, contextId);

/** The placed-activity IRI (`contextActivities.parent`) of an LTI resource link. */
export const resourceLinkIri = (publicUrl: string, tenantId: string, resourceLinkId: string): string =>
  `${publicUrl}/lti/${seg(tenantId)}/links/${seg(resourceLinkId)}`;

/** The xAPI actor of an LTI user: an account on the platform, no name or e-mail. */
export const ltiActor = (issuer: string, sub: string) => ({
  objectType: 'Agent' as const,
  account: { homePage: issuer, name: sub },
});

/** The activity IRI of a quiz a teacher wrote in the deep-linking picker. */
export const quizIri = (publicUrl: string, tenantId: string, quizId: string): string =>
  `${publicUrl}/lti/${seg(tenantId)}/quizzes/${seg(quizId)}`;

/** The activity IRI of a built-in catalog item (`fractions-quiz`…). */
export const catalogIri = (publicUrl: string, itemId: string): string =>
  `${publicUrl}/activities/${seg(itemId)}`;
