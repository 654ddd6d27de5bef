import type { Migration } from '../../sql/migrate.js';

/** Analytics-store schema: the projection. Filled in by the analytics work; checkpoints for now. */
export const analyticsMigrations: Migration[] = [
  {
    version: 1,
    name: 'projection checkpoints',
    sql: `
      CREATE TABLE projection_checkpoints (
        tenant_id text NOT NULL,
        name text NOT NULL,
        position text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, name)
      );
    `,
  },
  {
    version: 2,
    name: 'LTI roster: contexts, resource links, learners, enrollments, launches',
    sql: `
      CREATE TABLE contexts (
        tenant_id text NOT NULL,
        context_id text NOT NULL,
        iri text NOT NULL,
        label text,
        title text,
        roster_synced_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, context_id)
      );
      CREATE TABLE resource_links (
        tenant_id text NOT NULL,
        resource_link_id text NOT NULL,
        context_id text NOT NULL,
        iri text NOT NULL,
        title text,
        activity_id text,
        line_item_url text,
        score_maximum double precision,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, resource_link_id)
      );
      CREATE INDEX resource_links_context ON resource_links (tenant_id, context_id);
      CREATE TABLE learners (
        tenant_id text NOT NULL,
        user_id text NOT NULL,
        actor_key text,
        name text,
        given_name text,
        family_name text,
        email text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id)
      );
      CREATE TABLE enrollments (
        tenant_id text NOT NULL,
        context_id text NOT NULL,
        user_id text NOT NULL,
        role text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        source text NOT NULL,
        synced_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, context_id, user_id)
      );
      CREATE TABLE resource_link_launches (
        tenant_id text NOT NULL,
        resource_link_id text NOT NULL,
        user_id text NOT NULL,
        context_id text NOT NULL,
        launches integer NOT NULL DEFAULT 1,
        first_at timestamptz NOT NULL,
        last_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, resource_link_id, user_id)
      );
      CREATE INDEX resource_link_launches_context ON resource_link_launches (tenant_id, context_id, user_id);
    `,
  },
];
