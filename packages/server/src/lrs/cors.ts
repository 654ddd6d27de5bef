import type { NextFunction, Request, Response } from 'express';

const ALLOW_HEADERS =
  'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, X-Request-Id';
const EXPOSE_HEADERS =
  'ETag, Last-Modified, X-Experience-API-Consistent-Through, X-Experience-API-Version, X-Request-Id, Retry-After';

/**
 * CORS for browser xAPI clients on other origins: any origin (credentials travel in `Authorization`,
 * never cookies), preflights answered at once and cached for a day.
 */
export function xapiCors() {
  return function xapiCorsMiddleware(req: Request, res: Response, next: NextFunction): void {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, PUT, POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
      res.setHeader('Access-Control-Max-Age', '86400');
      res.status(204).end();
      return;
    }
    next();
  };
}
