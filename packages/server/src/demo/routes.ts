import { randomBytes, randomUUID } from 'node:crypto';
import type { QuizDefinition } from '@kairos/elements/quiz-definition.js';
import { ActivityTypes } from '@kairos/xapi';
import { type Request, type Response, Router } from 'express';
import { cookie } from '../lti/launch.js';
import { type LaunchBootstrap, learnerPage } from '../lti/learner-page.js';
import { esc, formPost, page } from '../lti/pages.js';
import { DEMO_COURSE_PREFIX, demoClass, demoQuiz, isDemoCourseIri } from './course.js';
import type { DemoRecord } from './records.js';
import type { DemoCourses } from './service.js';

const VISITOR_COOKIE = 'kairos_demo_visitor';
const VISITOR = /^visitor-[0-9a-f]{12}$/;

const langOf = (req: Request): 'en' | 'fr' =>
  String(req.query.lang ?? req.acceptsLanguages('en', 'fr') ?? 'en').slice(0, 2) === 'fr' ? 'fr' : 'en';

function notThere(res: Response, course: string): void {
  res
    .status(404)
    .type('html')
    .send(
      page(
        'No such demo course',
        `<main class="error" role="alert"><h1>No such demo course</h1>
<p>This server has no demo course <code>${esc(course)}</code>. <code>npx kairos demo</code> seeds one
and prints its links (docs/demo.md).</p></main>`,
      ),
    );
}

/** The page shown while the course is seeded: it reloads itself until the course is ready. */
function preparing(res: Response, sent: number, total: number): void {
  const done = total > 0 ? Math.floor((100 * sent) / total) : 0;
  res
    .status(503)
    .set('Retry-After', '3')
    .type('html')
    .send(
      page(
        'Preparing the demo course…',
        `<meta http-equiv="refresh" content="3"><main><h1>Preparing the demo course…</h1>
<p role="status">A simulated class is being sent to this server: <progress max="100" value="${done}">${done} %</progress>
${done} %. This page opens the course as soon as it is ready.</p></main>`,
      ),
    );
}

/**
 * The demo pages (mounted only in demo mode): `GET /demo` hands a read-only instructor token for the
 * demo course to `/dashboard` (the form post an LTI instructor launch makes), `GET /demo/learner` opens
 * the demo quiz as a fresh visitor of that course. `?course=` may name another demo course seeded by
 * `kairos demo`; nothing else (no other course, no other tenant) can be named.
 */
export function demoPages(demo: DemoCourses, publicUrl: string): Router {
  const router = Router();
  // a course's quiz depends on its record only: simulated once per course, not per visitor
  const quizzes = new Map<string, QuizDefinition>();
  const quizOf = (record: DemoRecord): QuizDefinition => {
    let quiz = quizzes.get(record.course);
    if (!quiz) {
      quiz = demoQuiz(demoClass(record.options, new Date(record.start)).course);
      quizzes.set(record.course, quiz);
    }
    return quiz;
  };
  const ready = async (req: Request, res: Response): Promise<DemoRecord | undefined> => {
    const course = typeof req.query.course === 'string' ? req.query.course : DEMO_COURSE_PREFIX;
    res.setHeader('Cache-Control', 'no-store');
    const record = isDemoCourseIri(course) ? await demo.record(course) : undefined;
    // the default course is seeded by every start in demo mode: in its first seconds, it is on its way
    if (!record) return void (course === DEMO_COURSE_PREFIX ? preparing(res, 0, 0) : notThere(res, course));
    if (record.state !== 'ready') {
      const s = await demo.status(course);
      return void preparing(res, s?.sent ?? 0, s?.total ?? 0);
    }
    return record;
  };

  router.get('/demo', async (req, res) => {
    const record = await ready(req, res);
    if (!record) return;
    const token = await demo.instructorToken(record.course);
    res
      .type('html')
      .send(formPost('Opening the demo dashboard…', `${publicUrl}/dashboard`, { token, lang: langOf(req) }));
  });

  router.get('/demo/learner', async (req, res) => {
    const record = await ready(req, res);
    if (!record) return;
    // the same visitor on reloads; only a visitor's name is taken back, never a simulated learner's
    const known = cookie(req, VISITOR_COOKIE);
    const visitor = known && VISITOR.test(known) ? known : `visitor-${randomBytes(6).toString('hex')}`;
    res.cookie(VISITOR_COOKIE, visitor, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/demo',
      maxAge: 30 * 86_400_000,
    });
    const { token, actor } = await demo.learnerToken(record.course, visitor);
    const quiz = quizOf(record);
    const language = langOf(req);
    const bootstrap: LaunchBootstrap = {
      endpoint: `${publicUrl}/xapi`,
      token,
      actor,
      context: {
        registration: randomUUID(),
        course: {
          objectType: 'Activity',
          id: record.course,
          definition: { type: ActivityTypes.course, name: { fr: record.title } },
        },
        parent: {
          objectType: 'Activity',
          id: `${record.course}/try-it`,
          definition: { name: { en: 'Try it yourself' } },
        },
      },
      language,
    };
    res
      .type('html')
      .send(
        learnerPage(
          bootstrap,
          { kind: 'quiz', title: quiz.title ?? 'Quiz', activityIri: quiz.id, quiz, lang: 'en' },
          `${publicUrl}/elements`,
        ),
      );
  });
  return router;
}
