import type { SqlPool } from '../../sql/database.js';
import type { AttachmentContent, AttachmentRepository } from '../types.js';

/** Attachment contents on PostgreSQL or PGlite. */
export class SqlAttachments implements AttachmentRepository {
  constructor(private readonly pool: SqlPool) {}

  async put(tenantId: string, attachments: AttachmentContent[]): Promise<void> {
    for (const a of attachments) {
      await this.pool.query(
        `INSERT INTO attachments (tenant_id, sha2, content_type, content) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, sha2) DO NOTHING`,
        [tenantId, a.sha2, a.contentType, a.content],
      );
    }
  }

  async get(tenantId: string, sha2s: string[]): Promise<AttachmentContent[]> {
    if (sha2s.length === 0) return [];
    const res = await this.pool.query<{ sha2: string; content_type: string; content: Uint8Array }>(
      'SELECT sha2, content_type, content FROM attachments WHERE tenant_id = $1 AND sha2 = ANY($2::text[])',
      [tenantId, sha2s],
    );
    return res.rows.map((r) => ({
      sha2: r.sha2,
      contentType: r.content_type,
      content: Buffer.from(r.content),
    }));
  }
}
