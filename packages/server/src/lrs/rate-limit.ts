import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors.js';
import type { Cache } from '../storage/types.js';

/**
 * Limits requests per credential per minute (fixed windows in the cache, so every instance sharing a Redis
 * shares the count). Over the limit: 429 with `Retry-After` seconds. `perMinute = 0` turns it off.
 */
export function rateLimit(options: { cache: Cache; perMinute: number }) {
  const windowMs = 60_000;
  return async function rateLimitMiddleware(_req: Request, res: Response, next: NextFunction): Promise<void> {
    if (options.perMinute <= 0) return next();
    const principal = res.locals.principal;
    const count = await options.cache.hit(`rate:${principal.tenantId}:${principal.credentialId}`, windowMs);
    res.setHeader('RateLimit-Limit', String(options.perMinute));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, options.perMinute - count)));
    if (count > options.perMinute) {
      const retryAfter = Math.ceil((windowMs - (Date.now() % windowMs)) / 1000);
      res.setHeader('Retry-After', String(retryAfter));
      return next(
        new HttpError(
          429,
          'rate_limited',
          `more than ${options.perMinute} requests this minute; retry in ${retryAfter} s`,
        ),
      );
    }
    next();
  };
}
