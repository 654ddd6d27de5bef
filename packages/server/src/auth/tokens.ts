import type { Agent } from '@kairos/xapi';
import { errors, jwtVerify, SignJWT } from 'jose';
import { HttpError } from '../errors.js';

/** What a short-lived Bearer token grants. */
export interface TokenClaims {
  tenantId: string;
  scopes: string[];
  /** LTI context (course) the token is scoped to. */
  contextId?: string;
  /** The learner the token speaks for; learner tokens may only write and read statements about this agent. */
  actor?: Agent;
  role?: 'learner' | 'instructor';
}

const ISSUER = 'kairos';
const AUDIENCE = 'kairos-api';
/** Default lifetime of minted tokens (a launched page refreshes its token before it expires). */
export const DEFAULT_TOKEN_TTL_S = 3600;

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
  const jwt = new SignJWT({
    tid: claims.tenantId,
    scp: claims.scopes,
    ...(claims.contextId ? { ctx: claims.contextId } : {}),
    ...(claims.actor ? { act: claims.actor } : {}),
    ...(claims.role ? { role: claims.role } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + Math.floor(ttlSeconds));
  return jwt.sign(keyOf(secret));
}

/** Verifies a token and returns its claims; throws a 401 {@link HttpError} saying why it is refused. */
export async function verifyToken(secret: string, token: string): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      clockTolerance: 30,
    });
    if (typeof payload.tid !== 'string' || !Array.isArray(payload.scp)) {
      throw new HttpError(401, 'invalid_token', 'the Bearer token lacks its tenant or scopes');
    }
    return {
      tenantId: payload.tid,
      scopes: payload.scp.map(String),
      contextId: typeof payload.ctx === 'string' ? payload.ctx : undefined,
      actor: (payload.act as Agent | undefined) ?? undefined,
      role: payload.role === 'learner' || payload.role === 'instructor' ? payload.role : undefined,
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
    throw new HttpError(401, 'invalid_token', 'the Bearer token is not valid for this server');
  }
}
