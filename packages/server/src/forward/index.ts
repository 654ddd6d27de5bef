import express, { type Express, Router } from 'express';
import { Counter } from 'prom-client';
import { authenticate } from '../auth/authenticate.js';
import { HttpError } from '../errors.js';
import type { AppDeps } from '../http/app.js';
import type { ConsistencyTracker } from '../lrs/consistency.js';
import { scrapedGauge } from '../metrics/index.js';
import type { Stores } from '../storage/types.js';
import { type ForwarderInfo, type Forwarders, forwarderInfo, parseForwarderInput } from './forwarders.js';

/** Pending statements are counted up to this many. */
const PENDING_CAP = 100_000;

import { Forwarding } from './job.js';
import type {} from './locals.js';

export { type ForwarderInfo, type ForwarderInput, Forwarders, parseForwarderInput } from './forwarders.js';
export { Forwarding } from './job.js';

/** A forwarder with how many statements wait for it. */
export type ForwarderStatus = ForwarderInfo & { pending: number };

/** Forwarders' status (of one tenant when given): what operators, the API and the dashboard show. */
export async function forwarderStatus(
  stores: Pick<Stores, 'record'>,
  forwarders: Forwarders,
  tenantId?: string,
): Promise<ForwarderStatus[]> {
  return Promise.all(
    (await forwarders.list(tenantId)).map(async (f) => ({
      ...forwarderInfo(f),
      pending: await stores.record.statements.countAfter(f.tenantId, f.checkpoint, PENDING_CAP),
    })),
  );
}

/**
 * Statement forwarding (docs/forwarding.md): every tenant may forward its accepted statements to other
 * LRSs. Runs the forwarding job, `/api/v1/forwarders` (an API key with the `all` scope manages its own
 * tenant's forwarders) and the forwarding gauges of `/metrics`. Mounted after the LRS (it reads the LRS's
 * consistency horizon).
 */
export function forwardFeature(app: Express, deps: AppDeps): void {
  const consistency = app.locals.consistency as ConsistencyTracker | undefined;
  const forwarding = new Forwarding(deps.stores, deps.secret, {
    horizon: () => consistency?.consistentThrough() ?? new Date(Date.now() - 1000),
    logger: deps.logger,
  });
  app.locals.forwarding = forwarding;

  const router = Router();
  router.use(
    '/forwarders',
    authenticate({
      credentials: deps.stores.record.credentials,
      cache: deps.stores.cache,
      secret: deps.secret,
      publicUrl: deps.config.publicUrl,
    }),
    (_req, res, next) => {
      const p = res.locals.principal;
      if (p.kind !== 'basic' || !p.scopes.includes('all'))
        throw new HttpError(
          403,
          'forbidden',
          'forwarders are managed with an API key that has the all scope',
        );
      next();
    },
    express.json({ limit: '64kb' }),
  );
  router.get('/forwarders', async (_req, res) => {
    res.json({
      forwarders: await forwarderStatus(deps.stores, forwarding.forwarders, res.locals.principal.tenantId),
    });
  });
  router.post('/forwarders', async (req, res) => {
    const input = parseForwarderInput({ ...(req.body ?? {}), tenantId: res.locals.principal.tenantId });
    const created = await forwarding.forwarders.add(input);
    void forwarding.wake();
    res.status(201).json(created);
  });
  router.get('/forwarders/:id', async (req, res) => {
    const [found] = (
      await forwarderStatus(deps.stores, forwarding.forwarders, res.locals.principal.tenantId)
    ).filter((f) => f.id === req.params.id);
    if (!found) throw new HttpError(404, 'forwarder_not_found', `no forwarder ${req.params.id}`);
    res.json(found);
  });
  router.post('/forwarders/:id/retry', async (req, res) => {
    if (!(await forwarding.retryNow(res.locals.principal.tenantId, String(req.params.id))))
      throw new HttpError(404, 'forwarder_not_found', `no forwarder ${req.params.id}`);
    res.status(202).json({ retrying: true });
  });
  router.delete('/forwarders/:id', async (req, res) => {
    if (!(await forwarding.forwarders.remove(res.locals.principal.tenantId, String(req.params.id))))
      throw new HttpError(404, 'forwarder_not_found', `no forwarder ${req.params.id}`);
    res.status(204).end();
  });
  app.use('/api/v1', router);

  if (app.locals.metrics) registerMetrics(app, deps.stores, forwarding);
  void forwarding.start().catch((err) => deps.logger.error({ err }, 'statement forwarding could not start'));
  deps.shutdown.add(() => forwarding.stop());
}

function registerMetrics(app: Express, stores: Stores, forwarding: Forwarding): void {
  const registry = app.locals.metrics;
  // both gauges of one scrape share one read of the forwarders and their pending counts
  let read: { at: number; status: Promise<ForwarderStatus[]> } | undefined;
  const status = () => {
    if (!read || Date.now() - read.at > 1000) {
      read = { at: Date.now(), status: forwarderStatus(stores, forwarding.forwarders) };
      read.status.catch(() => (read = undefined));
    }
    return read.status;
  };
  scrapedGauge(
    registry,
    'kairos_forward_pending_statements',
    'Statements stored and not yet handled by a forwarder (counted up to 100,000)',
    ['tenant', 'forwarder'],
    async () =>
      (await status()).map((f) => ({ labels: { tenant: f.tenantId, forwarder: f.id }, value: f.pending })),
  );
  scrapedGauge(
    registry,
    'kairos_forward_failing',
    '1 while a forwarder’s other LRS refuses or does not answer (Kairos keeps retrying)',
    ['tenant', 'forwarder'],
    async () =>
      (await status()).map((f) => ({
        labels: { tenant: f.tenantId, forwarder: f.id },
        value: f.failures > 0 ? 1 : 0,
      })),
  );
  for (const [kind, help] of [
    ['sent', 'Statements this process forwarded'],
    ['rejected', 'Statements the other LRS refused for good (skipped)'],
    ['failures', 'Failed tries to reach the other LRS'],
  ] as const) {
    new Counter({
      name: `kairos_forward_${kind}_total`,
      help,
      labelNames: ['forwarder'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [id, n] of Object.entries(forwarding.counters[kind])) this.inc({ forwarder: id }, n);
      },
    });
  }
}
