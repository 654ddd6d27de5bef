import { parseVersionHeader } from '@kairos/xapi';
import express, { Router } from 'express';
import { HttpError } from '../errors.js';
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
