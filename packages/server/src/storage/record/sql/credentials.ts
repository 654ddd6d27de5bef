import type { SqlPool } from '../../sql/database.js';
import type { CredentialRecord, CredentialRepository } from '../types.js';

interface Row {
  key: string;
  tenant_id: string;
  secret_hash: string;
  name: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Date | null;
}

const toRecord = (r: Row): CredentialRecord => ({
  tenantId: r.tenant_id,
  key: r.key,
  secretHash: r.secret_hash,
  name: r.name,
  scopes: r.scopes,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString(),
});

/** API credentials on PostgreSQL or PGlite. */
export class SqlCredentials implements CredentialRepository {
  constructor(private readonly pool: SqlPool) {}

  async create(c: CredentialRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO credentials (key, tenant_id, secret_hash, name, scopes, created_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.key, c.tenantId, c.secretHash, c.name, c.scopes, c.createdAt, c.revokedAt ?? null],
    );
  }

  async find(key: string): Promise<CredentialRecord | undefined> {
    const res = await this.pool.query<Row>('SELECT * FROM credentials WHERE key = $1', [key]);
    return res.rows[0] && toRecord(res.rows[0]);
  }

  async list(tenantId?: string): Promise<CredentialRecord[]> {
    const res =
      tenantId === undefined
        ? await this.pool.query<Row>('SELECT * FROM credentials ORDER BY created_at, key')
        : await this.pool.query<Row>(
            'SELECT * FROM credentials WHERE tenant_id = $1 ORDER BY created_at, key',
            [tenantId],
          );
    return res.rows.map(toRecord);
  }

  async revoke(key: string, at: string): Promise<boolean> {
    const res = await this.pool.query(
      'UPDATE credentials SET revoked_at = $2 WHERE key = $1 AND revoked_at IS NULL',
      [key, at],
    );
    return (res.rowCount ?? 0) > 0;
  }
}
