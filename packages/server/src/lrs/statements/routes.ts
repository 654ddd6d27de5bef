import { type Statement, validateStatement, validateStatements, type XapiVersion } from '@kairos/xapi';
import { type Request, type Response, Router } from 'express';
import { HttpError } from '../../errors.js';
import type { RecordStore } from '../../storage/types.js';
import { attachmentContents, readMultipartStatements, requireFileUrls } from '../attachments/index.js';
import { buildMultipart } from '../attachments/multipart.js';
import type { ConsistencyTracker } from '../consistency.js';
import type { InsertCoalescer } from './coalescer.js';
import { decodeCursor, parseStatementsRequest } from './query.js';
import { readOne, readPage, type StatementPage } from './read.js';
import { writeStatements } from './write.js';

/** What the statements resource needs. */
export interface StatementsDeps {
  record: RecordStore;
  /** Group commit of concurrent writes (optional: without it every request is its own insert). */
  coalescer?: InsertCoalescer;
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

/**
 * The statements of a PUT/POST body and their attachment contents: `application/json`, or
 * `multipart/mixed` with the JSON first and one part per attachment content.
 */
async function readBody(req: Request, version: XapiVersion, single: boolean) {
  if (req.is('multipart/mixed')) {
    const { json, parts } = readMultipartStatements(req.body as Buffer, req.get('content-type')!);
    const statements = single
      ? [validateStatement(json, { version })]
      : validateStatements(json, { version });
    return { statements, attachments: await attachmentContents(statements, parts) };
  }
  if (!req.is('application/json')) {
    throw new HttpError(
      400,
      'unsupported_content_type',
      `send statements as application/json or multipart/mixed (got ${req.get('content-type') ?? 'none'})`,
    );
  }
  const statements = single
    ? [validateStatement(req.body, { version })]
    : validateStatements(req.body, { version });
  requireFileUrls(statements);
  return { statements, attachments: [] };
}

/** xAPI 2.0: a batch that uses one id twice is a 400 (even with identical content). */
function rejectRepeatedIds(statements: Statement[]): void {
  const seen = new Set<string>();
  statements.forEach((s, i) => {
    const id = s.id?.toLowerCase();
    if (id === undefined) return;
    if (seen.has(id))
      throw new HttpError(
        400,
        'duplicate_id_in_batch',
        `statement[${i}].id: ${id} appears more than once in the batch`,
      );
    seen.add(id);
  });
}

function consistencyHeaders(res: Response, deps: StatementsDeps): void {
  res.setHeader('X-Experience-API-Consistent-Through', deps.consistency.consistentThrough().toISOString());
}

/** The xAPI Statement Resource: PUT, POST, GET (single, filtered, `more`), HEAD. */
export function statementsRouter(deps: StatementsDeps): Router {
  const router = Router();

  router.put('/statements', async (req, res) => {
    const id = req.query.statementId;
    if (typeof id !== 'string')
      throw new HttpError(400, 'missing_statement_id', 'PUT needs ?statementId=<uuid>');
    const unknown = Object.keys(req.query).filter((k) => k !== 'statementId');
    if (unknown.length > 0)
      throw new HttpError(400, 'invalid_query', `unknown query parameter "${unknown[0]}"`);
    const { statements, attachments } = await readBody(req, res.locals.xapiVersion, true);
    const statement = statements[0]!;
    if (statement.id !== undefined && statement.id.toLowerCase() !== id.toLowerCase()) {
      throw new HttpError(400, 'id_mismatch', `statement.id ${statement.id} differs from ?statementId=${id}`);
    }
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw new HttpError(400, 'invalid_query', 'statementId must be a UUID');
    }
    await writeStatements(
      deps,
      res.locals.principal,
      [{ ...statement, id }],
      res.locals.xapiVersion,
      attachments,
    );
    consistencyHeaders(res, deps);
    res.status(204).end();
  });

  router.post('/statements', async (req, res) => {
    if (Object.keys(req.query).length > 0) {
      throw new HttpError(400, 'invalid_query', 'POST /statements takes no query parameters');
    }
    const { statements, attachments } = await readBody(req, res.locals.xapiVersion, false);
    if (statements.length === 0) throw new HttpError(400, 'empty_batch', 'send at least one statement');
    rejectRepeatedIds(statements);
    const result = await writeStatements(
      deps,
      res.locals.principal,
      statements,
      res.locals.xapiVersion,
      attachments,
    );
    consistencyHeaders(res, deps);
    res.status(200).json(result.ids);
  });

  router.get('/statements', async (req, res) => {
    const principal = res.locals.principal;
    const languages = languagesOf(req);
    consistencyHeaders(res, deps);
    if (typeof req.query.more === 'string') {
      const cursor = decodeCursor(deps.secret, req.query.more);
      // (the reader's own restrictions apply to every page anyway; this says why a foreign cursor fails)
      if (
        cursor.tenantId !== principal.tenantId ||
        cursor.actorKey !== principal.actorKey ||
        cursor.contextIri !== principal.contextIri
      ) {
        throw new HttpError(403, 'forbidden', 'this more cursor was issued to another credential');
      }
      const page = await readPage(
        deps.record,
        principal,
        deps.secret,
        { ...cursor, cursorKey: cursor.key },
        languages,
      );
      return sendPage(res, deps, principal.tenantId, page, cursor.attachments);
    }
    const parsed = parseStatementsRequest(req.query as Record<string, unknown>, res.locals.xapiVersion);
    if (parsed.kind === 'single') {
      const r = await readOne(deps.record, principal, parsed.id, parsed.voided, parsed.format, languages);
      res.setHeader('Last-Modified', new Date(r.stored).toUTCString());
      if (parsed.attachments)
        return sendWithAttachments(res, deps, principal.tenantId, r.formatted, [r.formatted]);
      res.json(r.formatted);
      return;
    }
    const page = await readPage(deps.record, principal, deps.secret, parsed, languages);
    sendPage(res, deps, principal.tenantId, page, parsed.attachments);
  });

  return router;
}

async function sendPage(
  res: Response,
  deps: StatementsDeps,
  tenantId: string,
  page: StatementPage,
  withAttachments: boolean,
): Promise<void> {
  if (page.lastStored) res.setHeader('Last-Modified', new Date(page.lastStored).toUTCString());
  const more = page.next ? `${deps.endpointPath}/statements?more=${encodeURIComponent(page.next)}` : '';
  if (withAttachments) {
    return sendWithAttachments(res, deps, tenantId, { statements: page.statements, more }, page.statements);
  }
  res.type('application/json').send(`{"statements":${page.json()},"more":${JSON.stringify(more)}}`);
}

/** `attachments=true`: multipart/mixed with the JSON first, then each attachment content held once. */
async function sendWithAttachments(
  res: Response,
  deps: StatementsDeps,
  tenantId: string,
  json: unknown,
  statements: Statement[],
): Promise<void> {
  const sha2s = [
    ...new Set(statements.flatMap((s) => (s.attachments ?? []).map((a) => a.sha2.toLowerCase()))),
  ];
  const contents = await deps.record.attachments.get(tenantId, sha2s);
  const { contentType, body } = buildMultipart([
    { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(json) },
    ...contents.map((c) => ({
      headers: {
        'Content-Type': c.contentType,
        'Content-Transfer-Encoding': 'binary',
        'X-Experience-API-Hash': c.sha2,
      },
      body: c.content,
    })),
  ]);
  res.setHeader('Content-Type', contentType);
  res.send(body);
}
