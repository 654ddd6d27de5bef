import { validateStatement } from '@kairos/xapi';
import express, { Router } from 'express';
import { authenticate } from '../auth/authenticate.js';
import { isScope } from '../auth/scopes.js';
import { DEFAULT_TOKEN_TTL_S, MAX_TOKEN_TTL_S, mintToken } from '../auth/tokens.js';
import { HttpError } from '../errors.js';
import type { AppDeps } from '../http/app.js';

const LEARNER_SCOPES = ['statements/write', 'statements/read/mine'];
const INSTRUCTOR_SCOPES = ['statements/read', 'analytics/read'];

/**
 * `POST /api/v1/tokens`: a site's backend, holding an API key, mints a short-lived Bearer token for one of
 * its users' browsers (the secret never reaches a browser). A token never has more scopes than the key,
 * writes with the key's authority, and stops working when the key is revoked.
 *
 * Body: `{ "role": "learner", "actor": {…Agent…}, "contextId"?: "…", "ttl"?: seconds, "scopes"?: [...] }`.
 */
export function tokensRouter(deps: AppDeps): Router {
  const router = Router();
  router.post(
    '/tokens',
    authenticate({
      credentials: deps.stores.record.credentials,
      cache: deps.stores.cache,
      secret: deps.secret,
      publicUrl: deps.config.publicUrl,
    }),
    express.json({ limit: '16kb' }),
    async (req, res) => {
      const principal = res.locals.principal;
      if (principal.kind !== 'basic')
        throw new HttpError(403, 'forbidden', 'mint tokens with an API key, not a token');
      const body = (req.body ?? {}) as {
        role?: unknown;
        actor?: unknown;
        contextId?: unknown;
        ttl?: unknown;
        scopes?: unknown;
      };
      if (body.role !== 'learner' && body.role !== 'instructor') {
        throw new HttpError(400, 'invalid_token_request', 'role must be "learner" or "instructor"');
      }
      const scopes =
        body.scopes === undefined
          ? body.role === 'learner'
            ? LEARNER_SCOPES
            : INSTRUCTOR_SCOPES
          : body.scopes;
      if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !isScope(s))) {
        throw new HttpError(400, 'invalid_scope', 'scopes must be a list of known scopes');
      }
      const keyScopes = new Set(principal.scopes);
      const wider = (scopes as string[]).filter((s) => !keyScopes.has(s) && !keyScopes.has('all'));
      if (wider.length > 0)
        throw new HttpError(403, 'forbidden', `this key cannot grant ${wider.join(', ')}`);
      let actor: ReturnType<typeof validateStatement>['actor'] | undefined;
      if (body.actor !== undefined) {
        // validate the actor as it would appear in a statement
        actor = validateStatement(
          {
            actor: body.actor,
            verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
            object: { id: 'urn:kairos:token' },
          },
          { version: '2.0.0', path: 'token' },
        ).actor;
      } else if (body.role === 'learner') {
        throw new HttpError(
          400,
          'invalid_token_request',
          'a learner token needs the learner as "actor" (an Agent)',
        );
      }
      const ttl = body.ttl === undefined ? DEFAULT_TOKEN_TTL_S : Number(body.ttl);
      if (!Number.isInteger(ttl) || ttl < 60 || ttl > MAX_TOKEN_TTL_S) {
        throw new HttpError(
          400,
          'invalid_token_request',
          `ttl must be whole seconds between 60 and ${MAX_TOKEN_TTL_S}`,
        );
      }
      if (body.contextId !== undefined && typeof body.contextId !== 'string') {
        throw new HttpError(400, 'invalid_token_request', 'contextId must be a string');
      }
      const token = await mintToken(
        deps.secret,
        {
          tenantId: principal.tenantId,
          scopes: scopes as string[],
          contextId: body.contextId as string | undefined,
          actor: actor as never,
          role: body.role,
          // the token lives and dies with this key (revoking it stops the token too)
          keyId: principal.credentialId,
        },
        ttl,
      );
      res
        .status(201)
        .json({ token, tokenType: 'Bearer', expiresIn: ttl, endpoint: `${deps.config.publicUrl}/xapi` });
    },
  );
  return router;
}
