import express, { type Express, Router } from 'express';
import type { AppDeps } from '../http/app.js';
import { redactingLogger } from '../http/redact.js';
import { gradePassback, scoreQueueMetrics } from './ags.js';
import { canvasConfigHandler } from './canvas.js';
import { deepLinkingHandler, deepLinkResponseHandler } from './deep-linking.js';
import type { LtiDeps } from './deps.js';
import { platformFrameAncestors } from './framing.js';
import { launchHandler, launchInfoHandler } from './launch.js';
import { loginHandler } from './login.js';
import { newLtijsProvider } from './ltijs.js';
import { rosterSyncer } from './nrps.js';
import { errorPage, ltiErrors } from './pages.js';
import { ltijsKey, ltijsPlugin, startExpiryJob } from './plugin.js';
import { quizAuthoringHandler } from './quiz-authoring.js';
import { registerHandler } from './register.js';
import { PlatformRegistry } from './registry.js';
import { resourceLinkHandler } from './resource-launch.js';
import { MAX_TOKEN_AGE_S, PlatformKeys } from './verify.js';

/** Paths under /lti that Kairos serves itself; everything else under /lti goes to ltijs (keyset…). */
const OWN = new Set(['/login', '/launch', '/register', '/canvas.json', '/deep-link', '/deep-link/quiz']);

/** Options of the LTI feature (tests). */
export interface LtiFeatureOptions {
  /** Set the browser-binding cookie at login (default true). */
  stateCookie?: boolean;
  /** Mark it Partitioned (CHIPS) on https (default true; tests turn it off to act like Safari). */
  partitioned?: boolean;
  /** Interval of the expiry job, ms. */
  expiryEveryMs?: number;
  /** Interval of grade passback passes (scan statements, post due scores), ms. */
  agsEveryMs?: number;
  /** Minimum time between two background roster syncs of one context, ms. */
  rosterMinIntervalMs?: number;
  /** Least time between two fetches of a platform's JWKS, ms (default 30 s). */
  jwksCooldownMs?: number;
}

/** Background jobs of the LTI feature (tests drive them). */
export interface LtiJobs {
  roster: ReturnType<typeof rosterSyncer>;
  grades: ReturnType<typeof gradePassback>;
}

/**
 * The LTI 1.3 tool: ltijs mounted at /lti (our record-store plugin, its keyset route and services), Kairos'
 * own login, launch, dynamic registration and Canvas configuration after the mount.
 * See docs/lti/ and the shared ltijs notes for what we took over from ltijs and why.
 */
export function createLtiFeature(options: LtiFeatureOptions = {}) {
  return function ltiFeature(app: Express, appDeps: AppDeps): void {
    const { stores, config, secret, logger } = appDeps;
    const keyed = stores.record.keyed;
    const plugin = ltijsPlugin(keyed);
    const key = ltijsKey(secret);
    const lti = newLtijsProvider();
    lti.setup(
      key,
      { plugin },
      {
        // Kairos owns login, launch and registration (security gaps of 5.9.9); ltijs keeps routes it cannot reach.
        appRoute: '/ltijs-launch',
        loginRoute: '/ltijs-login',
        dynRegRoute: '/ltijs-register',
        keysetRoute: '/keys',
        cors: false,
        tokenMaxAge: MAX_TOKEN_AGE_S,
        cookies: { secure: config.publicUrl.startsWith('https:'), sameSite: 'None' },
        serverAddon: (sub: Express) =>
          sub.use((_req, res, next) => {
            // helmet 6 defaults break framed pages and cross-origin assets (shared notes, "Mounting").
            for (const h of [
              'Cross-Origin-Embedder-Policy',
              'Cross-Origin-Opener-Policy',
              'Cross-Origin-Resource-Policy',
            ]) {
              res.removeHeader(h);
            }
            next();
          }),
      },
    );
    lti.onInvalidToken((_req, res) =>
      res
        .status(401)
        .type('html')
        .send(
          errorPage(
            'Not found',
            'There is nothing at this LTI address; launch Kairos from your course.',
            'no_ltik',
            res.locals.requestId,
          ),
        ),
    );
    // deploy() registers a SIGINT handler that exits the process: Kairos owns shutdown, so it goes.
    const before = new Set(process.listeners('SIGINT'));
    void lti.deploy({ serverless: true, silent: true }).then(() => {
      for (const l of process.listeners('SIGINT')) if (!before.has(l)) process.removeListener('SIGINT', l);
    });

    // the CSP of LMS pages (http/csp.ts) lets the registered platforms frame them, and no one else
    const registry = new PlatformRegistry(keyed, plugin, key, () => framing.invalidate());
    const framing = platformFrameAncestors(() => registry.list());
    app.locals.frameAncestors = framing.frameAncestors;
    const deps: LtiDeps = {
      config,
      publicUrl: config.publicUrl,
      secret,
      stores,
      keyed,
      registry,
      keys: new PlatformKeys(options.jwksCooldownMs),
      lti,
      // Background jobs log reasons that can quote URLs (registration, AGS): redacted like request logs.
      logger: redactingLogger(logger),
      stateCookie: options.stateCookie ?? true,
      partitioned: options.partitioned ?? true,
    };
    app.locals.lti = deps;
    const jobs: LtiJobs = {
      roster: rosterSyncer(deps, options.rosterMinIntervalMs),
      grades: gradePassback(deps, { everyMs: options.agsEveryMs }),
    };
    app.locals.ltiJobs = jobs;
    if (app.locals.metrics) scoreQueueMetrics(app.locals.metrics, jobs.grades.queue);

    app.use('/lti', (req, res, next) => (OWN.has(req.path) ? next() : lti.app(req, res, next)));
    const router = Router();
    router.use(express.urlencoded({ extended: false, limit: '256kb' }));
    router.all('/login', loginHandler(deps));
    router.post(
      '/launch',
      launchHandler(deps, {
        resourceLink: resourceLinkHandler(deps, (l) => jobs.roster.request(l.tenantId, l.context.id)),
        deepLinking: deepLinkingHandler(deps),
      }),
    );
    router.get('/launch', launchInfoHandler());
    router.get('/register', registerHandler(deps));
    router.get('/canvas.json', canvasConfigHandler(deps));
    router.post('/deep-link', deepLinkResponseHandler(deps));
    // the quiz editor re-posts the whole quiz at each button (the router's 256 kB body limit covers it)
    router.post('/deep-link/quiz', quizAuthoringHandler(deps));
    router.use(ltiErrors());
    app.use('/lti', router);

    const stopExpiry = startExpiryJob(
      keyed,
      (err) => logger.warn({ err }, 'expiry job failed'),
      options.expiryEveryMs,
    );
    void jobs.grades.start();
    appDeps.shutdown.add(async () => {
      stopExpiry();
      await jobs.grades.stop();
      await jobs.roster.idle();
    });
  };
}

/** The LTI feature with default options. */
export const ltiFeature = createLtiFeature();
