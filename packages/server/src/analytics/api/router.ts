import express, { type Request, type Response, Router } from 'express';
import { authenticate } from '../../auth/authenticate.js';
import { HttpError } from '../../errors.js';
import type { Cache, CredentialRepository } from '../../storage/types.js';
import { csvRecords, toCsv } from '../frameworks/csv.js';
import { type CourseRef, courseAccess, ownLearner, tenantAccess } from './access.js';
import type { ApiRoute } from './route.js';
import { checkStrings, parse } from './route.js';
import { alignmentsFromCsv } from './routes.js';

/** How long a cached answer may live even if nothing invalidates it. */
const CACHE_TTL_MS = 10 * 60_000;

/** Keys of the versions that cached answers depend on: the tenant's, and the course's. */
export const versionKey = (tenantId: string, course?: string) =>
  course === undefined ? `an:v:${tenantId}` : `an:v:${tenantId}:${course}`;

/**
 * Key of the version of the tenant's answers that span its courses (`/courses`: titles, learners, last
 * seen): it moves with any course's (a course IRI is an absolute IRI, never `#courses`).
 */
const acrossCoursesKey = (tenantId: string) => `an:v:${tenantId}:#courses`;

/**
 * Drops every cached answer of a course (and those spanning the tenant's courses), or of the whole tenant,
 * in every process sharing the cache.
 */
export async function bumpVersion(cache: Cache, tenantId: string, course?: string): Promise<void> {
  const version = `${Date.now()}.${Math.random().toString(36).slice(2, 8)}`;
  const keys =
    course === undefined
      ? [versionKey(tenantId)]
      : [versionKey(tenantId, course), acrossCoursesKey(tenantId)];
  await Promise.all(keys.map((key) => cache.set(key, version, 7 * 86_400_000)));
}

/** Options of {@link analyticsRouter}. */
export interface AnalyticsRouterOptions {
  routes: ApiRoute[];
  cache: Cache;
  credentials: CredentialRepository;
  secret: string;
  publicUrl: string;
  /** The course a `{course}` names. */
  resolveCourse(tenantId: string, param: string): Promise<CourseRef>;
}

const wantsCsv = (req: Request) => req.accepts(['application/json', 'text/csv']) === 'text/csv';

/**
 * `/api/v1` analytics: authenticates (API key or Bearer token), validates query and body with each
 * route's zod schema, answers JSON — or CSV for lists, on `Accept: text/csv` — and caches GET answers until
 * the projection (or a teacher's change) moves the course's version.
 */
export function analyticsRouter(o: AnalyticsRouterOptions): Router {
  const router = Router();
  const auth = authenticate({
    credentials: o.credentials,
    secret: o.secret,
    publicUrl: o.publicUrl,
    cache: o.cache,
  });
  const json = express.json({ limit: '20mb' });
  const csv = express.text({ limit: '20mb', type: ['text/csv', 'text/plain'] });
  for (const route of o.routes) {
    router[route.method](route.path, auth, json, csv, async (req: Request, res: Response) => {
      const principal = res.locals.principal;
      checkStrings(req.params, 'path');
      const query = route.query ? parse(route.query, req.query, 'query') : {};
      if (!route.query && Object.keys(req.query).length > 0) {
        throw new HttpError(400, 'invalid_query', `${route.path} takes no query parameters`);
      }
      let body: unknown;
      if (route.method !== 'get') {
        const types = route.bodyTypes ?? ['application/json'];
        const type = req.is(types);
        if (!type) {
          throw new HttpError(
            415,
            'unsupported_content_type',
            `send ${types.join(' or ')} (got ${req.get('content-type') ?? 'none'})`,
          );
        }
        body = req.body;
        if (typeof body === 'string') checkStrings(body, 'body');
        if (typeof body === 'string' && route.path === '/alignments')
          body = alignmentsFromCsv(csvRecords(body).records);
        if (route.body && typeof body !== 'string') body = parse(route.body, body, 'body');
      }
      const params = req.params as Record<string, string>;
      const asCsv = route.csv !== undefined && wantsCsv(req);
      const ctx = { req, res, principal, params, query, body };
      let cacheKey: string | undefined;
      // answers for an explicit instant or period are computed each time: any client could vary them without end
      const cacheable =
        route.cached && route.method === 'get' && !['asOf', 'from', 'to'].some((k) => k in req.query);
      if (cacheable) {
        // who may read is decided before the cache is asked: a cached answer only goes to who may read it
        let course: CourseRef | undefined;
        if (params.course) {
          course = await o.resolveCourse(principal.tenantId, params.course);
          courseAccess(
            principal,
            course,
            params.learner && principal.actorKey !== undefined ? 'own' : 'read',
          );
          if (params.learner) ownLearner(principal, params.learner);
        } else tenantAccess(principal, 'read');
        // a course's answer follows the course's version; an answer without a course, every course's
        const [tv, cv] = await Promise.all([
          o.cache.get(versionKey(principal.tenantId)),
          o.cache.get(
            course ? versionKey(principal.tenantId, course.iri) : acrossCoursesKey(principal.tenantId),
          ),
        ]);
        const who = principal.actorKey ?? principal.contextIri ?? '*';
        cacheKey = `an:a:${principal.tenantId}:${tv ?? 0}:${cv ?? 0}:${who}:${asCsv ? 'csv' : 'json'}:${req.originalUrl}`;
        const hit = await o.cache.get(cacheKey);
        if (hit !== undefined) {
          res.setHeader('X-Kairos-Cache', 'hit');
          return send(res, 200, asCsv, hit);
        }
      }
      const result = await route.handler(ctx);
      const text = asCsv
        ? (() => {
            const { rows, columns } = route.csv!(result as never);
            return toCsv(rows as never[], columns);
          })()
        : JSON.stringify(result);
      if (cacheKey) {
        res.setHeader('X-Kairos-Cache', 'miss');
        await o.cache.set(cacheKey, text, CACHE_TTL_MS);
      }
      send(res, route.status ?? 200, asCsv, text);
    });
  }
  return router;
}

/**
 * Sends an answer as it is (`res.end`: no ETag computed over a multi-megabyte body on every request, as
 * `res.send` would); answers are private to the credential and never stored by browsers or proxies.
 */
function send(res: Response, status: number, csv: boolean, text: string): void {
  res.status(status);
  res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(text);
}
