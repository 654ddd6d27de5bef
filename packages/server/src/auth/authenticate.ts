import { agentKey } from '@kairos/xapi';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors.js';
import { courseIri, courseIriOf } from '../iris.js';
import type { Cache, CredentialRecord, CredentialRepository } from '../storage/types.js';
import { secretMatches } from './api-keys.js';
import { keyCacheOf } from './key-cache.js';
import type { Principal } from './principal.js';
import { type TokenClaims, verifyToken } from './tokens.js';

declare global {
  namespace Express {
    interface Locals {
      /** The authenticated caller (set by `authenticate`). */
      principal: Principal;
    }
  }
}

/** Options of {@link authenticate}. */
export interface AuthenticateOptions {
  credentials: CredentialRepository;
  secret: string;
  publicUrl: string;
  /**
   * Where revocations are heard (`stores.cache`): with it a revoked key stops at once on this process,
   * without it within `KEY_CACHE_MS`.
   */
  cache?: Cache;
  /** Realm named in `WWW-Authenticate`. */
  realm?: string;
}

/** The authority of statements written with an API key, or with a token it minted. */
export const keyAuthority = (publicUrl: string, c: CredentialRecord) => ({
  objectType: 'Agent' as const,
  name: c.name,
  account: { homePage: publicUrl, name: c.key },
});

/**
 * The authority of statements written with tokens minted at LTI launch: the tenant's platform registration
 * vouches for them. `lti:` never collides with key ids (`kk_…`).
 */
export const launchAuthority = (publicUrl: string, tenantId: string) => ({
  objectType: 'Agent' as const,
  name: 'LTI launch',
  account: { homePage: publicUrl, name: `lti:${tenantId}` },
});

async function fromBasic(options: AuthenticateOptions, encoded: string): Promise<Principal> {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(0, colon);
  const secret = colon < 0 ? '' : decoded.slice(colon + 1);
  if (!key || !secret) throw new HttpError(401, 'missing_credentials', 'send an API key as Basic key:secret');
  const record = await keyCacheOf(options.credentials, options.cache).find(key);
  if (!record || record.revokedAt || !secretMatches(record, secret))
    throw new HttpError(401, 'invalid_credentials', 'unknown API key, wrong secret, or revoked key');
  return {
    tenantId: record.tenantId,
    scopes: record.scopes,
    kind: 'basic',
    credentialId: record.key,
    authority: keyAuthority(options.publicUrl, record),
  };
}

/**
 * Establishes `res.locals.principal` from `Authorization: Basic key:secret` (API keys) or
 * `Authorization: Bearer <token>` (minted tokens), or answers 401 saying what is wrong.
 */
export function authenticate(options: AuthenticateOptions) {
  const realm = options.realm ?? 'Kairos';
  // subscribe to revocations now, not on the first request
  keyCacheOf(options.credentials, options.cache);
  return async function authenticateMiddleware(
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    const header = req.get('authorization') ?? '';
    const [scheme = '', value = ''] = header.split(/\s+/, 2);
    try {
      if (/^basic$/i.test(scheme) && value) res.locals.principal = await fromBasic(options, value);
      else if (/^bearer$/i.test(scheme) && value)
        res.locals.principal = await principalFromToken(options, value);
      else
        throw new HttpError(
          401,
          'missing_credentials',
          'send Authorization: Basic key:secret or Bearer <token>',
        );
      next();
    } catch (error) {
      if (error instanceof HttpError && error.status === 401)
        res.setHeader('WWW-Authenticate', `Basic realm="${realm}"`);
      next(error);
    }
  };
}

/** What verifying a Bearer token needs. */
export type TokenOptions = Pick<AuthenticateOptions, 'secret' | 'publicUrl' | 'credentials' | 'cache'>;

/**
 * Verifies a Bearer token and, when an API key minted it, that the key is still valid (through the
 * process's key cache): a revoked key takes its tokens with it. Returns the claims and that key.
 */
export async function verifyBearer(
  options: TokenOptions,
  token: string,
): Promise<TokenClaims & { key?: CredentialRecord }> {
  const claims = await verifyToken(options.secret, token);
  if (claims.keyId === undefined) return claims;
  const key = await keyCacheOf(options.credentials, options.cache).find(claims.keyId);
  if (!key || key.revokedAt || key.tenantId !== claims.tenantId) {
    throw new HttpError(
      401,
      'key_revoked',
      'the API key that minted this Bearer token was revoked; mint a new token with a valid key',
    );
  }
  return { ...claims, key };
}

/** A principal from a verified token (the `Authorization` header, or the body of a beacon). */
export async function principalFromToken(options: TokenOptions, token: string): Promise<Principal> {
  const { key, ...claims } = await verifyBearer(options, token);
  const actorKey = claims.actor ? agentKey(claims.actor) : undefined;
  if (claims.role === 'learner' && actorKey === undefined)
    throw new HttpError(401, 'invalid_token', 'the learner Bearer token names no learner');
  // A launch token's context is always an LTI context; a site backend may name its course by IRI.
  const contextIri =
    claims.contextId === undefined
      ? undefined
      : key
        ? courseIriOf(options.publicUrl, claims.tenantId, claims.contextId)
        : courseIri(options.publicUrl, claims.tenantId, claims.contextId);
  const issuer = key ? key.key : `lti:${claims.tenantId}`;
  return {
    tenantId: claims.tenantId,
    scopes: claims.scopes,
    kind: 'bearer',
    credentialId: actorKey ?? `${issuer}/${claims.contextId ?? '*'}`,
    // "mine" is per issuer: a key's tokens write with the key's authority and read what it vouched for
    authority: key
      ? keyAuthority(options.publicUrl, key)
      : launchAuthority(options.publicUrl, claims.tenantId),
    actorKey: claims.role === 'learner' ? actorKey : undefined,
    contextId: claims.contextId,
    contextIri,
    role: claims.role,
    keyId: claims.keyId,
  };
}
