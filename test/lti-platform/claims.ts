import { randomUUID } from 'node:crypto';
import type { LaunchSpec, LineItem, ToolRegistration } from './state.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const AGS = 'https://purl.imsglobal.org/spec/lti-ags/';

/** The claims of an LTI 1.3 id_token for `spec`, as Moodle and Canvas send them. */
export function launchClaims(
  issuer: string,
  tool: ToolRegistration,
  spec: LaunchSpec,
  nonce: string,
  lineItems: LineItem[],
): Record<string, unknown> {
  const messageType = spec.messageType ?? 'LtiResourceLinkRequest';
  const course = spec.course;
  const claims: Record<string, unknown> = {
    iss: issuer,
    aud: tool.clientId,
    azp: tool.clientId,
    sub: spec.user.id,
    nonce,
    name: spec.user.name,
    given_name: spec.user.givenName,
    family_name: spec.user.familyName,
    email: spec.user.email,
    [`${LTI}message_type`]: messageType,
    [`${LTI}version`]: '1.3.0',
    [`${LTI}deployment_id`]: spec.deploymentId ?? tool.deploymentIds[0],
    [`${LTI}target_link_uri`]: spec.targetLinkUri ?? tool.targetLinkUri,
    [`${LTI}roles`]: spec.user.roles,
    [`${LTI}tool_platform`]: {
      guid: 'test-platform',
      name: 'Kairos test LMS',
      product_family_code: 'kairos-test',
      version: '1.0',
    },
    [`${LTI}launch_presentation`]: { document_target: 'iframe', locale: 'fr' },
    [`${LTI}custom`]: { ...tool.custom, ...spec.custom },
  };
  if (course) {
    claims[`${LTI}context`] = {
      id: course.id,
      label: course.label,
      title: course.title,
      type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'],
    };
    claims['https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'] = {
      context_memberships_url: `${issuer}/api/contexts/${encodeURIComponent(course.id)}/memberships`,
      service_versions: ['2.0'],
    };
    const ags: Record<string, unknown> = {
      scope: [`${AGS}scope/lineitem`, `${AGS}scope/result.readonly`, `${AGS}scope/score`],
      lineitems: `${issuer}/api/contexts/${encodeURIComponent(course.id)}/lineitems`,
    };
    const bound =
      lineItems.find((l) => l.id === spec.lineItemId) ??
      lineItems.find((l) => l.contextId === course.id && l.resourceLinkId === spec.resourceLink?.id);
    if (bound) ags.lineitem = `${issuer}/api/lineitems/${bound.id}`;
    claims[`${AGS}claim/endpoint`] = ags;
  }
  if (messageType === 'LtiResourceLinkRequest') {
    claims[`${LTI}resource_link`] = spec.resourceLink ?? { id: randomUUID(), title: 'Activity' };
  } else {
    claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = {
      deep_link_return_url: `${issuer}/deep_link_return`,
      accept_types: ['ltiResourceLink'],
      accept_presentation_document_targets: ['iframe', 'window'],
      accept_multiple: true,
      auto_create: true,
      data: `dl-${randomUUID()}`,
    };
  }
  spec.tamper?.(claims);
  return claims;
}
