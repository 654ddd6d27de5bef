import { jsonIssues } from '@kairos/xapi';
import type { Request, Response } from 'express';
import { ZodError, type z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { HttpError } from '../../errors.js';

/** One operation of the analytics API: its validation, its documentation and its handler, in one place. */
export interface ApiRoute {
  method: 'get' | 'put' | 'post';
  /** Express path under `/api/v1`, e.g. `/courses/:course/stuck-points`. */
  path: string;
  summary: string;
  description?: string;
  /** Who may call it, in words (the OpenAPI document shows it). */
  access: string;
  query?: z.ZodObject;
  /** JSON body schema (a route may also take CSV, see `bodyTypes`). */
  body?: z.ZodType;
  /** Content types the body may come as (default JSON). */
  bodyTypes?: string[];
  response: z.ZodType;
  /** Status of a success (default 200). */
  status?: number;
  /** The rows and columns of its CSV form, when the answer is a list. */
  csv?: (answer: never) => { rows: unknown[]; columns: Record<string, (row: never) => unknown> };
  /** Answers may be cached until the course's figures change. */
  cached?: boolean;
  handler(ctx: RouteContext): Promise<unknown>;
}

/** What a handler gets: the validated query and body, the principal and the raw request. */
export interface RouteContext {
  req: Request;
  res: Response;
  principal: Principal;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** A zod failure as a 400 naming each bad field. */
export function invalid(error: ZodError, where: 'query' | 'body'): HttpError {
  const issues = error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  return new HttpError(
    400,
    where === 'query' ? 'invalid_query' : 'invalid_body',
    issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    { details: issues },
  );
}

/**
 * The rule every string of a statement follows, for the analytics API's input too: no NUL, no unpaired
 * surrogate, bounded nesting. The stores cannot hold such strings (PostgreSQL refuses U+0000), so they are a
 * 400 here rather than a 500 there.
 */
export function checkStrings(value: unknown, where: 'query' | 'body' | 'path'): void {
  const issue = jsonIssues(value, where)[0];
  if (issue) {
    const code = where === 'body' ? 'invalid_body' : 'invalid_query';
    throw new HttpError(400, code, issue.message, {
      details: [{ path: issue.path, message: issue.message }],
    });
  }
}

/** Validates with a schema, or throws the 400 of {@link invalid}; strings are checked by {@link checkStrings}. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where: 'query' | 'body'): T {
  checkStrings(value, where);
  try {
    return schema.parse(value);
  } catch (error) {
    if (error instanceof ZodError) throw invalid(error, where);
    throw error;
  }
}
