import { XapiValidationError } from '@kairos/xapi';
import type { NextFunction, Request, Response } from 'express';
import { HttpError, KairosError } from '../errors.js';
import { OUTAGE_RETRY_AFTER_S, type StoreUnavailableError, storeOutage } from '../storage/outage.js';

/** The JSON body of every Kairos error response. */
export interface ErrorBody {
  code: string;
  message: string;
  requestId?: string;
  issues?: unknown;
}

/**
 * When `error` is a store outage: logs it as a warning naming the store, and sets the answer's 503 status
 * and `Retry-After` (the caller sends the body, JSON or a page). Undefined otherwise.
 */
export function outageAnswer(error: unknown, res: Response): StoreUnavailableError | undefined {
  const outage = storeOutage(error);
  if (!outage) return undefined;
  res.locals.log?.warn({ store: outage.store, reason: outage.reason }, 'store unavailable');
  res.status(503).set('Retry-After', String(OUTAGE_RETRY_AFTER_S));
  return outage;
}

/** Maps errors raised by Express, body parsers and the xAPI validator to Kairos errors. */
function fromExpress(error: unknown): KairosError | undefined {
  if (error instanceof XapiValidationError) {
    return new HttpError(400, 'invalid_statement', error.message, { details: error.issues });
  }
  const e = error as { type?: string; status?: number; limit?: number; message?: string };
  if (e.type === 'entity.too.large') {
    return new HttpError(
      413,
      'body_too_large',
      `request body is larger than the ${e.limit} bytes this server accepts`,
    );
  }
  if (e.type === 'entity.parse.failed') {
    return new HttpError(400, 'malformed_json', `request body is not valid JSON: ${e.message}`);
  }
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new HttpError(415, 'unsupported_encoding', e.message ?? 'unsupported body encoding');
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  }
  return undefined;
}

/**
 * The one error handler: known errors render themselves (status, code, message, issues); a store that is
 * down or past its deadline is a 503 with `Retry-After` (logged as a warning, not as a bug); anything else
 * is logged with the request id and answered as a 500 that reveals no internals.
 */
export function errorHandler() {
  return function kairosErrorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) {
      next(error);
      return;
    }
    const requestId = res.locals.requestId;
    const outage = outageAnswer(error, res);
    if (outage) {
      res.json({ code: outage.code, message: outage.message, requestId } satisfies ErrorBody);
      return;
    }
    const known = error instanceof KairosError ? error : fromExpress(error);
    if (known && known.status < 500) {
      const body: ErrorBody = { code: known.code, message: known.message, requestId };
      if (known.details !== undefined) body.issues = known.details;
      res.status(known.status).json(body);
      return;
    }
    res.locals.log?.error({ err: error }, 'unhandled error');
    res.status(known?.status ?? 500).json({
      code: known?.code ?? 'internal_error',
      message: known ? known.message : `internal error; quote request id ${requestId} when reporting it`,
      requestId,
    } satisfies ErrorBody);
  };
}

/** 404 for routes nobody serves. */
export function notFound() {
  return function kairosNotFound(req: Request, _res: Response, next: NextFunction): void {
    next(new HttpError(404, 'not_found', `no resource at ${req.method} ${req.path}`));
  };
}
