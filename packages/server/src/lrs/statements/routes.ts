import { validateStatement, validateStatements } from '@kairos/xapi';
import { type Request, type Response, Router } from 'express';
import { HttpError } from '../../errors.js';
import type { RecordStore } from '../../storage/types.js';
import type { ConsistencyTracker } from '../consistency.js';
import { decodeCursor, parseStatementsRequest } from './query.js';
import { readOne, readPage } from './read.js';
import { writeStatements } from './write.js';

/** What the statements resource needs. */
export interface StatementsDeps {
  record: RecordStore;
  consistency: ConsistencyTracker;
  secret: string;
  /** Path of the xAPI endpoint as clients see it (`/xapi`, or `/prefix/xapi` behind a proxy). */
  endpointPath: string;
}

/** Accept-Language as an ordered list of tags. */
export function languagesOf(req: Request): string[] {
  return (req.get('accept-language') ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((l) => l.tag && l.tag !== '*' && l.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((l) => l.tag);
}

function requireJson(req: Request): void {
  if (!req.is('application/json')) {
    throw new HttpError(
      400,
      'unsupported_content_type',
      `send statements as Content-Type: application/json (got ${req.get('content-type') ?? 'none'})`,
    );
  }
}

function consistencyHeaders(res: Response, deps: StatementsDeps): void {
  res.setHeader('X-Experience-API-Consistent-Through', deps.consistency.consistentThrough().toISOString());
}

/** The xAPI Statement Resource: PUT, POST, GET (single, filtered, `more`), HEAD. */
export function statementsRouter(deps: StatementsDeps): Router {
  const router = Router();

  router.put('/statements', async (req, res) => {
    requireJson(req);
    const id = req.query.statementId;
    if (typeof id !== 'string')
      throw new HttpError(400, 'missing_statement_id', 'PUT needs ?statementId=<uuid>');
    const unknown = Object.keys(req.query).filter((k) => k !== 'statementId');
    if (unknown.length > 0)
      throw new HttpError(400, 'invalid_query', `unknown query parameter "${unknown[0]}"`);
    const statement = validateStatement(req.body, { version: res.locals.xapiVersion });
    if (statement.id !== undefined && statement.id.toLowerCase() !== id.toLowerCase()) {
      throw new HttpError(400, 'id_mismatch', `statement.id ${statement.id} differs from ?statementId=${id}`);
    }
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw new HttpError(400, 'invalid_query', 'statementId must be a UUID');
    }
    await writeStatements(deps, res.locals.principal, [{ ...statement, id }], res.locals.xapiVersion);
    consistencyHeaders(res, deps);
    res.status(204).end();
  });

  router.post('/statements', async (req, res) => {
    requireJson(req);
    if (Object.keys(req.query).length > 0) {
      throw new HttpError(
        400,
        'invalid_query',
        'POST /statements takes no query parameters (alternate request syntax is not supported)',
      );
    }
    const statements = validateStatements(req.body, { version: res.locals.xapiVersion });
    if (statements.length === 0) throw new HttpError(400, 'empty_batch', 'send at least one statement');
    const result = await writeStatements(deps, res.locals.principal, statements, res.locals.xapiVersion);
    consistencyHeaders(res, deps);
    res.status(200).json(result.ids);
  });

  router.get('/statements', async (req, res) => {
    const principal = res.locals.principal;
    const languages = languagesOf(req);
    consistencyHeaders(res, deps);
    if (typeof req.query.more === 'string') {
      const cursor = decodeCursor(deps.secret, req.query.more);
      if (cursor.tenantId !== principal.tenantId || cursor.actorKey !== principal.actorKey) {
        throw new HttpError(403, 'forbidden', 'this more cursor was issued to another credential');
      }
      return sendPage(
        res,
        deps,
        await readPage(deps.record, principal, deps.secret, { ...cursor, cursorKey: cursor.key }, languages),
      );
    }
    const parsed = parseStatementsRequest(req.query as Record<string, unknown>, res.locals.xapiVersion);
    if (parsed.kind === 'single') {
      const r = await readOne(deps.record, principal, parsed.id, parsed.voided, parsed.format, languages);
      res.setHeader('Last-Modified', new Date(r.stored).toUTCString());
      res.json(r.formatted);
      return;
    }
    sendPage(res, deps, await readPage(deps.record, principal, deps.secret, parsed, languages));
  });

  return router;
}

function sendPage(res: Response, deps: StatementsDeps, page: Awaited<ReturnType<typeof readPage>>): void {
  if (page.lastStored) res.setHeader('Last-Modified', new Date(page.lastStored).toUTCString());
  res.json({
    statements: page.statements,
    more: page.next ? `${deps.endpointPath}/statements?more=${encodeURIComponent(page.next)}` : '',
  });
}
