import { Router } from 'express';
import type { Stores } from '../storage/types.js';
import { withDeadline } from '../util/deadline.js';

declare global {
  namespace Express {
    interface Locals {
      /** Reports features add to `/readyz` (by name), e.g. the projection's lag. */
      readiness?: Record<string, () => Promise<unknown>>;
    }
  }
}

/**
 * `/healthz`: the process is up. `/readyz`: every configured store answers (503 with the failing ones
 * otherwise), for load balancers and orchestrators.
 */
export function healthRoutes(stores: Stores, options: { isShuttingDown: () => boolean }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const checks: Record<string, { backend: string; status: 'ok' | 'failing'; error?: string }> = {};
    const probe = async (name: string, backend: string, ping: () => Promise<void>) => {
      try {
        await withDeadline(ping(), 2000);
        checks[name] = { backend, status: 'ok' };
      } catch (error) {
        checks[name] = { backend, status: 'failing', error: (error as Error).message };
      }
    };
    // stores and reports at once, each within 2 s: the answer comes within about 2 s even while stores hang
    const reports: Record<string, unknown> = {};
    await Promise.all([
      probe('record', stores.record.backend, () => stores.record.ping()),
      probe('analytics', stores.analytics.backend, () => stores.analytics.ping()),
      probe('cache', stores.cache.backend, () => stores.cache.ping()),
      // what features report beside the stores (the projection's lag): informative, never failing
      ...Object.entries(req.app.locals.readiness ?? {}).map(async ([name, report]) => {
        reports[name] = await withDeadline(report(), 2000).catch((e: Error) => ({ error: e.message }));
      }),
    ]);
    const shuttingDown = options.isShuttingDown();
    const ok = !shuttingDown && Object.values(checks).every((c) => c.status === 'ok');
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ok' : shuttingDown ? 'shutting_down' : 'failing', checks, ...reports });
  });
  return router;
}
