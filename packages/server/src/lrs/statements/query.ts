import { createHmac, timingSafeEqual } from 'node:crypto';
import { agentKey, isIri, isUuid, jsonIssues, type XapiVersion } from '@kairos/xapi';
import { HttpError } from '../../errors.js';
import type { StatementQuery } from '../../storage/types.js';
import { minUuidv7 } from '../../util/uuid.js';
import { timestampParam } from '../timestamp-param.js';
import { filterTerm } from './prepare.js';

/** Largest page the LRS returns (`limit=0` and larger limits mean this). */
export const MAX_LIMIT = 500;

/** The query parameters of GET /statements (xAPI-Communication §2.1.3). */
export const STATEMENT_QUERY_PARAMS = [
  'statementId',
  'voidedStatementId',
  'agent',
  'verb',
  'activity',
  'registration',
  'related_activities',
  'related_agents',
  'since',
  'until',
  'limit',
  'format',
  'attachments',
  'ascending',
  'more',
] as const;

/** Query parameters of GET /statements that this LRS recognises: the spec's, and @xapi/xapi's cache buster (ignored). */
const KNOWN = new Set<string>([...STATEMENT_QUERY_PARAMS, 'cachebuster']);

/** A parsed GET /statements request. */
export type StatementsRequest =
  | { kind: 'single'; id: string; voided: boolean; format: Format; attachments: boolean }
  | { kind: 'query'; filter: Filter; format: Format; attachments: boolean };

export type Format = 'exact' | 'ids' | 'canonical';

/** A filtered query, as carried inside a `more` cursor. */
export interface Filter {
  terms: string[];
  after?: string;
  before?: string;
  ascending: boolean;
  limit: number;
}

const bad = (message: string) => new HttpError(400, 'invalid_query', message);

function bool(name: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw bad(`${name} must be true or false`);
}

function iri(name: string, value: string): string {
  if (!isIri(value)) throw bad(`${name} must be an absolute IRI`);
  return value;
}

/** Parses the query string of GET /statements (xAPI "Statement Resource"), rejecting unknown parameters. */
export function parseStatementsRequest(
  query: Record<string, unknown>,
  version: XapiVersion,
): StatementsRequest {
  const q: Record<string, string> = {};
  const lower = new Set<string>();
  for (const [name, value] of Object.entries(query)) {
    if (!KNOWN.has(name)) throw bad(`unknown query parameter "${name}"`);
    if (lower.has(name.toLowerCase())) throw bad(`query parameter "${name}" is given twice`);
    lower.add(name.toLowerCase());
    if (typeof value !== 'string') throw bad(`query parameter "${name}" must be given once`);
    q[name] = value;
  }
  const format = (q.format ?? 'exact') as Format;
  if (!['exact', 'ids', 'canonical'].includes(format)) throw bad('format must be exact, ids or canonical');
  const attachments = bool('attachments', q.attachments);

  const single = q.statementId ?? q.voidedStatementId;
  if (single !== undefined) {
    if (q.statementId !== undefined && q.voidedStatementId !== undefined) {
      throw bad('give statementId or voidedStatementId, not both');
    }
    const others = Object.keys(q).filter(
      (k) => !['statementId', 'voidedStatementId', 'format', 'attachments', 'cachebuster'].includes(k),
    );
    if (others.length > 0)
      throw bad(`${others.join(', ')} cannot be combined with statementId or voidedStatementId`);
    if (!isUuid(single)) throw bad('statementId must be a UUID');
    return {
      kind: 'single',
      id: single.toLowerCase(),
      voided: q.voidedStatementId !== undefined,
      format,
      attachments,
    };
  }

  const terms: string[] = [];
  if (q.agent !== undefined) {
    let agent: unknown;
    try {
      agent = JSON.parse(q.agent);
    } catch {
      throw bad('agent must be a JSON Agent or Identified Group, e.g. {"mbox":"mailto:learner@example.com"}');
    }
    // Depth, NUL and unpaired surrogates: the rule every string of a statement follows (issue 8).
    const issue = jsonIssues(agent, 'agent')[0];
    if (issue) throw bad(issue.message);
    const key = typeof agent === 'object' && agent !== null ? agentKey(agent as never) : undefined;
    if (!key)
      throw bad(
        'agent must identify an Agent or Group by exactly one of mbox, mbox_sha1sum, openid or account',
      );
    terms.push(filterTerm.agent(key, bool('related_agents', q.related_agents)));
  } else bool('related_agents', q.related_agents);
  if (q.verb !== undefined) terms.push(filterTerm.verb(iri('verb', q.verb)));
  if (q.activity !== undefined) {
    terms.push(
      filterTerm.activity(iri('activity', q.activity), bool('related_activities', q.related_activities)),
    );
  } else bool('related_activities', q.related_activities);
  if (q.registration !== undefined) {
    if (!isUuid(q.registration)) throw bad('registration must be a UUID');
    terms.push(filterTerm.registration(q.registration));
  }
  let limit = MAX_LIMIT;
  if (q.limit !== undefined) {
    if (!/^\d+$/.test(q.limit)) throw bad('limit must be a whole number (0 = server maximum)');
    const n = Number(q.limit);
    limit = n === 0 ? MAX_LIMIT : Math.min(n, MAX_LIMIT);
  }
  // Keys embed their stored millisecond: since is exclusive, until inclusive, both by `stored`.
  const after =
    q.since !== undefined ? minUuidv7(Math.floor(timestampParam('since', q.since, version)) + 1) : undefined;
  const before =
    q.until !== undefined ? minUuidv7(Math.floor(timestampParam('until', q.until, version)) + 1) : undefined;
  return {
    kind: 'query',
    filter: {
      terms,
      after: after && lowerBound(after),
      before,
      ascending: bool('ascending', q.ascending),
      limit,
    },
    format,
    attachments,
  };
}

// Keys are compared with `>`: every key of the millisecond after `since` is >= minUuidv7(ms), so step just below it.
function lowerBound(minOfNextMs: string): string {
  return minOfNextMs.replace(/-7000-8000-000000000000$/, '-6fff-bfff-ffffffffffff');
}

/** The store query for one page of a filter, resuming after `cursorKey`. */
export function pageQuery(filter: Filter, cursorKey?: string, actorKey?: string): StatementQuery {
  let { after, before } = filter;
  if (cursorKey !== undefined) {
    if (filter.ascending) after = after === undefined || cursorKey > after ? cursorKey : after;
    else before = before === undefined || cursorKey < before ? cursorKey : before;
  }
  return { terms: filter.terms, actorKey, after, before, ascending: filter.ascending, limit: filter.limit };
}

/** A `more` cursor: the original filter, the last key served, the format, signed so it cannot be altered. */
export interface Cursor {
  filter: Filter;
  key: string;
  format: Format;
  attachments: boolean;
  /** Tenant, actor and course restriction it was issued for: a cursor never widens access. */
  tenantId: string;
  actorKey?: string;
  contextIri?: string;
}

const sign = (secret: string, payload: string) =>
  createHmac('sha256', `kairos-more:${secret}`).update(payload).digest('base64url').slice(0, 22);

/** Encodes a cursor for the `more` IRL (stateless: valid as long as the secret, well beyond 24 hours). */
export function encodeCursor(secret: string, cursor: Cursor): string {
  const payload = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** Decodes a `more` cursor, or throws 400 when it was altered or is not ours. */
export function decodeCursor(secret: string, token: string): Cursor {
  const [payload = '', mac = ''] = token.split('.');
  const expected = Buffer.from(sign(secret, payload));
  // compared as bytes: a MAC of the right length in characters may not be in bytes (timingSafeEqual throws)
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw bad('more is not a cursor issued by this LRS (it was altered, or the server secret changed)');
  }
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Cursor;
}
