import { randomUUID } from 'node:crypto';
import { parseVersionHeader } from '@kairos/xapi';
import express, { Router } from 'express';
import type { ParsedFramework } from '../analytics/frameworks/import.js';
import type { ReprojectProgress } from '../analytics/projection/projector.js';
import { HttpError } from '../errors.js';
import { asActor } from '../privacy/actor.js';
import { parseRetentionMonths } from '../privacy/retention-settings.js';
import { isAdminToken } from './channel.js';
import type { AdminOperations } from './operations.js';

/**
 * `/admin/v1/*`: the admin commands (keys, import) for a server holding the embedded data directory.
 * Authenticated by the token of the admin channel only.
 */
export function adminRouter(options: {
  token: () => string | undefined;
  operations: AdminOperations;
  bodyLimit: string;
}): Router {
  const router = Router();
  router.use((req, _res, next) => {
    const expected = options.token();
    const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!expected || !isAdminToken(expected, presented)) {
      return next(
        new HttpError(
          401,
          'admin_only',
          'admin commands need the admin token of this server (run them with kairos)',
        ),
      );
    }
    next();
  });
  router.use(express.json({ limit: options.bodyLimit }));
  // the audit log names who acted: a command sent through this server's admin channel (set after the
  // body is read, so the handlers run in it)
  router.use((_req, _res, next) => asActor('cli (admin channel)', () => next()));
  const learnerInput = (body: unknown) => {
    const { learner, tenantId } = (body ?? {}) as { learner?: unknown; tenantId?: unknown };
    if (typeof learner !== 'string' || (tenantId !== undefined && typeof tenantId !== 'string'))
      throw new HttpError(400, 'invalid_learner', 'send {"learner": ID, "tenantId"?: T}');
    return { learner, tenantId: tenantId as string | undefined };
  };
  router.post('/privacy/forget', async (req, res) => {
    res.json(await options.operations.forget(learnerInput(req.body)));
  });
  router.post('/privacy/export', async (req, res) => {
    res.json(await options.operations.exportLearner(learnerInput(req.body)));
  });
  router.get('/audit', async (req, res) => {
    const tenantId = typeof req.query.tenant === 'string' ? req.query.tenant : undefined;
    const since = typeof req.query.since === 'string' ? req.query.since : undefined;
    res.json(await options.operations.audit({ tenantId, since }));
  });
  router.get('/retention', async (_req, res) => {
    res.json(await options.operations.retentionStatus());
  });
  router.put('/retention/:tenant', async (req, res) => {
    const months = req.body?.months as unknown;
    if (typeof months !== 'number' && typeof months !== 'string')
      throw new HttpError(400, 'invalid_retention', 'send {"months": N}, N a whole number of months');
    const parsed = parseRetentionMonths(months);
    if (parsed === undefined)
      throw new HttpError(
        400,
        'invalid_retention',
        'to remove a retention, DELETE /admin/v1/retention/{tenant}',
      );
    res.json(await options.operations.setRetention(req.params.tenant!, parsed));
  });
  router.delete('/retention/:tenant', async (req, res) => {
    res.json({ cleared: await options.operations.clearRetention(req.params.tenant!) });
  });
  router.post('/retention/run', async (req, res) => {
    const { tenantId, dryRun } = (req.body ?? {}) as { tenantId?: unknown; dryRun?: unknown };
    if (
      (tenantId !== undefined && typeof tenantId !== 'string') ||
      (dryRun !== undefined && typeof dryRun !== 'boolean')
    )
      throw new HttpError(400, 'invalid_retention', 'send {"tenantId"?: T, "dryRun"?: true|false}');
    res.json(await options.operations.runRetention({ tenantId, dryRun }));
  });
  router.post('/keys', async (req, res) => {
    res.status(201).json(await options.operations.createKey(req.body));
  });
  router.get('/keys', async (req, res) => {
    res.json(
      await options.operations.listKeys(typeof req.query.tenant === 'string' ? req.query.tenant : undefined),
    );
  });
  router.delete('/keys/:key', async (req, res) => {
    res.json({ revoked: await options.operations.revokeKey(req.params.key!) });
  });
  router.post('/forwarders', async (req, res) => {
    res.status(201).json(await options.operations.addForwarder(req.body));
  });
  router.get('/forwarders', async (req, res) => {
    const tenant = typeof req.query.tenant === 'string' ? req.query.tenant : undefined;
    res.json(await options.operations.listForwarders(tenant));
  });
  router.delete('/forwarders/:tenant/:id', async (req, res) => {
    res.json({ removed: await options.operations.removeForwarder(req.params.tenant!, req.params.id!) });
  });
  router.post('/platforms', async (req, res) => {
    res.status(201).json(await options.operations.addPlatform(req.body));
  });
  router.get('/platforms', async (_req, res) => {
    res.json(await options.operations.listPlatforms());
  });
  router.delete('/platforms/:tenant', async (req, res) => {
    res.json(await options.operations.removePlatform(req.params.tenant!));
  });
  router.post('/platforms/:tenant/rotate-key', async (req, res) => {
    res.json(await options.operations.rotatePlatformKey(req.params.tenant!));
  });
  // a reprojection takes minutes: it runs as a job the CLI polls for its progress
  const jobs = new Map<string, { progress: ReprojectProgress[]; done: boolean; error?: string }>();
  router.post('/reproject', async (req, res) => {
    const tenantId = typeof req.body?.tenantId === 'string' ? req.body.tenantId : undefined;
    const id = randomUUID();
    const job: { progress: ReprojectProgress[]; done: boolean; error?: string } = {
      progress: [],
      done: false,
    };
    jobs.set(id, job);
    options.operations
      .reproject(tenantId, (p) => {
        job.progress = [...job.progress.filter((x) => x.tenantId !== p.tenantId), p];
      })
      .then(
        () => {
          job.done = true;
        },
        (err: Error) => {
          job.done = true;
          job.error = err.message;
        },
      );
    res.status(202).json({ id });
  });
  router.get('/reproject/:id', (req, res) => {
    const job = jobs.get(req.params.id!);
    if (!job) throw new HttpError(404, 'job_not_found', `no reprojection ${req.params.id}`);
    res.json(job);
  });
  router.post('/frameworks', async (req, res) => {
    const { tenantId, framework } = req.body as { tenantId?: string; framework?: ParsedFramework };
    if (typeof tenantId !== 'string' || !framework || !Array.isArray(framework.competencies)) {
      throw new HttpError(
        400,
        'invalid_framework',
        'send {"tenantId", "framework": {framework, title, source, competencies}}',
      );
    }
    res.json({ imported: await options.operations.importFramework(tenantId, framework) });
  });
  router.post('/import', async (req, res) => {
    const { tenantId, statements, version } = req.body as {
      tenantId?: string;
      statements?: unknown;
      version?: string;
    };
    const v = parseVersionHeader(version ?? '2.0.0');
    if (typeof tenantId !== 'string' || !Array.isArray(statements) || !v) {
      throw new HttpError(400, 'invalid_import', 'send {"tenantId", "statements": [...], "version"}');
    }
    res.json(await options.operations.importStatements(tenantId, statements, v));
  });
  return router;
}
