import { jsonIssues } from '@kairos/xapi';
import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify } from 'jose';
import { LtiError } from './lti-error.js';
import type { PlatformRegistration } from './registry.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
/** Clock skew tolerated on `iat`/`exp` (ltijs: none, and `iat` at most 10 s old). */
export const CLOCK_SKEW_S = 60;
/** Oldest `iat` accepted: the user may wait at a slow auth endpoint. */
export const MAX_TOKEN_AGE_S = 300;

/** The verified claims of a launch. */
export type LaunchClaims = JWTPayload & Record<string, unknown>;

/**
 * Platform key sets, cached per JWKS URL: jose refetches on an unknown `kid` (at most every 30 s) and
 * after 10 minutes, instead of ltijs' fetch on every launch.
 */
export class PlatformKeys {
  private readonly sets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  /** @param cooldownMs least time between two fetches of one JWKS (an unknown `kid` cannot force more). */
  constructor(private readonly cooldownMs = 30_000) {}

  of(jwksUrl: string): ReturnType<typeof createRemoteJWKSet> {
    let set = this.sets.get(jwksUrl);
    if (!set) {
      set = createRemoteJWKSet(new URL(jwksUrl), {
        cooldownDuration: this.cooldownMs,
        cacheMaxAge: 600_000,
        timeoutDuration: 5_000,
        headers: { 'user-agent': 'Kairos LTI tool' },
      });
      this.sets.set(jwksUrl, set);
    }
    return set;
  }
}

/** Reads `iss` and `aud` before verification, to find the registration. */
export function peekIssuer(idToken: string): { iss?: string; aud: string[] } {
  try {
    const p = decodeJwt(idToken);
    return { iss: p.iss, aud: p.aud === undefined ? [] : Array.isArray(p.aud) ? p.aud : [p.aud] };
  } catch {
    throw new LtiError(
      400,
      'malformed_id_token',
      'The LMS sent a launch token that is not a JWT.',
      'decodeJwt failed',
    );
  }
}

/**
 * Verifies an id_token (LTI 1.3 core §5.1.3, 1EdTech Security Framework §5.1.3): RS256 signature against
 * the platform's JWKS, `iss`, `aud`/`azp`, `exp`/`iat` with {@link CLOCK_SKEW_S}, the nonce bound to this
 * login, then the LTI claims Kairos needs and the deployment.
 */
export async function verifyIdToken(
  idToken: string,
  registration: PlatformRegistration,
  keys: PlatformKeys,
  expectedNonce: string,
): Promise<LaunchClaims> {
  let payload: LaunchClaims;
  try {
    ({ payload } = await jwtVerify(idToken, keys.of(registration.jwksUrl), {
      issuer: registration.issuer,
      audience: registration.clientId,
      algorithms: ['RS256'],
      clockTolerance: CLOCK_SKEW_S,
      maxTokenAge: MAX_TOKEN_AGE_S,
      requiredClaims: ['iat', 'exp', 'sub', 'nonce'],
    }));
  } catch (error) {
    throw fromJose(error);
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (aud.length > 1 && payload.azp !== registration.clientId) {
    throw new LtiError(
      401,
      'invalid_azp',
      'The launch token is meant for another tool.',
      `azp ${payload.azp}`,
    );
  }
  if (payload.nonce !== expectedNonce) {
    throw new LtiError(
      401,
      'nonce_mismatch',
      'The launch token does not belong to this login. Relaunch from your course.',
      'id_token nonce differs from the nonce sent at login',
    );
  }
  // The rule of every string Kairos stores (no NUL, no unpaired surrogate, bounded nesting): claims become
  // roster rows and launch records, and PostgreSQL refuses U+0000.
  const unfit = jsonIssues(payload, 'id_token')[0];
  if (unfit)
    throw new LtiError(
      400,
      'invalid_claim',
      'The launch token carries a claim Kairos cannot store.',
      unfit.message,
    );
  const missing = (claim: string) =>
    new LtiError(400, 'missing_claim', `The LMS did not send the ${claim} claim this launch needs.`, claim);
  if (payload[`${LTI}version`] !== '1.3.0') throw missing('version (1.3.0)');
  const deploymentId = payload[`${LTI}deployment_id`];
  if (typeof deploymentId !== 'string' || deploymentId === '') throw missing('deployment_id');
  // A dynamic registration whose platform named no deployment (Canvas) adopts its first one.
  const adoptable = registration.deploymentIds.length === 0 && registration.registeredBy === 'dynamic';
  if (!registration.deploymentIds.includes(deploymentId) && !adoptable) {
    throw new LtiError(
      403,
      'unknown_deployment',
      `This LMS deployment (${deploymentId}) is not registered with Kairos. Ask the Kairos operator to add it ` +
        '(kairos platform add … --deployment ID).',
      `deployment ${deploymentId} not in ${registration.deploymentIds.join(',')}`,
    );
  }
  const roles = payload[`${LTI}roles`];
  // a list of strings (LTI 1.3 core §5.3.7); anything else is no roles claim, not a crash in the role mapping
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string')) throw missing('roles');
  const type = payload[`${LTI}message_type`];
  if (type === 'LtiResourceLinkRequest') {
    const link = payload[`${LTI}resource_link`] as { id?: unknown } | undefined;
    if (typeof link?.id !== 'string' || link.id === '') throw missing('resource_link');
  } else if (type === 'LtiDeepLinkingRequest') {
    const settings = payload['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] as
      | { deep_link_return_url?: unknown }
      | undefined;
    if (typeof settings?.deep_link_return_url !== 'string') throw missing('deep_linking_settings');
  } else {
    throw new LtiError(
      400,
      'unsupported_message',
      `Kairos does not handle ${String(type)} messages.`,
      String(type),
    );
  }
  return payload;
}

function fromJose(error: unknown): LtiError {
  const reason = (error as Error).message;
  if (error instanceof errors.JWTExpired) {
    return new LtiError(
      401,
      'token_expired',
      'The launch token has expired. Relaunch from your course.',
      reason,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new LtiError(
      401,
      'invalid_claim',
      `The launch token's ${error.claim} claim is not valid.`,
      reason,
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new LtiError(
      401,
      'unknown_key',
      'The launch token is signed with a key the LMS does not publish.',
      reason,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) {
    return new LtiError(401, 'bad_signature', 'The launch token signature is not valid.', reason);
  }
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    error instanceof TypeError
  ) {
    return new LtiError(
      502,
      'platform_keys_unavailable',
      'Kairos could not fetch the LMS signing keys.',
      reason,
    );
  }
  return new LtiError(401, 'invalid_id_token', 'The launch token is not valid.', reason);
}
