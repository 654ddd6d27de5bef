import { parseVersionHeader } from '@kairos/xapi';
import { type NextFunction, type Request, type Response, urlencoded } from 'express';
import { HttpError } from '../errors.js';

// Form fields that stand for request headers in the alternate syntax (xAPI 1.0.3 §1.3 "Alternate Request Syntax").
const HEADER_FIELDS = new Set([
  'authorization',
  'x-experience-api-version',
  'content-type',
  'if-match',
  'if-none-match',
]);
const METHODS = new Set(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);

/**
 * xAPI 1.0.x "Alternate Request Syntax" (for clients that can only POST forms): `POST …?method=PUT` with a
 * form body whose fields are the headers, the query parameters and `content` (the body). It is rewritten
 * into the request it stands for. xAPI 2.0 removed it: with a 2.0 version it is a 400.
 */
export function alternateRequestSyntax(options: { bodyLimit: string }) {
  const form = urlencoded({ extended: false, limit: options.bodyLimit });
  return function alternateSyntaxMiddleware(req: Request, res: Response, next: NextFunction): void {
    const method = (req.query as Record<string, unknown>).method;
    if (method === undefined) {
      next();
      return;
    }
    const bad = (message: string): void => {
      next(new HttpError(400, 'alternate_syntax', message));
    };
    if (req.method !== 'POST' || typeof method !== 'string' || !METHODS.has(method.toUpperCase())) {
      bad('?method= requests must be POSTs naming GET, HEAD, PUT, POST or DELETE');
      return;
    }
    if (Object.keys(req.query).length > 1) {
      bad('with ?method=, every other parameter goes in the form body');
      return;
    }
    if (!req.is('application/x-www-form-urlencoded')) {
      bad('?method= requests must send Content-Type: application/x-www-form-urlencoded');
      return;
    }
    form(req, res, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      const fields = (req.body ?? {}) as Record<string, string | string[]>;
      const query = new URLSearchParams();
      let content: string | undefined;
      for (const [name, value] of Object.entries(fields)) {
        // a field given twice parses as a list: as a header it would reach authentication as an array
        if (typeof value !== 'string') {
          bad(`form field "${name}" is given more than once`);
          return;
        }
        const lower = name.toLowerCase();
        if (HEADER_FIELDS.has(lower)) req.headers[lower] = value;
        else if (lower === 'content') content = value;
        else query.append(name, value);
      }
      const version = parseVersionHeader(req.headers['x-experience-api-version'] as string | undefined);
      if (version === '2.0.0') {
        bad('xAPI 2.0 removed the alternate request syntax: send a normal request');
        return;
      }
      req.method = method.toUpperCase();
      req.body = undefined;
      if (content !== undefined) {
        // the form's own content type describes the form, not `content`
        if (!Object.keys(fields).some((k) => k.toLowerCase() === 'content-type'))
          req.headers['content-type'] = 'application/json';
        if (/json/i.test(req.headers['content-type']!)) {
          try {
            req.body = JSON.parse(content);
          } catch (e) {
            return next(
              new HttpError(
                400,
                'malformed_json',
                `the content field is not valid JSON: ${(e as Error).message}`,
              ),
            );
          }
        } else req.body = content;
      }
      const qs = query.toString();
      req.url = `${req.path}${qs ? `?${qs}` : ''}`;
      next();
    });
  };
}
