import { agentKey, formatStatement, type Statement } from '@kairos/xapi';
import type { Principal } from '../../auth/principal.js';
import { statementReadAccess } from '../../auth/scopes.js';
import { HttpError } from '../../errors.js';
import type { RecordStore, StatementRecord } from '../../storage/types.js';
import { filterTerm } from './prepare.js';
import { type Cursor, encodeCursor, type Filter, type Format, pageQuery } from './query.js';

/** One page of a statements query. */
export interface StatementPage {
  /** The statements as the requested format shows them (built on first access). */
  readonly statements: Statement[];
  /** The `statements` array as JSON text: the stored bytes, spliced, when the format is `exact`. */
  json(): string;
  /** Cursor token of the next page, when there is one. */
  next?: string;
  /** Latest `stored` among the page's statements. */
  lastStored?: string;
}

function readAccess(principal: Principal): { actorKey?: string; authorityTerm?: string } {
  const access = statementReadAccess(principal.scopes);
  if (access === 'none') {
    throw new HttpError(
      403,
      'forbidden',
      'this credential may not read statements (scope statements/read needed)',
    );
  }
  if (principal.actorKey !== undefined) return { actorKey: principal.actorKey };
  if (access === 'mine') return { authorityTerm: filterTerm.authority(agentKey(principal.authority)!) };
  return {};
}

/** Whether a principal restricted to its own statements may see this one. */
function visible(principal: Principal, r: StatementRecord): boolean {
  const { actorKey, authorityTerm } = readAccess(principal);
  if (actorKey !== undefined) return r.actorKey === actorKey;
  if (authorityTerm !== undefined) {
    const authority = r.statement.authority;
    return authority !== undefined && filterTerm.authority(agentKey(authority)!) === authorityTerm;
  }
  return true;
}

/**
 * GET by `statementId` / `voidedStatementId`: a voided statement is only served through the latter,
 * and a restricted principal only sees its own (others answer 404, as if absent).
 */
export async function readOne(
  record: RecordStore,
  principal: Principal,
  id: string,
  voided: boolean,
  format: Format,
  languages: string[],
): Promise<StatementRecord & { formatted: Statement }> {
  const r = await record.statements.get(principal.tenantId, id);
  if (!r || r.voided !== voided || !visible(principal, r)) {
    throw new HttpError(
      404,
      'statement_not_found',
      voided
        ? `no voided statement ${id}`
        : `no statement ${id}${r?.voided ? ' (it is voided: ask with voidedStatementId)' : ''}`,
    );
  }
  return { ...r, formatted: formatStatement(r.statement, format, languages) };
}

/** One page of a filtered query, with the cursor of the next page. */
export async function readPage(
  record: RecordStore,
  principal: Principal,
  secret: string,
  request: { filter: Filter; format: Format; attachments: boolean; cursorKey?: string },
  languages: string[],
): Promise<StatementPage> {
  const { actorKey, authorityTerm } = readAccess(principal);
  const filter: Filter = authorityTerm
    ? { ...request.filter, terms: [...request.filter.terms, authorityTerm] }
    : request.filter;
  const q = pageQuery(filter, request.cursorKey, actorKey);
  const rows = await record.statements.query(principal.tenantId, { ...q, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  let next: string | undefined;
  if (rows.length > q.limit) {
    const cursor: Cursor = {
      filter: request.filter,
      key: page[page.length - 1]!.key,
      format: request.format,
      attachments: request.attachments,
      tenantId: principal.tenantId,
      actorKey,
    };
    next = encodeCursor(secret, cursor);
  }
  let lastStored: string | undefined;
  for (const r of page) if (!lastStored || r.stored > lastStored) lastStored = r.stored;
  let statements: Statement[] | undefined;
  const result: StatementPage = {
    get statements() {
      statements ??= page.map((r) => formatStatement(r.statement, request.format, languages));
      return statements;
    },
    json() {
      // the hot read path: no parse and re-serialise of stored statements when they are served as stored
      if (request.format === 'exact' && page.every((r) => r.raw !== undefined))
        return `[${page.map((r) => r.raw).join(',')}]`;
      return JSON.stringify(result.statements);
    },
    next,
    lastStored,
  };
  return result;
}
