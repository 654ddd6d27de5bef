import { agentKey, formatStatement, type Statement } from '@kairos/xapi';
import type { Principal } from '../../auth/principal.js';
import { statementReadAccess } from '../../auth/scopes.js';
import { HttpError } from '../../errors.js';
import type { RecordStore, StatementRecord } from '../../storage/types.js';
import { filterTerm, termsOf } from './prepare.js';
import { type Cursor, encodeCursor, type Filter, type Format, pageQuery } from './query.js';

// Store queries one page may take when referencing statements are filtered out (see readPage).
const MAX_SCANS = 4;

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

/** What a principal may read of its tenant's statements. */
interface ReadAccess {
  /** Only statements whose actor is this agent (learner tokens). */
  actorKey?: string;
  /** Agent key of the authority that must have written them (`statements/read/mine` of a key or token). */
  authorityKey?: string;
  /** Course IRI among their related activities (context-scoped tokens). */
  contextIri?: string;
  /** Index terms that select the above in the store. */
  terms: string[];
}

const contextTerm = (iri: string) => filterTerm.activity(iri, true);

function readAccess(principal: Principal): ReadAccess {
  const access = statementReadAccess(principal.scopes);
  if (access === 'none') {
    throw new HttpError(
      403,
      'forbidden',
      'this credential may not read statements (scope statements/read needed)',
    );
  }
  const terms: string[] = [];
  let authorityKey: string | undefined;
  // a learner's "mine" is its own statements (by actor); anyone else's is what its key vouched for
  if (principal.actorKey === undefined && access === 'mine') {
    authorityKey = agentKey(principal.authority)!;
    terms.push(filterTerm.authority(authorityKey));
  }
  if (principal.contextIri !== undefined) terms.push(contextTerm(principal.contextIri));
  return { actorKey: principal.actorKey, authorityKey, contextIri: principal.contextIri, terms };
}

/**
 * Whether a statement is within a confined principal's reach: about its learner (learner tokens) and
 * in its course (context-scoped tokens). Reads and voids both stop there.
 */
export function withinReach(
  principal: Pick<Principal, 'actorKey' | 'contextIri'>,
  actorKey: string | undefined,
  statement: Statement,
): boolean {
  if (principal.actorKey !== undefined && actorKey !== principal.actorKey) return false;
  if (principal.contextIri === undefined) return true;
  return termsOf(statement).includes(contextTerm(principal.contextIri));
}

/**
 * Whether `access` may see this record. `matched`: the store selected it by the access terms, which only
 * a referencing statement can hold without meeting them itself (StatementRefs inherit their target's
 * terms for the filter rule), so only those are checked again.
 */
function visible(access: ReadAccess, r: StatementRecord, matched: boolean): boolean {
  if (access.actorKey !== undefined && r.actorKey !== access.actorKey) return false;
  if (matched && r.refTarget === undefined) return true;
  if (access.authorityKey !== undefined) {
    const authority = r.statement.authority;
    if (authority === undefined || agentKey(authority) !== access.authorityKey) return false;
  }
  return withinReach({ contextIri: access.contextIri }, r.actorKey, r.statement);
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
  const access = readAccess(principal);
  const r = await record.statements.get(principal.tenantId, id);
  if (!r || r.voided !== voided || !visible(access, r, false)) {
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
  const access = readAccess(principal);
  const filter: Filter = { ...request.filter, terms: [...request.filter.terms, ...access.terms] };
  const want = filter.limit + 1;
  // Rows a referencing statement matched only through its target are dropped, so a page may need more
  // than one store query; past MAX_SCANS the page is shorter and `more` resumes after what was scanned.
  const kept: StatementRecord[] = [];
  let resume = request.cursorKey;
  let exhausted = false;
  for (let scan = 0; scan < MAX_SCANS && kept.length < want && !exhausted; scan++) {
    const rows = await record.statements.query(principal.tenantId, {
      ...pageQuery(filter, resume, access.actorKey),
      limit: want,
    });
    exhausted = rows.length < want;
    for (const r of rows) if (visible(access, r, true)) kept.push(r);
    if (rows.length > 0) resume = rows[rows.length - 1]!.key;
  }
  const page = kept.slice(0, filter.limit);
  const nextKey = kept.length > filter.limit ? page[page.length - 1]!.key : exhausted ? undefined : resume;
  let next: string | undefined;
  if (nextKey !== undefined) {
    const cursor: Cursor = {
      filter: request.filter,
      key: nextKey,
      format: request.format,
      attachments: request.attachments,
      tenantId: principal.tenantId,
      actorKey: access.actorKey,
      contextIri: access.contextIri,
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
