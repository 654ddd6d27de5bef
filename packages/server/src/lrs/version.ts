import { parseVersionHeader, type XapiVersion } from '@kairos/xapi';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors.js';

declare global {
  namespace Express {
    interface Locals {
      /** xAPI version of this request (from `X-Experience-API-Version`). */
      xapiVersion: XapiVersion;
    }
  }
}

/**
 * Requires `X-Experience-API-Version` (1.0.x or 2.0.x) on every xAPI request and answers in the same
 * version. A request without it, or with an unsupported one, gets 400 (answered as `defaultVersion`).
 */
export function xapiVersion(options: { defaultVersion: XapiVersion }) {
  return function xapiVersionMiddleware(req: Request, res: Response, next: NextFunction): void {
    const header = req.get('x-experience-api-version');
    const version = parseVersionHeader(header);
    res.setHeader('X-Experience-API-Version', version ?? options.defaultVersion);
    if (!version) {
      next(
        new HttpError(
          400,
          'unsupported_version',
          header === undefined
            ? 'send the X-Experience-API-Version header (1.0.3 or 2.0.0)'
            : `X-Experience-API-Version ${JSON.stringify(header)} is not supported; use 1.0.x or 2.0.0`,
        ),
      );
      return;
    }
    res.locals.xapiVersion = version;
    next();
  };
}
