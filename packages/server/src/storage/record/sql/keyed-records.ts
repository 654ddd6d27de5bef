import type { SqlPool } from '../../sql/database.js';
import { matchKeysOf } from '../keyed.js';
import type { FieldValue, KeyedRecord, KeyedRecordRepository } from '../types.js';

interface Row {
  fields: Record<string, FieldValue>;
  data: string;
  created_at: Date;
  expires_at: Date | null;
}

const live = '(expires_at IS NULL OR expires_at > now())';

/** Keyed tool records on PostgreSQL or PGlite. */
export class SqlKeyedRecords implements KeyedRecordRepository {
  constructor(private readonly pool: SqlPool) {}

  async insert(r: KeyedRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO keyed_records (collection, match_keys, fields, data, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        r.collection,
        matchKeysOf(r.collection, r.fields),
        JSON.stringify(r.fields),
        JSON.stringify(r.data ?? null),
        r.createdAt,
        r.expiresAt ?? null,
      ],
    );
  }

  async find(collection: string, match: Record<string, FieldValue>): Promise<KeyedRecord[]> {
    const res = await this.pool.query<Row>(
      `SELECT fields, data, created_at, expires_at FROM keyed_records
       WHERE match_keys @> $1::text[] AND ${live} ORDER BY id`,
      [matchKeysOf(collection, match)],
    );
    return res.rows.map((row) => ({
      collection,
      fields: row.fields,
      data: JSON.parse(row.data),
      createdAt: row.created_at.toISOString(),
      expiresAt: row.expires_at?.toISOString(),
    }));
  }

  async replace(collection: string, match: Record<string, FieldValue>, record: KeyedRecord): Promise<void> {
    await this.delete(collection, match);
    await this.insert(record);
  }

  async update(
    collection: string,
    match: Record<string, FieldValue>,
    patch: Partial<Pick<KeyedRecord, 'fields' | 'data' | 'expiresAt'>>,
  ): Promise<boolean> {
    const sets: string[] = [];
    const params: unknown[] = [matchKeysOf(collection, match)];
    if (patch.fields) {
      params.push(matchKeysOf(collection, patch.fields), JSON.stringify(patch.fields));
      sets.push(`match_keys = $${params.length - 1}`, `fields = $${params.length}`);
    }
    if (patch.data !== undefined) {
      params.push(JSON.stringify(patch.data));
      sets.push(`data = $${params.length}`);
    }
    if (patch.expiresAt !== undefined) {
      params.push(patch.expiresAt);
      sets.push(`expires_at = $${params.length}`);
    }
    if (sets.length === 0) return (await this.find(collection, match)).length > 0;
    // The match is checked again on the row being updated: when a concurrent update changed it first
    // (two processes claiming one queued job), PostgreSQL re-reads the row and this one matches nothing.
    const res = await this.pool.query(
      `UPDATE keyed_records SET ${sets.join(', ')} WHERE id = (
         SELECT id FROM keyed_records WHERE match_keys @> $1::text[] AND ${live} ORDER BY id LIMIT 1)
       AND match_keys @> $1::text[] AND ${live}`,
      params,
    );
    return (res.rowCount ?? 0) > 0;
  }

  async delete(collection: string, match: Record<string, FieldValue>): Promise<number> {
    const res = await this.pool.query('DELETE FROM keyed_records WHERE match_keys @> $1::text[]', [
      matchKeysOf(collection, match),
    ]);
    return res.rowCount ?? 0;
  }

  async deleteExpired(now: string): Promise<number> {
    const res = await this.pool.query('DELETE FROM keyed_records WHERE expires_at < $1', [now]);
    return res.rowCount ?? 0;
  }
}
