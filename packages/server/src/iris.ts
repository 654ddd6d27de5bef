/** IRIs Kairos puts in statements for LTI objects (stable per tenant). */

const seg = encodeURIComponent;

/** The course activity (`contextActivities.grouping`) of an LTI context. */
export const courseIri = (publicUrl: string, tenantId: string, contextId: string): string =>
  `${publicUrl}/lti/${seg(tenantId)}/contexts/${seg(contextId)}`;

/** The placed-activity IRI (`contextActivities.parent`) of an LTI resource link. */
export const resourceLinkIri = (publicUrl: string, tenantId: string, resourceLinkId: string): string =>
  `${publicUrl}/lti/${seg(tenantId)}/links/${seg(resourceLinkId)}`;

/** The xAPI actor of an LTI user: an account on the platform, no name or e-mail. */
export const ltiActor = (issuer: string, sub: string) => ({
  objectType: 'Agent' as const,
  account: { homePage: issuer, name: sub },
});
