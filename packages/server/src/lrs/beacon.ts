import { parseVersionHeader, validateStatements } from '@kairos/xapi';
import { Router, text } from 'express';
import { principalFromToken } from '../auth/authenticate.js';
import { HttpError } from '../errors.js';
import type { StatementsDeps } from './statements/routes.js';
import { writeStatements } from './statements/write.js';

/**
 * POST /xapi/beacon: the SDK's last-chance path on page hide. `navigator.sendBeacon` cannot set headers, so
 * the body (`text/plain`, JSON) carries the token and version: `{ token, version, statements }`. Same
 * validation, authorization and idempotent store as POST /statements; answers 204.
 */
export function beaconRouter(deps: StatementsDeps & { publicUrl: string; bodyLimit: string }): Router {
  const router = Router();
  router.post('/beacon', text({ type: () => true, limit: deps.bodyLimit }), async (req, res) => {
    let body: { token?: unknown; version?: unknown; statements?: unknown };
    try {
      body = JSON.parse(typeof req.body === 'string' ? req.body : '');
    } catch {
      throw new HttpError(
        400,
        'malformed_json',
        'beacon body must be JSON: {"token", "version", "statements"}',
      );
    }
    if (typeof body?.token !== 'string')
      throw new HttpError(401, 'missing_credentials', 'beacon body needs "token"');
    // the key cache is shared with /xapi's authenticate, which listens for revocations
    const principal = await principalFromToken(
      { secret: deps.secret, publicUrl: deps.publicUrl, credentials: deps.record.credentials },
      body.token,
    );
    const version = parseVersionHeader(typeof body.version === 'string' ? body.version : '2.0.0');
    if (!version) throw new HttpError(400, 'unsupported_version', 'beacon "version" must be 1.0.x or 2.0.0');
    const statements = validateStatements(body.statements, { version });
    await writeStatements(deps, principal, statements, version);
    res.status(204).end();
  });
  return router;
}
