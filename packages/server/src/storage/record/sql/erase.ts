import type { SqlPool } from '../../sql/database.js';
import {
  agentTerms,
  declaredSha2s,
  type ErasableStatement,
  type ErasureSelector,
  type ExportedDocument,
  type RecordEraser,
} from '../erase.js';
import { termId } from './terms.js';

/** Erasure on PostgreSQL or PGlite: each statement goes with its index rows in one transaction. */
export class SqlEraser implements RecordEraser {
  constructor(private readonly pool: SqlPool) {}

  async select(
    tenantId: string,
    selector: ErasureSelector,
    erasedIds: string[],
    limit: number,
  ): Promise<ErasableStatement[]> {
    const refs = 'ref_target = ANY($3::uuid[]) OR voiding_target = ANY($3::uuid[])';
    const res =
      selector.kind === 'agents'
        ? await this.pool.query<{ key: string; id: string; body: string }>(
            `SELECT key, id, body FROM statements WHERE tenant_id = $1 AND (
               actor_key = ANY($2::text[])
               OR key IN (SELECT key FROM statement_index WHERE tenant_id = $1 AND term = ANY($4::uuid[]))
               OR ${refs}) LIMIT $5`,
            [tenantId, selector.agentKeys, erasedIds, agentTerms(selector.agentKeys).map(termId), limit],
          )
        : await this.pool.query<{ key: string; id: string; body: string }>(
            `SELECT key, id, body FROM statements WHERE tenant_id = $1 AND (stored < $2 OR ${refs}) LIMIT $4`,
            [tenantId, selector.stored, erasedIds, limit],
          );
    return res.rows.map((r) => ({ key: r.key, id: r.id, sha2s: declaredSha2s(r.body) }));
  }

  async read(tenantId: string, agentKeys: string[], limit: number, afterKey?: string) {
    const res = await this.pool.query<{ key: string; body: string }>(
      `SELECT key, body FROM statements WHERE tenant_id = $1 AND key > $4::uuid AND (
         actor_key = ANY($2::text[])
         OR key IN (SELECT key FROM statement_index WHERE tenant_id = $1 AND term = ANY($3::uuid[])))
       ORDER BY key LIMIT $5`,
      [
        tenantId,
        agentKeys,
        agentTerms(agentKeys).map(termId),
        afterKey ?? '00000000-0000-0000-0000-000000000000',
        limit,
      ],
    );
    return res.rows;
  }

  async deleteStatements(tenantId: string, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM statement_index WHERE tenant_id = $1 AND key = ANY($2::uuid[])', [
        tenantId,
        keys,
      ]);
      const res = await client.query(
        'DELETE FROM statements WHERE tenant_id = $1 AND key = ANY($2::uuid[])',
        [tenantId, keys],
      );
      await client.query('COMMIT');
      return res.rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async deleteAgentDocuments(tenantId: string, agentKeys: string[]): Promise<number> {
    const res = await this.pool.query(
      'DELETE FROM xapi_documents WHERE tenant_id = $1 AND agent_key = ANY($2::text[])',
      [tenantId, agentKeys],
    );
    return res.rowCount ?? 0;
  }

  async agentDocuments(tenantId: string, agentKeys: string[]): Promise<ExportedDocument[]> {
    const res = await this.pool.query<{
      kind: string;
      activity_id: string;
      registration: string;
      doc_id: string;
      content_type: string;
      content: Uint8Array;
      updated: Date;
    }>(
      `SELECT kind, activity_id, registration, doc_id, content_type, content, updated FROM xapi_documents
       WHERE tenant_id = $1 AND agent_key = ANY($2::text[]) ORDER BY kind, activity_id, doc_id`,
      [tenantId, agentKeys],
    );
    return res.rows.map((r) => ({
      kind: r.kind,
      activityId: r.activity_id,
      registration: r.registration,
      id: r.doc_id,
      contentType: r.content_type,
      updated: new Date(r.updated).toISOString(),
      content: Buffer.from(r.content).toString('utf8'),
    }));
  }

  async deleteDocumentsBefore(tenantId: string, before: string, dryRun: boolean): Promise<number> {
    const res = await this.pool.query<{ n: number }>(
      dryRun
        ? 'SELECT count(*) AS n FROM xapi_documents WHERE tenant_id = $1 AND updated < $2'
        : 'WITH d AS (DELETE FROM xapi_documents WHERE tenant_id = $1 AND updated < $2 RETURNING 1) SELECT count(*) AS n FROM d',
      [tenantId, before],
    );
    return Number(res.rows[0]?.n ?? 0);
  }

  async deleteOrphanAttachments(tenantId: string, sha2s: string[]): Promise<number> {
    let n = 0;
    for (const sha2 of new Set(sha2s)) {
      // a sha2 is 64 hex digits: found in a body, it is that body's attachment
      const res = await this.pool.query(
        `DELETE FROM attachments a WHERE a.tenant_id = $1 AND a.sha2 = $2 AND NOT EXISTS (
           SELECT 1 FROM statements s WHERE s.tenant_id = $1 AND strpos(s.body, $2) > 0)`,
        [tenantId, sha2],
      );
      n += res.rowCount ?? 0;
    }
    return n;
  }

  async countBefore(tenantId: string, before: string): Promise<number> {
    const res = await this.pool.query<{ n: number }>(
      'SELECT count(*) AS n FROM statements WHERE tenant_id = $1 AND stored < $2',
      [tenantId, before],
    );
    return Number(res.rows[0]?.n ?? 0);
  }

  async countReferringBefore(tenantId: string, before: string): Promise<number> {
    const refers = (s: string, o: string) => `(${o}.id = ${s}.ref_target OR ${o}.id = ${s}.voiding_target)`;
    const res = await this.pool.query<{ n: number }>(
      `WITH RECURSIVE later(id) AS (
         SELECT s.id FROM statements s WHERE s.tenant_id = $1 AND s.stored >= $2
           AND (s.ref_target IS NOT NULL OR s.voiding_target IS NOT NULL) AND EXISTS (
             SELECT 1 FROM statements o WHERE o.tenant_id = $1 AND o.stored < $2 AND ${refers('s', 'o')})
         UNION
         SELECT s.id FROM statements s JOIN later o ON ${refers('s', 'o')}
           WHERE s.tenant_id = $1 AND s.stored >= $2)
       SELECT count(*) AS n FROM later`,
      [tenantId, before],
    );
    return Number(res.rows[0]?.n ?? 0);
  }
}
