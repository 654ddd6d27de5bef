import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';
import { redactingLogger, redactUrl } from './redact.js';

declare global {
  namespace Express {
    interface Locals {
      /** Id of this request, echoed in `X-Request-Id` and every log line about it. */
      requestId: string;
      /** Logger bound to this request. */
      log: Logger;
    }
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id (the caller's `X-Request-Id` when it looks sane), a child logger, and one
 * access-log line when the response finishes. Every line of that logger is redacted (see ./redact.ts):
 * the URL keeps its path and harmless parameters, never a token, hint or state.
 */
export function requestContext(options: { logger: Logger }) {
  const logger = redactingLogger(options.logger);
  return function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    res.locals.requestId = requestId;
    res.locals.log = logger.child({ reqId: requestId });
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        method: req.method,
        url: redactUrl(req.originalUrl),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
      };
      if (res.statusCode >= 500) res.locals.log.error(line, 'request failed');
      else res.locals.log.info(line, 'request');
    });
    next();
  };
}
