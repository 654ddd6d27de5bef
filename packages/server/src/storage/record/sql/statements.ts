import type { Statement } from '@kairos/xapi';
import { inTransaction, type SqlClient, type SqlPool } from '../../sql/database.js';
import type { InsertOutcome, StatementQuery, StatementRecord, StatementRepository } from '../types.js';
import { termId } from './terms.js';

// StatementRef chains are followed this deep when inheriting index terms (spec: "recursively").
const MAX_REF_DEPTH = 16;

const columns = 'key, id, stored, body, signature, actor_key, ref_target, voiding_target, voided';

interface Row {
  key: string;
  id: string;
  stored: Date;
  body: string;
  signature: string;
  actor_key: string | null;
  ref_target: string | null;
  voiding_target: string | null;
  voided: boolean;
}

/** Thrown inside the insert transaction to roll it back when ids conflict. */
class Conflicts extends Error {
  constructor(readonly ids: string[]) {
    super('conflicting statement ids');
  }
}

/** A record whose `statement` is parsed from the stored text only if someone reads it. */
function toRecord(tenantId: string, r: Row): StatementRecord {
  let parsed: Statement | undefined;
  return {
    tenantId,
    key: r.key,
    id: r.id,
    stored: r.stored.toISOString(),
    get statement() {
      parsed ??= JSON.parse(r.body) as Statement;
      return parsed;
    },
    raw: r.body,
    signature: r.signature,
    terms: [],
    actorKey: r.actor_key ?? undefined,
    refTarget: r.ref_target ?? undefined,
    voidingTarget: r.voiding_target ?? undefined,
    voided: r.voided,
  };
}

/**
 * The batch as the one JSON document the insert reads with `json_to_recordset`: V8 serialises it natively,
 * far cheaper than escaping ten array parameters, and PostgreSQL parses it in one pass. Each body travels
 * as a string: as a `json` field it would be extracted verbatim without escaping, but `json_to_recordset`
 * refuses an unpaired surrogate escape (`\ud800`) inside one, which a valid statement may hold.
 */
export function insertRowsJson(records: StatementRecord[]): string {
  return JSON.stringify(
    records.map((r) => ({
      k: r.key,
      i: r.id,
      s: r.stored,
      b: JSON.stringify(r.statement),
      g: r.signature,
      a: r.actorKey ?? null,
      r: r.refTarget ?? null,
      v: r.voidingTarget ?? null,
      t: [...new Set(r.terms)].map(termId),
    })),
  );
}

/**
 * Statements on PostgreSQL or PGlite: one row per statement (its JSON text, and the hashed terms it
 * matches, own and inherited) plus one `statement_index` row per term for the filters.
 */
export class SqlStatements implements StatementRepository {
  constructor(private readonly pool: SqlPool) {}

  async insert(tenantId: string, records: StatementRecord[]): Promise<InsertOutcome> {
    if (records.length === 0) return { ok: true, inserted: [], duplicates: [] };
    try {
      return await this.insertInTransaction(tenantId, records);
    } catch (error) {
      if (error instanceof Conflicts) return { ok: false, conflicts: error.ids };
      throw error;
    }
  }

  private async insertInTransaction(tenantId: string, records: StatementRecord[]): Promise<InsertOutcome> {
    const single = records[0]!;
    if (records.length === 1 && !single.refTarget && !single.voidingTarget) {
      // One plain statement: the insert statement is atomic on its own, so skip BEGIN/COMMIT round trips.
      const outcome = await this.insertWith(this.pool, tenantId, records);
      if (outcome.pending) await inTransaction(this.pool, (client) => this.link(client, tenantId, records));
      return outcome.result;
    }
    return inTransaction(this.pool, async (client) => {
      const outcome = await this.insertWith(client, tenantId, records);
      if (outcome.pending || outcome.inserted.some((r) => r.voidingTarget || r.refTarget)) {
        await this.link(client, tenantId, outcome.inserted);
      }
      return outcome.result;
    });
  }

  /** Inserts and indexes the batch in one statement; throws {@link Conflicts} when an id clashes. */
  private async insertWith(client: SqlClient, tenantId: string, records: StatementRecord[]) {
    const rows = insertRowsJson(records);
    {
      // One round trip for the common case: insert the statements, index the ones inserted, and tell
      // whether a stored statement already voids or references one of them (then the slow path runs).
      const res = await client.query<{ id: string; pending: boolean }>(
        `WITH x AS (
           SELECT * FROM json_to_recordset($2::json)
             AS x(k uuid, i uuid, s timestamptz, b text, g text, a text, r uuid, v uuid, t uuid[])
         ), ins AS (
           INSERT INTO statements (tenant_id, ${columns}, terms)
           SELECT $1, k, i, s, b, g, a, r, v, false, t FROM x
           ON CONFLICT DO NOTHING RETURNING key, id, terms
         ), idx AS (
           INSERT INTO statement_index (tenant_id, term, key)
           SELECT $1, unnest(ins.terms), ins.key FROM ins
           ON CONFLICT DO NOTHING
         )
         SELECT ins.id,
           -- two probes, one per partial index (an OR makes the planner scan the tenant's statements)
           EXISTS (SELECT 1 FROM statements p WHERE p.tenant_id = $1 AND p.voiding_target IN (SELECT i FROM x))
           OR EXISTS (SELECT 1 FROM statements p WHERE p.tenant_id = $1 AND p.ref_target IN (SELECT i FROM x))
           AS pending FROM ins`,
        [tenantId, rows],
      );
      const insertedIds = new Set(res.rows.map((r) => r.id));
      const inserted = records.filter((r) => insertedIds.has(r.id));
      const others = records.filter((r) => !insertedIds.has(r.id));
      const duplicates: string[] = [];
      if (others.length > 0) {
        const existing = await client.query<{ id: string; signature: string }>(
          'SELECT id, signature FROM statements WHERE tenant_id = $1 AND id = ANY($2::uuid[])',
          [tenantId, others.map((r) => r.id)],
        );
        const sigs = new Map(existing.rows.map((r) => [r.id, r.signature]));
        const conflicts = others.filter((r) => sigs.get(r.id) !== r.signature).map((r) => r.id);
        if (conflicts.length > 0) throw new Conflicts(conflicts);
        duplicates.push(...others.map((r) => r.id));
      }
      const result: InsertOutcome = { ok: true, inserted: inserted.map((r) => r.id), duplicates };
      return { result, inserted, pending: inserted.length > 0 && res.rows.some((r) => r.pending) };
    }
  }

  /** Voiding and StatementRef bookkeeping, for batches that void, reference, or are referenced. */
  private async link(client: SqlClient, tenantId: string, inserted: StatementRecord[]): Promise<void> {
    const voidTargets = inserted.filter((r) => r.voidingTarget).map((r) => r.voidingTarget!);
    if (voidTargets.length > 0) {
      await client.query(
        `UPDATE statements SET voided = true
         WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND voiding_target IS NULL AND NOT voided`,
        [tenantId, voidTargets],
      );
    }
    // A voiding statement may have arrived before its target.
    await client.query(
      `UPDATE statements s SET voided = true
       WHERE s.tenant_id = $1 AND s.key = ANY($2::uuid[]) AND s.voiding_target IS NULL
         AND EXISTS (SELECT 1 FROM statements v WHERE v.tenant_id = $1 AND v.voiding_target = s.id)`,
      [tenantId, inserted.map((r) => r.key)],
    );
    await this.inheritReferencedTerms(client, tenantId, inserted);
  }

  /**
   * StatementRef filter rule: a statement that references a matching statement matches too (recursively).
   * A referencing statement carries the terms of what it references, kept up to date whichever arrives
   * first: the new statements take their targets' terms, then every statement referencing a changed one
   * takes its terms, until nothing changes (terms only grow, so it ends).
   */
  private async inheritReferencedTerms(
    client: SqlClient,
    tenantId: string,
    inserted: StatementRecord[],
  ): Promise<void> {
    const inherit = (where: string) =>
      `WITH upd AS (
         UPDATE statements s
         SET terms = ARRAY(SELECT DISTINCT t FROM unnest(s.terms || tgt.terms) AS t)
         FROM statements tgt
         WHERE s.tenant_id = $1 AND ${where} AND tgt.tenant_id = $1 AND tgt.id = s.ref_target
           AND NOT (s.terms @> tgt.terms)
         RETURNING s.key, s.id, s.terms
       ), idx AS (
         INSERT INTO statement_index (tenant_id, term, key)
         SELECT $1, unnest(upd.terms), upd.key FROM upd ON CONFLICT DO NOTHING
       )
       SELECT id FROM upd`;
    const withRef = inserted.filter((r) => r.refTarget).map((r) => r.key);
    if (withRef.length > 0) await client.query(inherit('s.key = ANY($2::uuid[])'), [tenantId, withRef]);
    let ids = inserted.map((r) => r.id);
    for (let depth = 0; depth < MAX_REF_DEPTH && ids.length > 0; depth++) {
      const changed = await client.query<{ id: string }>(inherit('s.ref_target = ANY($2::uuid[])'), [
        tenantId,
        ids,
      ]);
      ids = changed.rows.map((r) => r.id);
    }
  }

  async get(tenantId: string, id: string): Promise<StatementRecord | undefined> {
    const res = await this.pool.query<Row>(
      `SELECT ${columns} FROM statements WHERE tenant_id = $1 AND id = $2::uuid`,
      [tenantId, id],
    );
    return res.rows[0] && toRecord(tenantId, res.rows[0]);
  }

  async query(tenantId: string, q: StatementQuery): Promise<StatementRecord[]> {
    const params: unknown[] = [tenantId];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['s.tenant_id = $1', 'NOT s.voided'];
    let from = 'statements s';
    const [first, ...rest] = q.terms.map(termId);
    if (first !== undefined) {
      from += ` JOIN statement_index t0 ON t0.tenant_id = s.tenant_id AND t0.key = s.key AND t0.term = ${p(first)}::uuid`;
    }
    // further terms: the statement's own term array holds them (no second index probe per row)
    if (rest.length > 0) where.push(`s.terms @> ${p(`{${rest.join(',')}}`)}::uuid[]`);
    if (q.actorKey !== undefined) where.push(`s.actor_key = ${p(q.actorKey)}`);
    if (q.after !== undefined) where.push(`s.key > ${p(q.after)}::uuid`);
    if (q.before !== undefined) where.push(`s.key < ${p(q.before)}::uuid`);
    const order = q.ascending ? 'ASC' : 'DESC';
    const res = await this.pool.query<Row>(
      `SELECT ${columns.replace(/(\w+)/g, 's.$1')} FROM ${from} WHERE ${where.join(' AND ')}
       ORDER BY s.key ${order} LIMIT ${p(q.limit)}`,
      params,
    );
    return res.rows.map((r) => toRecord(tenantId, r));
  }

  async count(tenantId: string): Promise<number> {
    const res = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int8 AS n FROM statements WHERE tenant_id = $1',
      [tenantId],
    );
    return res.rows[0]!.n;
  }

  async feed(
    tenantId: string,
    range: { after?: string; before: string; limit: number },
  ): Promise<StatementRecord[]> {
    const res = await this.pool.query<Row>(
      `SELECT ${columns} FROM statements
       WHERE tenant_id = $1 AND key > COALESCE($2::uuid, '00000000-0000-0000-0000-000000000000') AND key < $3::uuid
       ORDER BY key LIMIT $4`,
      [tenantId, range.after ?? null, range.before, range.limit],
    );
    return res.rows.map((r) => toRecord(tenantId, r));
  }

  async countAfter(tenantId: string, after: string | undefined, cap: number): Promise<number> {
    const res = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM (
         SELECT 1 FROM statements
         WHERE tenant_id = $1 AND key > COALESCE($2::uuid, '00000000-0000-0000-0000-000000000000') LIMIT $3) x`,
      [tenantId, after ?? null, cap],
    );
    return res.rows[0]!.n;
  }

  async tenants(): Promise<string[]> {
    // a loose index scan on the primary key: one probe per tenant, not a scan of every statement
    const res = await this.pool.query<{ tenant_id: string }>(
      `WITH RECURSIVE t AS (
         (SELECT tenant_id FROM statements ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT s.tenant_id FROM statements s WHERE s.tenant_id > t.tenant_id ORDER BY s.tenant_id LIMIT 1)
         FROM t WHERE t.tenant_id IS NOT NULL)
       SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL`,
    );
    return res.rows.map((r) => r.tenant_id);
  }
}
