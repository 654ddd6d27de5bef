import { agentKey } from '@kairos/xapi';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors.js';
import type { CredentialRecord, CredentialRepository } from '../storage/types.js';
import { hashSecret, verifyApiKey } from './api-keys.js';
import type { Principal } from './principal.js';
import { verifyToken } from './tokens.js';

declare global {
  namespace Express {
    interface Locals {
      /** The authenticated caller (set by `authenticate`). */
      principal: Principal;
    }
  }
}

// Verified Basic credentials are remembered briefly so the hot path skips a store round trip.
// A revoked key therefore keeps working on a running instance for at most this long.
const BASIC_CACHE_MS = 30_000;

/** Options of {@link authenticate}. */
export interface AuthenticateOptions {
  credentials: CredentialRepository;
  secret: string;
  publicUrl: string;
  /** Realm named in `WWW-Authenticate`. */
  realm?: string;
}

/** The authority of statements written with an API key. */
export const keyAuthority = (publicUrl: string, c: CredentialRecord) => ({
  objectType: 'Agent' as const,
  name: c.name,
  account: { homePage: publicUrl, name: c.key },
});

/**
 * Establishes `res.locals.principal` from `Authorization: Basic key:secret` (API keys) or
 * `Authorization: Bearer <token>` (minted tokens), or answers 401 saying what is wrong.
 */
export function authenticate(options: AuthenticateOptions) {
  const remembered = new Map<string, { hash: string; record: CredentialRecord; until: number }>();
  const realm = options.realm ?? 'Kairos';

  async function fromBasic(encoded: string): Promise<Principal> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const key = colon < 0 ? decoded : decoded.slice(0, colon);
    const secret = colon < 0 ? '' : decoded.slice(colon + 1);
    if (!key || !secret)
      throw new HttpError(401, 'missing_credentials', 'send an API key as Basic key:secret');
    const now = Date.now();
    const hit = remembered.get(key);
    let record: CredentialRecord | undefined;
    if (hit && hit.until > now && hit.hash === hashSecret(secret)) record = hit.record;
    else {
      record = await verifyApiKey(options.credentials, key, secret);
      if (record) {
        if (remembered.size > 10_000) remembered.clear();
        remembered.set(key, { hash: record.secretHash, record, until: now + BASIC_CACHE_MS });
      }
    }
    if (!record)
      throw new HttpError(401, 'invalid_credentials', 'unknown API key, wrong secret, or revoked key');
    return {
      tenantId: record.tenantId,
      scopes: record.scopes,
      kind: 'basic',
      credentialId: record.key,
      authority: keyAuthority(options.publicUrl, record),
    };
  }

  return async function authenticateMiddleware(
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    const header = req.get('authorization') ?? '';
    const [scheme = '', value = ''] = header.split(/\s+/, 2);
    try {
      if (/^basic$/i.test(scheme) && value) res.locals.principal = await fromBasic(value);
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

/** A principal from a verified token (used where the token travels in the body, e.g. beacons). */
export async function principalFromToken(
  options: Pick<AuthenticateOptions, 'secret' | 'publicUrl'>,
  token: string,
): Promise<Principal> {
  const claims = await verifyToken(options.secret, token);
  const actorKey = claims.actor ? agentKey(claims.actor) : undefined;
  return {
    tenantId: claims.tenantId,
    scopes: claims.scopes,
    kind: 'bearer',
    credentialId: actorKey ?? `tenant:${claims.tenantId}`,
    authority: {
      objectType: 'Agent',
      account: { homePage: options.publicUrl, name: `tenant:${claims.tenantId}` },
    },
    actorKey: claims.role === 'learner' ? actorKey : undefined,
    contextId: claims.contextId,
    role: claims.role,
  };
}
