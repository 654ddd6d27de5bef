import type { NextFunction, Request, Response } from 'express';

/** What one API lets browsers on other origins do. */
export interface CorsPolicy {
  methods: string;
  allowHeaders: string;
  exposeHeaders?: string;
}

/** The xAPI LRS: every resource's methods, xAPI's headers, and the consistency horizon read back. */
export const XAPI_CORS: CorsPolicy = {
  methods: 'GET, HEAD, PUT, POST, DELETE, OPTIONS',
  allowHeaders:
    'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, X-Request-Id',
  exposeHeaders:
    'ETag, Last-Modified, X-Experience-API-Consistent-Through, X-Experience-API-Version, X-Request-Id, Retry-After',
};

/** The analytics API: reads, teacher writes, CSV, and the live feed resumed with `Last-Event-ID`. */
export const ANALYTICS_CORS: CorsPolicy = {
  methods: 'GET, HEAD, PUT, POST, DELETE, OPTIONS',
  allowHeaders: 'Authorization, Content-Type, Accept, Last-Event-ID, X-Request-Id',
  exposeHeaders: 'ETag, Content-Disposition, X-Request-Id, Retry-After',
};

/**
 * CORS for browser clients on other origins (a developer's site, an LMS page): any origin, since
 * credentials travel in `Authorization` and never in cookies; preflights answered at once and cached for
 * a day.
 */
export function bearerCors(policy: CorsPolicy) {
  return function corsMiddleware(req: Request, res: Response, next: NextFunction): void {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (policy.exposeHeaders) res.setHeader('Access-Control-Expose-Headers', policy.exposeHeaders);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', policy.methods);
      res.setHeader('Access-Control-Allow-Headers', policy.allowHeaders);
      res.setHeader('Access-Control-Max-Age', '86400');
      res.status(204).end();
      return;
    }
    next();
  };
}
