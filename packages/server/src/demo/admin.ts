import { isAbsolute } from 'node:path';
import { Router } from 'express';
import { HttpError } from '../errors.js';
import { DEMO_COURSE_PREFIX, DEMO_DEFAULTS, type DemoOptions, demoCourseIri } from './course.js';
import type { DemoCourses, DemoDelivery, DemoStatus } from './service.js';

/** Bounds of a demo class (a 3,000-learner class takes minutes on the embedded store). */
const DEMO_LIMITS = { learners: [1, 3000], days: [1, 365], seed: [0, 2 ** 31 - 1] } as const;

/** The options of a demo class from untrusted input, or a 400 naming the bad one. */
export function demoOptions(input: Partial<Record<keyof DemoOptions, unknown>>): DemoOptions {
  const o = { ...DEMO_DEFAULTS };
  for (const k of ['seed', 'learners', 'days'] as const) {
    if (input[k] === undefined) continue;
    const v = Number(input[k]);
    const [min, max] = DEMO_LIMITS[k];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new HttpError(400, 'invalid_demo', `${k} must be a whole number from ${min} to ${max}`);
    o[k] = v;
  }
  return o;
}

/**
 * How a seeding sends its statements, from the admin request: `via: 'sdk'` (the SDK in Chromium) with
 * `chromium`, an absolute path. The server starts that executable: the admin channel's token is readable by
 * the server's own user only (its data directory), who could start it anyway.
 */
export function demoDelivery(input: { via?: unknown; chromium?: unknown }): DemoDelivery {
  const via = input.via ?? 'http';
  if (via !== 'http' && via !== 'sdk')
    throw new HttpError(400, 'invalid_demo', 'via must be "http" or "sdk"');
  if (input.chromium !== undefined && (typeof input.chromium !== 'string' || !isAbsolute(input.chromium)))
    throw new HttpError(400, 'invalid_demo', 'chromium must be an absolute path');
  return { via, chromium: input.chromium as string | undefined };
}

/** The two links of a demo course. */
export function demoUrls(publicUrl: string, course: string): { dashboard: string; learner: string } {
  const q = course === DEMO_COURSE_PREFIX ? '' : `?course=${encodeURIComponent(course)}`;
  return { dashboard: `${publicUrl}/demo${q}`, learner: `${publicUrl}/demo/learner${q}` };
}

/** A seeding's status as the admin route answers it: with the links once ready. */
export type DemoJobStatus = DemoStatus & { urls: { dashboard: string; learner: string } };

/**
 * `/admin/v1/demo` (admin channel only): `POST {seed, learners, days, via?, chromium?}` starts (or joins)
 * the seeding of that demo course through this server and answers its status; `GET ?course=` reports it. `kairos demo`
 * and the first `kairos serve` of a data directory drive it.
 */
export function demoAdminRouter(options: { demo: DemoCourses; publicUrl: string }): Router {
  // under /admin/v1, whose router has already checked the admin token and parsed the body
  const router = Router();
  const answer = async (course: string): Promise<DemoJobStatus> => {
    const status = await options.demo.status(course);
    if (!status) throw new HttpError(404, 'demo_not_found', `no demo course ${course} here`);
    return { ...status, urls: demoUrls(options.publicUrl, course) };
  };
  router.post('/', async (req, res) => {
    const o = demoOptions(req.body ?? {});
    const delivery = demoDelivery(req.body ?? {});
    // the server seeds itself over its own HTTP: the address this request reached it at
    const url = `${req.protocol}://${req.get('host')}`;
    const job = options.demo.seed(url, o, delivery);
    job.catch(() => {}); // the status reports a failure; the poller reads it
    await Promise.race([job, new Promise((r) => setTimeout(r, 200))]);
    res.status(202).json(await answer(demoCourseIri(o)));
  });
  router.get('/', async (req, res) => {
    const course = typeof req.query.course === 'string' ? req.query.course : DEMO_COURSE_PREFIX;
    res.json(await answer(course));
  });
  return router;
}
