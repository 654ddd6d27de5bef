import type { Request, Response } from 'express';
import type { Cache, CourseEvent, Stores } from '../../storage/types.js';

/** Channel on which the projection announces new events of a course (to every process, with Redis). */
export const courseChannel = (tenantId: string, course: string) =>
  `kairos:course-events:${tenantId}:${course}`;

/** Events sent at most per read, and kept (purged after a day by the feature's housekeeping). */
const PAGE = 200;
const HEARTBEAT_MS = 15_000;

/**
 * `GET /courses/{course}/events`: server-sent events of a course, fed by the projection — who just got
 * stuck or struggling, mastery level changes, new activity, refreshed figures. Resumable: the browser's
 * `Last-Event-ID` (or `?after=`) replays what it missed from the analytics store, so any process can serve
 * the stream; a process learns of new events through the cache's pub/sub.
 */
export async function streamCourseEvents(
  stores: Stores,
  req: Request,
  res: Response,
  tenantId: string,
  course: string,
  options: { heartbeatMs?: number } = {},
): Promise<void> {
  const header =
    req.get('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
  let last = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  if (last === undefined) {
    // a new listener starts from now: the latest event id, not the history
    const recent = await stores.analytics.queries.lastEventId(tenantId, course);
    last = recent;
    res.write(`event: ready\ndata: ${JSON.stringify({ lastEventId: recent })}\n\n`);
  }
  let closed = false;
  let reading: Promise<void> | undefined;
  let again = false;
  const send = (e: CourseEvent) => {
    res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...e.data, at: e.at })}\n\n`);
    last = e.id;
  };
  const pump = () => {
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      try {
        do {
          again = false;
          for (;;) {
            const events = await stores.analytics.queries.events(tenantId, course, last ?? 0, PAGE);
            for (const e of events) send(e);
            if (events.length < PAGE || closed) break;
          }
        } while (again && !closed);
      } catch {
        // the store is down: the client reconnects and resumes from its Last-Event-ID
        res.end();
      } finally {
        reading = undefined;
      }
    })();
  };
  const unsubscribe = await subscribe(stores.cache, tenantId, course, pump);
  const beat = setInterval(() => res.write(': keep-alive\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
  beat.unref();
  req.on('close', () => {
    closed = true;
    clearInterval(beat);
    void unsubscribe();
  });
  pump();
}

function subscribe(cache: Cache, tenantId: string, course: string, onMessage: () => void) {
  return cache.subscribe(courseChannel(tenantId, course), onMessage);
}
