import type { Migration } from '../../sql/migrate.js';

/**
 * Record-store schema (statements, credentials) for PostgreSQL 15+ and PGlite. Statement bodies are kept
 * as text so GET serves the stored bytes without re-serialising; index terms (hashed) live in `statement_index`
 * so every filter is a tenant-first B-tree range scan in storage-key order (keyset paging).
 */
export const recordMigrations: Migration[] = [
  {
    version: 1,
    name: 'statements and credentials',
    sql: `
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
        PRIMARY KEY (tenant_id, key)
      );
      CREATE UNIQUE INDEX statements_tenant_statement_id ON statements (tenant_id, id);
      CREATE INDEX statements_tenant_actor ON statements (tenant_id, actor_key, key);
      CREATE INDEX statements_tenant_ref_target ON statements (tenant_id, ref_target) WHERE ref_target IS NOT NULL;
      CREATE INDEX statements_tenant_voiding_target ON statements (tenant_id, voiding_target)
        WHERE voiding_target IS NOT NULL;
      CREATE TABLE statement_terms (
        tenant_id text NOT NULL,
        term text NOT NULL,
        key uuid NOT NULL,
        PRIMARY KEY (tenant_id, term, key)
      );
      CREATE TABLE credentials (
        key text PRIMARY KEY,
        tenant_id text NOT NULL,
        secret_hash text NOT NULL,
        name text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE INDEX credentials_tenant ON credentials (tenant_id);
    `,
  },
  {
    version: 2,
    name: 'keyed tool records (LTI data)',
    sql: `
      CREATE TABLE keyed_records (
        id bigserial PRIMARY KEY,
        collection text NOT NULL,
        match_keys text[] NOT NULL,
        fields jsonb NOT NULL,
        data text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz
      );
      CREATE INDEX keyed_records_match ON keyed_records USING gin (match_keys);
      CREATE INDEX keyed_records_expiry ON keyed_records (expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'statement attachments',
    sql: `
      CREATE TABLE attachments (
        tenant_id text NOT NULL,
        sha2 text NOT NULL,
        content_type text NOT NULL,
        content bytea NOT NULL,
        PRIMARY KEY (tenant_id, sha2)
      );
    `,
  },
  {
    version: 4,
    name: 'xAPI documents (state, activity profile, agent profile)',
    // Content stays bytes (served verbatim; the ETag is their SHA-1). `version` drives compare-and-swap.
    sql: `
      CREATE TABLE xapi_documents (
        tenant_id text NOT NULL,
        kind text NOT NULL,
        activity_id text NOT NULL,
        agent_key text NOT NULL,
        registration text NOT NULL,
        doc_id text NOT NULL,
        content_type text NOT NULL,
        content bytea NOT NULL,
        etag text NOT NULL,
        version integer NOT NULL,
        updated timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, kind, activity_id, agent_key, registration, doc_id)
      );
      CREATE INDEX xapi_documents_scope_updated
        ON xapi_documents (tenant_id, kind, activity_id, agent_key, updated);
    `,
  },
  {
    version: 5,
    name: 'hashed statement index terms',
    // Terms become 16-byte hashes (md5 as uuid): a fraction of the index size of full IRIs. Each statement
    // also keeps its terms (own and inherited through StatementRefs) so references copy them without a scan.
    sql: `
      CREATE TABLE statement_index (
        tenant_id text NOT NULL,
        term uuid NOT NULL,
        key uuid NOT NULL,
        PRIMARY KEY (tenant_id, term, key)
      );
      ALTER TABLE statements ADD COLUMN terms uuid[] NOT NULL DEFAULT '{}';
      INSERT INTO statement_index (tenant_id, term, key)
        SELECT tenant_id, md5(term)::uuid, key FROM statement_terms ON CONFLICT DO NOTHING;
      UPDATE statements s SET terms = x.terms
        FROM (SELECT tenant_id, key, array_agg(md5(term)::uuid) AS terms FROM statement_terms GROUP BY 1, 2) x
        WHERE s.tenant_id = x.tenant_id AND s.key = x.key;
      DROP TABLE statement_terms;
    `,
  },
];
