import { randomInt } from 'node:crypto';
import type { SqlPool } from '../../sql/database.js';
import { CasDocuments, storedKey, type VersionedDocument } from '../documents.js';
import type { DocumentKey, DocumentScope, StoredDocument } from '../types.js';

interface Row {
  kind: StoredDocument['kind'];
  activity_id: string;
  agent_key: string;
  registration: string;
  doc_id: string;
  content_type: string;
  content: Uint8Array;
  etag: string;
  version: number;
  updated: Date;
}

const KEY = 'tenant_id = $1 AND kind = $2 AND activity_id = $3 AND agent_key = $4 AND registration = $5';

const keyParams = (tenantId: string, key: DocumentScope) => {
  const k = storedKey(key);
  return [tenantId, k.kind, k.activityId, k.agentKey, k.registration];
};

/** xAPI documents on PostgreSQL or PGlite (table `xapi_documents`, record migration 4). */
export class SqlDocuments extends CasDocuments {
  constructor(private readonly pool: SqlPool) {
    super();
  }

  protected async read(tenantId: string, key: DocumentKey): Promise<VersionedDocument> {
    const res = await this.pool.query<Row>(`SELECT * FROM xapi_documents WHERE ${KEY} AND doc_id = $6`, [
      ...keyParams(tenantId, key),
      key.id,
    ]);
    const row = res.rows[0];
    if (!row) return { doc: undefined, version: 0 };
    return {
      version: row.version,
      doc: {
        kind: row.kind,
        activityId: row.activity_id,
        agentKey: row.agent_key,
        registration: row.registration,
        id: row.doc_id,
        contentType: row.content_type,
        content: Buffer.from(row.content),
        etag: row.etag,
        updated: row.updated.toISOString(),
      },
    };
  }

  protected async swap(
    tenantId: string,
    key: DocumentKey,
    version: number,
    d: StoredDocument | undefined,
  ): Promise<boolean> {
    const k = [...keyParams(tenantId, key), key.id];
    let res: { rowCount: number | null };
    if (!d) {
      res = await this.pool.query(
        `DELETE FROM xapi_documents WHERE ${KEY} AND doc_id = $6 AND version = $7`,
        [...k, version],
      );
    } else if (version === 0) {
      // A row deleted and created again starts from a random version, so a writer still holding the old
      // row's version cannot mistake the new row for it (no ABA).
      res = await this.pool.query(
        `INSERT INTO xapi_documents (tenant_id, kind, activity_id, agent_key, registration, doc_id,
           content_type, content, etag, version, updated)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
        [...k, d.contentType, d.content, d.etag, 1 + randomInt(2 ** 30), d.updated],
      );
    } else {
      res = await this.pool.query(
        `UPDATE xapi_documents SET content_type = $7, content = $8, etag = $9, updated = $10,
           version = version + 1
         WHERE ${KEY} AND doc_id = $6 AND version = $11`,
        [...k, d.contentType, d.content, d.etag, d.updated, version],
      );
    }
    return (res.rowCount ?? 0) > 0;
  }

  /** `registration` absent from the scope matches every registration. */
  private scopeWhere(tenantId: string, scope: DocumentScope): { where: string; params: unknown[] } {
    const params = keyParams(tenantId, scope);
    if (scope.registration !== undefined) return { where: KEY, params };
    return {
      where: 'tenant_id = $1 AND kind = $2 AND activity_id = $3 AND agent_key = $4',
      params: params.slice(0, 4),
    };
  }

  async listIds(tenantId: string, scope: DocumentScope, since?: string): Promise<string[]> {
    const { where, params } = this.scopeWhere(tenantId, scope);
    let sql = `SELECT DISTINCT doc_id FROM xapi_documents WHERE ${where}`;
    if (since !== undefined) {
      params.push(since);
      sql += ` AND updated > $${params.length}`;
    }
    const res = await this.pool.query<{ doc_id: string }>(`${sql} ORDER BY doc_id`, params);
    return res.rows.map((r) => r.doc_id);
  }

  async deleteMany(tenantId: string, scope: DocumentScope): Promise<number> {
    const { where, params } = this.scopeWhere(tenantId, scope);
    const res = await this.pool.query(`DELETE FROM xapi_documents WHERE ${where}`, params);
    return res.rowCount ?? 0;
  }
}
