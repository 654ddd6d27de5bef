import type { Migration } from '../../sql/migrate.js';

/**
 * Analytics-store schema: the roster (launches, NRPS, the roster API), the teacher's inputs (settings,
 * structure, frameworks, alignments, manual levels) and the projection. Projection rows carry `gen`, the
 * generation of the tenant's projection: `kairos reproject` builds a new one beside the active one and
 * swaps, so the API keeps answering while it rebuilds.
 */
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
  {
    version: 3,
    name: 'projection: facts, per-learner aggregates, mastery, stuck-point inputs, live events; teacher inputs',
    sql: `
      DROP TABLE projection_checkpoints;
      CREATE TABLE projections (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        state text NOT NULL CHECK (state IN ('active', 'building', 'retired')),
        position uuid,
        statements bigint NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, gen)
      );
      CREATE TABLE facts (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        statement_id uuid NOT NULL,
        key uuid NOT NULL,
        course text NOT NULL,
        sequence text NOT NULL,
        activity text NOT NULL,
        learner text NOT NULL,
        verb text NOT NULL,
        ts timestamptz NOT NULL,
        registration uuid,
        attempt integer,
        assessed boolean NOT NULL,
        success boolean,
        credit double precision,
        score_raw double precision,
        score_min double precision,
        score_max double precision,
        score_scaled double precision,
        completion boolean NOT NULL,
        duration_ms bigint,
        response text,
        interaction_type text,
        nav_from text,
        nav_to text,
        PRIMARY KEY (tenant_id, gen, statement_id)
      );
      CREATE INDEX facts_pair ON facts (tenant_id, gen, course, activity, learner, ts);
      CREATE INDEX facts_learner ON facts (tenant_id, gen, course, learner, ts);
      CREATE INDEX facts_productions ON facts (tenant_id, gen, course, ts) WHERE interaction_type = 'long-fill-in';
      CREATE TABLE voided_statements (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        statement_id uuid NOT NULL,
        PRIMARY KEY (tenant_id, gen, statement_id)
      );
      CREATE TABLE courses (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        title text,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, gen, course)
      );
      CREATE TABLE activities (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        activity text NOT NULL,
        sequence text NOT NULL,
        sequence_ts timestamptz NOT NULL,
        title text,
        type text,
        interaction_type text,
        level text,
        choices jsonb,
        correct_responses jsonb,
        PRIMARY KEY (tenant_id, gen, course, activity)
      );
      CREATE TABLE learner_activities (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        activity text NOT NULL,
        learner text NOT NULL,
        attempts integer NOT NULL,
        first_success boolean,
        first_credit double precision,
        first_response text,
        first_answer_ms bigint,
        best_credit double precision,
        last_credit double precision,
        succeeded boolean NOT NULL,
        completed boolean NOT NULL,
        active_ms bigint NOT NULL,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        statements integer NOT NULL,
        PRIMARY KEY (tenant_id, gen, course, activity, learner)
      );
      CREATE INDEX learner_activities_learner ON learner_activities (tenant_id, gen, course, learner);
      CREATE TABLE learner_courses (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        learner text NOT NULL,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        active_ms bigint NOT NULL,
        reached integer NOT NULL,
        completed integer NOT NULL,
        assessed integer NOT NULL,
        succeeded integer NOT NULL,
        struggling integer NOT NULL,
        stuck integer NOT NULL,
        statements integer NOT NULL,
        course_completed boolean NOT NULL,
        rapid integer NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, gen, course, learner)
      );
      CREATE TABLE learner_sequences (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        sequence text NOT NULL,
        learner text NOT NULL,
        furthest text NOT NULL,
        furthest_completed boolean NOT NULL,
        PRIMARY KEY (tenant_id, gen, course, sequence, learner)
      );
      CREATE TABLE activity_stats (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        activity text NOT NULL,
        position integer NOT NULL,
        declared boolean NOT NULL,
        n integer NOT NULL,
        assessed integer NOT NULL,
        first_success integer NOT NULL,
        repeated integer NOT NULL,
        slow integer NOT NULL,
        median_active_ms double precision,
        reference_ms double precision,
        reference text,
        median_first_answer_ms double precision,
        first_answers integer NOT NULL,
        repeated_learners text[] NOT NULL,
        slow_learners text[] NOT NULL,
        computed_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, gen, course, activity)
      );
      CREATE TABLE mastery (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        learner text NOT NULL,
        competency text NOT NULL,
        p double precision NOT NULL,
        level text,
        evidence integer NOT NULL,
        streak integer NOT NULL,
        maitrise_success boolean NOT NULL,
        last_ts timestamptz,
        last_statement uuid,
        PRIMARY KEY (tenant_id, gen, course, learner, competency)
      );
      CREATE TABLE evidence (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        learner text NOT NULL,
        competency text NOT NULL,
        ts timestamptz NOT NULL,
        statement_id uuid NOT NULL,
        activity text NOT NULL,
        credit double precision NOT NULL,
        weight double precision NOT NULL,
        correct boolean NOT NULL,
        maitrise boolean NOT NULL,
        p_before double precision NOT NULL,
        p_after double precision NOT NULL,
        level text,
        PRIMARY KEY (tenant_id, gen, course, learner, competency, ts, statement_id)
      );
      CREATE TABLE transitions (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        from_activity text NOT NULL,
        to_activity text NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (tenant_id, gen, course, from_activity, to_activity)
      );
      CREATE TABLE grade_results (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        link text NOT NULL,
        learner text NOT NULL,
        course text NOT NULL,
        statement_id uuid NOT NULL,
        ts timestamptz NOT NULL,
        verb text NOT NULL,
        success boolean,
        completion boolean NOT NULL,
        credit double precision,
        score_raw double precision,
        score_min double precision,
        score_max double precision,
        changed_at timestamptz NOT NULL,
        handed_at timestamptz,
        PRIMARY KEY (tenant_id, gen, link, learner)
      );
      CREATE INDEX grade_results_pending ON grade_results (tenant_id, gen)
        WHERE handed_at IS NULL OR handed_at < changed_at;
      CREATE TABLE dirty_activities (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        activity text NOT NULL,
        PRIMARY KEY (tenant_id, gen, course, activity)
      );
      CREATE TABLE course_events (
        id bigserial PRIMARY KEY,
        tenant_id text NOT NULL,
        course text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        type text NOT NULL,
        data jsonb NOT NULL
      );
      CREATE INDEX course_events_course ON course_events (tenant_id, course, id);
      CREATE TABLE course_settings (
        tenant_id text NOT NULL,
        course text NOT NULL,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text,
        PRIMARY KEY (tenant_id, course)
      );
      CREATE TABLE course_structure (
        tenant_id text NOT NULL,
        course text NOT NULL,
        activity text NOT NULL,
        sequence text NOT NULL,
        sequence_position integer NOT NULL,
        sequence_title text,
        position integer NOT NULL,
        title text,
        expected_seconds double precision,
        level text,
        PRIMARY KEY (tenant_id, course, activity)
      );
      CREATE TABLE competencies (
        tenant_id text NOT NULL,
        competency text NOT NULL,
        code text,
        title text NOT NULL,
        description text,
        type text,
        domain text,
        expected_level text,
        framework text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, competency)
      );
      CREATE INDEX competencies_code ON competencies (tenant_id, code);
      CREATE TABLE frameworks (
        tenant_id text NOT NULL,
        framework text NOT NULL,
        title text NOT NULL,
        source text NOT NULL,
        items integer NOT NULL,
        imported_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, framework)
      );
      CREATE TABLE alignments (
        tenant_id text NOT NULL,
        activity text NOT NULL,
        competency text NOT NULL,
        weight double precision NOT NULL CHECK (weight > 0 AND weight <= 1),
        source text NOT NULL,
        PRIMARY KEY (tenant_id, activity, competency)
      );
      CREATE INDEX alignments_competency ON alignments (tenant_id, competency);
      CREATE TABLE assessments (
        tenant_id text NOT NULL,
        course text NOT NULL,
        learner text NOT NULL,
        competency text NOT NULL,
        level text NOT NULL,
        assessor text NOT NULL,
        assessed_at timestamptz NOT NULL,
        note text,
        PRIMARY KEY (tenant_id, course, learner, competency, assessed_at)
      );
      CREATE TABLE tenant_settings (
        tenant_id text PRIMARY KEY,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE TABLE groups (
        tenant_id text NOT NULL,
        context_id text NOT NULL,
        group_id text NOT NULL,
        name text,
        PRIMARY KEY (tenant_id, context_id, group_id)
      );
      CREATE TABLE group_members (
        tenant_id text NOT NULL,
        context_id text NOT NULL,
        group_id text NOT NULL,
        user_id text NOT NULL,
        PRIMARY KEY (tenant_id, context_id, group_id, user_id)
      );
      CREATE INDEX resource_links_iri ON resource_links (tenant_id, iri);
      CREATE INDEX contexts_iri ON contexts (tenant_id, iri);
      CREATE INDEX learners_actor ON learners (tenant_id, actor_key);
    `,
  },
  {
    version: 4,
    name: 'item analysis kept by the course refresh',
    // facility, corrected item-rest correlation and the first-attempt credit histogram, per activity
    sql: `
      ALTER TABLE activity_stats ADD COLUMN facility double precision;
      ALTER TABLE activity_stats ADD COLUMN discrimination double precision;
      ALTER TABLE activity_stats ADD COLUMN scores integer[];
    `,
  },
  {
    version: 5,
    name: 'the course refresh beside the batches',
    // The refresh runs under its own lock, beside the batches: it writes only rows batches never write
    // (rapid guesses move to learner_flags), and clears only the dirty marks it has seen (a batch marking again moves marked_at).
    // dirty_learners: learner rows a long catch-up recomputes once at its end.
    sql: `
      CREATE TABLE learner_flags (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        learner text NOT NULL,
        rapid integer NOT NULL,
        PRIMARY KEY (tenant_id, gen, course, learner)
      );
      ALTER TABLE learner_courses DROP COLUMN rapid;
      ALTER TABLE dirty_activities ADD COLUMN marked_at timestamptz NOT NULL DEFAULT clock_timestamp();
      CREATE TABLE dirty_learners (
        tenant_id text NOT NULL,
        gen integer NOT NULL,
        course text NOT NULL,
        learner text NOT NULL,
        PRIMARY KEY (tenant_id, gen, course, learner)
      );
    `,
  },
  {
    version: 6,
    name: 'no e-mail addresses in the roster',
    // Launches and NRPS syncs stored an LMS's `email` claim without ever using it; they no longer do, and
    // what they stored goes. The column stays: processes of the previous version still write it during a
    // rolling upgrade (upsertPerson clears it again).
    sql: `UPDATE learners SET email = NULL WHERE email IS NOT NULL;`,
  },
];
