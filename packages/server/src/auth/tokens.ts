import type { Agent } from '@kairos/xapi';
import { errors, jwtVerify, SignJWT } from 'jose';
import { HttpError } from '../errors.js';

/** What a short-lived Bearer token grants. */
export interface TokenClaims {
  tenantId: string;
  scopes: string[];
  /** LTI context (course) the token is scoped to, or the course IRI a site backend named. */
  contextId?: string;
  /** The learner the token speaks for; learner tokens may only write and read statements about this agent. */
  actor?: Agent;
  role?: 'learner' | 'instructor';
  /**
   * The API key that minted the token (`POST /api/v1/tokens`): the token dies with it. Absent on tokens
   * minted at LTI launch (the platform registration vouches for those).
   */
  keyId?: string;
}

const ISSUER = 'kairos';
const AUDIENCE = 'kairos-api';
/** Default lifetime of minted tokens (a launched page refreshes its token before it expires). */
export const DEFAULT_TOKEN_TTL_S = 3600;
/** Longest lifetime a token may have; a token claiming more (or no expiry at all) is refused. */
export const MAX_TOKEN_TTL_S = 24 * 3600;
// Clocks of the instances of a deployment may drift this much.
const CLOCK_TOLERANCE_S = 30;

const keyOf = (secret: string) => new TextEncoder().encode(`kairos-token:${secret}`);

/**
 * Mints a short-lived Bearer token (HS256 JWT) for `/xapi` and `/api/v1`, scoped to a tenant, optionally a
 * context and an actor. Called at LTI launch and by `POST /api/v1/tokens`.
 *
 * @example
 * const token = await mintToken(secret, { tenantId, scopes: ['statements/write', 'statements/read/mine'], actor, role: 'learner' });
 */
export async function mintToken(
  secret: string,
  claims: TokenClaims,
  ttlSeconds = DEFAULT_TOKEN_TTL_S,
): Promise<string> {
  if (ttlSeconds > MAX_TOKEN_TTL_S) {
    throw new RangeError(`a token lives at most ${MAX_TOKEN_TTL_S} s (asked for ${ttlSeconds})`);
  }
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    tid: claims.tenantId,
    scp: claims.scopes,
    ...(claims.contextId ? { ctx: claims.contextId } : {}),
    ...(claims.actor ? { act: claims.actor } : {}),
    ...(claims.role ? { role: claims.role } : {}),
    ...(claims.keyId ? { key: claims.keyId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.floor(ttlSeconds));
  return jwt.sign(keyOf(secret));
}

const unbounded = (why: string) =>
  new HttpError(
    401,
    'token_lifetime',
    `the Bearer token ${why}; Kairos accepts only tokens that expire within ${MAX_TOKEN_TTL_S / 3600} h of being issued (get a new one: relaunch, or POST /api/v1/tokens)`,
  );

/**
 * Verifies a token and returns its claims; throws a 401 {@link HttpError} saying why it is refused. A
 * token must carry `iat` and `exp`, at most {@link MAX_TOKEN_TTL_S} apart: a signature alone never grants
 * access forever (a leaked token without `exp` would otherwise outlive every key rotation but the secret's).
 */
export async function verifyToken(secret: string, token: string): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['iat', 'exp'],
    });
    const { iat, exp } = payload as { iat: number; exp: number };
    if (exp - iat > MAX_TOKEN_TTL_S) throw unbounded(`lives ${Math.round((exp - iat) / 3600)} h`);
    if (iat > Date.now() / 1000 + CLOCK_TOLERANCE_S) throw unbounded('is issued in the future');
    if (typeof payload.tid !== 'string' || !Array.isArray(payload.scp)) {
      throw new HttpError(401, 'invalid_token', 'the Bearer token lacks its tenant or scopes');
    }
    return {
      tenantId: payload.tid,
      scopes: payload.scp.map(String),
      contextId: typeof payload.ctx === 'string' ? payload.ctx : undefined,
      actor: (payload.act as Agent | undefined) ?? undefined,
      role: payload.role === 'learner' || payload.role === 'instructor' ? payload.role : undefined,
      keyId: typeof payload.key === 'string' ? payload.key : undefined,
    };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof errors.JWTExpired) {
      throw new HttpError(
        401,
        'token_expired',
        'the Bearer token has expired; get a new one (relaunch, or POST /api/v1/tokens)',
      );
    }
    if (
      error instanceof errors.JWTClaimValidationFailed &&
      (error.claim === 'exp' || error.claim === 'iat')
    ) {
      throw unbounded(
        error.reason === 'missing' ? `has no "${error.claim}" claim` : `has a bad "${error.claim}"`,
      );
    }
    throw new HttpError(401, 'invalid_token', 'the Bearer token is not valid for this server');
  }
}
