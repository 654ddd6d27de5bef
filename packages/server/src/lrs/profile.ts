import { kairosProfileJsonLd } from '@kairos/xapi';
import type { Request, Response } from 'express';

// The document is the same for every server and request: built once, its ETag computed by Express.
const BODY = JSON.stringify(kairosProfileJsonLd(), null, 2);

/**
 * GET /xapi/profile: unauthenticated; the Kairos xAPI profile as an xAPI Profile document (JSON-LD).
 * Its IRI (`https://kairos.dev/xapi/profile/v1`, named by `/xapi/about`) is a name no customer's server
 * answers, so each LRS serves the document here. `application/ld+json`, or `application/json` when the
 * client asks for that only; public and cacheable for a day.
 */
export function profile(req: Request, res: Response): void {
  const type = req.accepts(['application/ld+json', 'application/json']) || 'application/ld+json';
  res.setHeader('Cache-Control', 'public, max-age=86400');
  res.vary('Accept');
  res.type(`${type}; charset=utf-8`).send(BODY);
}
