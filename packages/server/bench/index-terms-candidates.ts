/**
 * The candidate storages of match terms measured by bench/index-terms.ts (issue 13, item 2). Each gives its
 * DDL, its insert (production's one-statement CTE of packages/server/src/storage/record/sql/statements.ts,
 * with its own index step) and its GET query; `current` is production's schema and SQL, verbatim.
 */

import { termId } from '../src/storage/record/sql/terms.js';
import { type BenchRow, foldTenant, relatedAlternatives } from './index-terms-statements.js';

/** How a candidate keeps its terms. */
export interface Candidate {
  name: string;
  summary: string;
  /** `fewer`: related terms implied by another term are not stored (see `fewerTerms`). */
  terms: 'all' | 'fewer';
  /** `table`: `statement_index` rows; `narrow`: the same without the tenant column; `gin`: a GIN index on `statements.terms`. */
  index: 'table' | 'narrow' | 'gin';
}

export const CANDIDATES: Candidate[] = [
  {
    name: 'current',
    summary: 'statement_index (tenant_id, term, key), all terms',
    terms: 'all',
    index: 'table',
  },
  {
    name: 'narrow',
    summary: 'statement_index (term, key), tenant folded into the term',
    terms: 'all',
    index: 'narrow',
  },
  {
    name: 'fewer',
    summary: 'statement_index (tenant_id, term, key), no implied ra:/ro:',
    terms: 'fewer',
    index: 'table',
  },
  {
    name: 'narrow+fewer',
    summary: 'statement_index (term, key), tenant folded, no implied ra:/ro:',
    terms: 'fewer',
    index: 'narrow',
  },
  {
    name: 'gin',
    summary: 'GIN (fastupdate) on statements.terms, no statement_index',
    terms: 'all',
    index: 'gin',
  },
];

/** production's statements table, without its indexes (created after a bulk load). */
export const STATEMENTS_TABLE = `
  CREATE TABLE statements (
    tenant_id text NOT NULL,
    key uuid NOT NULL,
    id uuid NOT NULL,
    stored timestamptz NOT NULL,
    body text NOT NULL,
    signature text NOT NULL,
    actor_key text,
    ref_target uuid,
    voiding_target uuid,
    voided boolean NOT NULL DEFAULT false,
    terms uuid[] NOT NULL DEFAULT '{}'
  )`;
/** production's statements indexes (migration 1). */
export const STATEMENTS_INDEXES = `
  ALTER TABLE statements ADD PRIMARY KEY (tenant_id, key);
  CREATE UNIQUE INDEX statements_tenant_statement_id ON statements (tenant_id, id);
  CREATE INDEX statements_tenant_actor ON statements (tenant_id, actor_key, key);
  CREATE INDEX statements_tenant_ref_target ON statements (tenant_id, ref_target) WHERE ref_target IS NOT NULL;
  CREATE INDEX statements_tenant_voiding_target ON statements (tenant_id, voiding_target)
    WHERE voiding_target IS NOT NULL`;

/** The candidate's term store, empty (`statement_index` table or GIN index). */
export function termStoreDdl(c: Candidate): string {
  if (c.index === 'gin')
    return 'CREATE INDEX statements_terms ON statements USING gin (terms) WITH (fastupdate = on)';
  if (c.index === 'narrow')
    return 'CREATE TABLE statement_index (term uuid NOT NULL, key uuid NOT NULL, PRIMARY KEY (term, key))';
  return `CREATE TABLE statement_index (tenant_id text NOT NULL, term uuid NOT NULL, key uuid NOT NULL,
    PRIMARY KEY (tenant_id, term, key))`;
}

/**
 * Fills the term store from `statements.terms` after a bulk load (those hold plain hashes: a narrow index
 * folds the tenant in SQL, `md5(tenant || ':' || hash)`, the same value as {@link foldTenant}).
 */
export function termStoreBulk(c: Candidate): string[] {
  if (c.index === 'gin') return [termStoreDdl(c)];
  if (c.index === 'narrow')
    return [
      'CREATE TABLE statement_index (term uuid NOT NULL, key uuid NOT NULL)',
      `INSERT INTO statement_index (term, key)
         SELECT md5(s.tenant_id || ':' || t::text)::uuid, s.key FROM statements s, unnest(s.terms) t`,
      'ALTER TABLE statement_index ADD PRIMARY KEY (term, key)',
    ];
  return [
    'CREATE TABLE statement_index (tenant_id text NOT NULL, term uuid NOT NULL, key uuid NOT NULL)',
    'INSERT INTO statement_index (tenant_id, term, key) SELECT s.tenant_id, unnest(s.terms), s.key FROM statements s',
    'ALTER TABLE statement_index ADD PRIMARY KEY (tenant_id, term, key)',
  ];
}

const columns = 'key, id, stored, body, signature, actor_key, ref_target, voiding_target, voided';

/** The candidate's insert: production's CTE; only the index step differs ($1 tenant, $2 the batch as JSON). */
export function insertSql(c: Candidate): string {
  const idx =
    c.index === 'gin'
      ? ''
      : c.index === 'narrow'
        ? `, idx AS (
           INSERT INTO statement_index (term, key)
           SELECT unnest(ins.terms), ins.key FROM ins
           ON CONFLICT DO NOTHING
         )`
        : `, idx AS (
           INSERT INTO statement_index (tenant_id, term, key)
           SELECT $1, unnest(ins.terms), ins.key FROM ins
           ON CONFLICT DO NOTHING
         )`;
  return `WITH x AS (
           SELECT * FROM json_to_recordset($2::json)
             AS x(k uuid, i uuid, s timestamptz, b text, g text, a text, r uuid, v uuid, t uuid[])
         ), ins AS (
           INSERT INTO statements (tenant_id, ${columns}, terms)
           SELECT $1, k, i, s, b, g, a, r, v, false, t FROM x
           ON CONFLICT DO NOTHING RETURNING key, id, terms
         )${idx}
         SELECT ins.id,
           EXISTS (SELECT 1 FROM statements p WHERE p.tenant_id = $1 AND p.voiding_target IN (SELECT i FROM x))
           OR EXISTS (SELECT 1 FROM statements p WHERE p.tenant_id = $1 AND p.ref_target IN (SELECT i FROM x))
           AS pending FROM ins`;
}

/** The terms of a row a candidate stores (in `statements.terms` and its index): narrow ones fold the tenant. */
export function rowTerms(c: Candidate, r: BenchRow): string[] {
  const folded = c.index !== 'table';
  if (c.terms === 'fewer') return folded ? r.hashes.fewerFolded : r.hashes.fewer;
  return folded ? r.hashes.allFolded : r.hashes.all;
}

/** The batch parameter of {@link insertSql}: production's JSON rows. */
export function insertBatch(c: Candidate, rows: BenchRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      k: r.key,
      i: r.id,
      s: r.stored,
      b: r.body,
      g: r.signature,
      a: r.actorKey,
      r: null,
      v: null,
      t: rowTerms(c, r),
    })),
  );
}

/** A GET filter as the LRS hands it to the store: term texts in the LRS's order, keyset bounds, a page size. */
export interface TermQuery {
  terms: string[];
  after?: string;
  before?: string;
  limit: number;
}

/**
 * The candidate's GET query for `q` against a bulk-loaded store (whose `statements.terms` hold plain hashes,
 * whatever the candidate; only a narrow index holds folded ones). `current` is statements.ts's query.
 */
export function querySql(c: Candidate, tenant: string, q: TermQuery): { text: string; values: unknown[] } {
  const params: unknown[] = [tenant];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const alts = q.terms.map((t) => (c.terms === 'fewer' ? relatedAlternatives(t) : [t]).map(termId));
  const indexTerm = (h: string) => (c.index === 'narrow' ? foldTenant(tenant, h) : h);
  const where = ['s.tenant_id = $1', 'NOT s.voided'];
  let from = 'statements s';
  let distinct = '';
  let orderKey = 's.key';
  let rest = alts;
  if (c.index !== 'gin' && alts.length > 0) {
    const [first, ...others] = alts;
    rest = others;
    const tenantCond = c.index === 'narrow' ? '' : 't0.tenant_id = s.tenant_id AND ';
    if (first!.length === 1) {
      from += ` JOIN statement_index t0 ON ${tenantCond}t0.key = s.key AND t0.term = ${p(indexTerm(first![0]!))}::uuid`;
    } else {
      // any of the implying terms: one index range each, in key order, merged (Merge Append) — the
      // per-branch ORDER BY and the outer ORDER BY on t0.key are what make the planner merge, not sort
      const tenantWhere = c.index === 'narrow' ? '' : 'tenant_id = $1 AND ';
      const bounds = [
        q.after !== undefined ? ` AND key > ${p(q.after)}::uuid` : '',
        q.before !== undefined ? ` AND key < ${p(q.before)}::uuid` : '',
      ].join('');
      const branches = first!.map(
        (h) =>
          `(SELECT key FROM statement_index WHERE ${tenantWhere}term = ${p(indexTerm(h))}::uuid${bounds} ORDER BY key DESC)`,
      );
      from += ` JOIN (${branches.join(' UNION ALL ')}) t0 ON t0.key = s.key`;
      orderKey = 't0.key';
      // a:X and au:X may both be stored for one statement (a learner writing with their own key)
      if (first!.some((h) => h === termId(`au:${q.terms[0]!.slice(3)}`))) distinct = 'DISTINCT ON (t0.key) ';
    }
  }
  const all = rest.filter((a) => a.length === 1).map((a) => a[0]!);
  if (all.length > 0) where.push(`s.terms @> ${p(`{${all.join(',')}}`)}::uuid[]`);
  for (const a of rest.filter((a) => a.length > 1)) where.push(`s.terms && ${p(`{${a.join(',')}}`)}::uuid[]`);
  if (q.after !== undefined) where.push(`s.key > ${p(q.after)}::uuid`);
  if (q.before !== undefined) where.push(`s.key < ${p(q.before)}::uuid`);
  const cols = columns.replace(/(\w+)/g, 's.$1');
  const text = `SELECT ${distinct}${cols} FROM ${from} WHERE ${where.join(' AND ')}
       ORDER BY ${orderKey} DESC LIMIT ${p(q.limit)}`;
  return { text, values: params };
}
