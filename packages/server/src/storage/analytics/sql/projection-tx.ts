import type { SqlClient } from '../../sql/database.js';
import type {
  EvidenceInput,
  EvidenceRow,
  Fact,
  Generation,
  LearnerActivityKey,
  MasteryKey,
  ProjectionTx,
  RefreshOptions,
  StoredMastery,
  StruggleChange,
  StruggleRules,
} from '../types.js';
import { refreshCourse } from './refresh.js';
import { asJson, FACT_NAMES, FACT_RECORD, type FactRow, factOf, factRow } from './rows.js';

/** Verbs whose result goes to the grade book of a graded resource link. */
const GRADE_VERBS = [
  'http://adlnet.gov/expapi/verbs/passed',
  'http://adlnet.gov/expapi/verbs/failed',
  'http://adlnet.gov/expapi/verbs/completed',
];

const pairsJson = (pairs: readonly LearnerActivityKey[]) =>
  asJson(pairs.map((p) => ({ c: p.course, a: p.activity, l: p.learner })));
const keysJson = (keys: readonly MasteryKey[]) =>
  asJson(keys.map((k) => ({ c: k.course, l: k.learner, m: k.competency })));

interface GenerationRow {
  gen: number;
  state: Generation['state'];
  position: string | null;
  statements: number | string;
  updated_at: Date;
}

/** A generation row as the interface shows it. */
export const generationOf = (tenantId: string, r: GenerationRow): Generation => ({
  tenantId,
  gen: r.gen,
  state: r.state,
  position: r.position ?? undefined,
  statements: Number(r.statements),
  updatedAt: r.updated_at.toISOString(),
});

/** The steps of one projection batch on one connection inside its transaction (see {@link ProjectionTx}). */
export class SqlProjectionTx implements ProjectionTx {
  constructor(
    private readonly db: SqlClient,
    private readonly tenantId: string,
  ) {}

  async generation(gen: number): Promise<Generation | undefined> {
    const res = await this.db.query<GenerationRow>(
      'SELECT gen, state, position, statements, updated_at FROM projections WHERE tenant_id = $1 AND gen = $2',
      [this.tenantId, gen],
    );
    return res.rows[0] && generationOf(this.tenantId, res.rows[0]);
  }

  async voidStatements(gen: number, ids: string[]): Promise<Fact[]> {
    if (ids.length === 0) return [];
    await this.db.query(
      `INSERT INTO voided_statements (tenant_id, gen, statement_id)
       SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
      [this.tenantId, gen, ids],
    );
    const res = await this.db.query<FactRow>(
      `DELETE FROM facts WHERE tenant_id = $1 AND gen = $2 AND statement_id = ANY($3::uuid[])
       RETURNING ${FACT_NAMES}`,
      [this.tenantId, gen, ids],
    );
    return res.rows.map(factOf);
  }

  async insertFacts(gen: number, facts: Fact[]): Promise<Fact[]> {
    if (facts.length === 0) return [];
    const res = await this.db.query<{ statement_id: string }>(
      `INSERT INTO facts (tenant_id, gen, ${FACT_NAMES})
       SELECT $1, $2, x.* FROM json_to_recordset($3::json) AS ${FACT_RECORD}
       WHERE NOT EXISTS (SELECT 1 FROM voided_statements v
                         WHERE v.tenant_id = $1 AND v.gen = $2 AND v.statement_id = x.statement_id)
       ON CONFLICT DO NOTHING RETURNING statement_id`,
      [this.tenantId, gen, asJson(facts.map(factRow))],
    );
    const inserted = new Set(res.rows.map((r) => r.statement_id));
    return facts.filter((f) => inserted.has(f.statementId));
  }

  async upsertStructure(gen: number, facts: Fact[]): Promise<void> {
    if (facts.length === 0) return;
    const courses = new Map<string, { course: string; title?: string; first: string; last: string }>();
    const activities = new Map<string, Record<string, unknown> & { sequence_ts: string; sequence: string }>();
    for (const f of facts) {
      const c = courses.get(f.course) ?? { course: f.course, first: f.ts, last: f.ts };
      if (f.ts < c.first) c.first = f.ts;
      if (f.ts > c.last) c.last = f.ts;
      c.title = f.courseName ?? c.title;
      courses.set(f.course, c);
      if (f.activity === f.course) continue;
      const k = `${f.course}\u0001${f.activity}`;
      const a = activities.get(k);
      const earlier = !a || f.ts < a.sequence_ts || (f.ts === a.sequence_ts && f.sequence < a.sequence);
      activities.set(k, {
        course: f.course,
        activity: f.activity,
        sequence: earlier ? f.sequence : a!.sequence,
        sequence_ts: earlier ? f.ts : a!.sequence_ts,
        title: f.activityName ?? a?.title ?? null,
        type: f.activityType ?? a?.type ?? null,
        interaction_type: f.interactionType ?? a?.interaction_type ?? null,
        level: f.activityLevel ?? a?.level ?? null,
        choices: f.choices ?? a?.choices ?? null,
        correct_responses: f.correctResponses ?? a?.correct_responses ?? null,
      });
    }
    await this.db.query(
      `INSERT INTO courses (tenant_id, gen, course, title, first_seen, last_seen)
       SELECT $1, $2, x.course, x.title, x.first, x.last
       FROM json_to_recordset($3::json) AS x(course text, title text, first timestamptz, last timestamptz)
       ON CONFLICT (tenant_id, gen, course) DO UPDATE SET title = COALESCE(EXCLUDED.title, courses.title),
         first_seen = LEAST(courses.first_seen, EXCLUDED.first_seen),
         last_seen = GREATEST(courses.last_seen, EXCLUDED.last_seen)`,
      [this.tenantId, gen, asJson([...courses.values()])],
    );
    if (activities.size === 0) return;
    // The sequence of an activity: the declared one, else the parent of its earliest statement.
    await this.db.query(
      `INSERT INTO activities (tenant_id, gen, course, activity, sequence, sequence_ts, title, type,
         interaction_type, level, choices, correct_responses)
       SELECT $1, $2, x.course, x.activity, COALESCE(cs.sequence, x.sequence), x.sequence_ts, x.title, x.type,
         x.interaction_type, x.level, x.choices, x.correct_responses
       FROM json_to_recordset($3::json) AS x(course text, activity text, sequence text, sequence_ts timestamptz,
         title text, type text, interaction_type text, level text, choices jsonb, correct_responses jsonb)
       LEFT JOIN course_structure cs ON cs.tenant_id = $1 AND cs.course = x.course AND cs.activity = x.activity
       ON CONFLICT (tenant_id, gen, course, activity) DO UPDATE SET
         sequence = CASE WHEN (EXCLUDED.sequence_ts, EXCLUDED.sequence) < (activities.sequence_ts, activities.sequence)
                         THEN EXCLUDED.sequence ELSE activities.sequence END,
         sequence_ts = LEAST(activities.sequence_ts, EXCLUDED.sequence_ts),
         title = COALESCE(EXCLUDED.title, activities.title), type = COALESCE(EXCLUDED.type, activities.type),
         interaction_type = COALESCE(EXCLUDED.interaction_type, activities.interaction_type),
         level = COALESCE(EXCLUDED.level, activities.level),
         choices = COALESCE(EXCLUDED.choices, activities.choices),
         correct_responses = COALESCE(EXCLUDED.correct_responses, activities.correct_responses)`,
      [this.tenantId, gen, asJson([...activities.values()])],
    );
  }

  async deferLearnerCourses(gen: number, learners: { course: string; learner: string }[]): Promise<void> {
    if (learners.length === 0) return;
    await this.db.query(
      `INSERT INTO dirty_learners (tenant_id, gen, course, learner)
       SELECT DISTINCT $1::text, $2::int, x.course, x.learner FROM json_to_recordset($3::json) AS x(course text, learner text)
       ON CONFLICT DO NOTHING`,
      [this.tenantId, gen, asJson(learners)],
    );
  }

  async takeDeferredLearners(gen: number): Promise<{ course: string; learner: string }[]> {
    const res = await this.db.query<{ course: string; learner: string }>(
      'DELETE FROM dirty_learners WHERE tenant_id = $1 AND gen = $2 RETURNING course, learner',
      [this.tenantId, gen],
    );
    return res.rows;
  }

  async upsertObjectives(facts: Fact[]): Promise<void> {
    const rows = new Map<string, { activity: string; competency: string; title: string }>();
    for (const f of facts) {
      for (const o of f.objectives) {
        rows.set(`${f.activity}\u0001${o.id}`, {
          activity: f.activity,
          competency: o.id,
          title: o.name ?? o.id,
        });
      }
    }
    if (rows.size === 0) return;
    const json = asJson([...rows.values()]);
    await this.db.query(
      `INSERT INTO competencies (tenant_id, competency, title)
       SELECT DISTINCT ON (x.competency) $1::text, x.competency, x.title
       FROM json_to_recordset($2::json) AS x(activity text, competency text, title text)
       ON CONFLICT DO NOTHING`,
      [this.tenantId, json],
    );
    // a declared alignment (API, CSV, deep link) keeps its weight
    await this.db.query(
      `INSERT INTO alignments (tenant_id, activity, competency, weight, source)
       SELECT $1, x.activity, x.competency, 1, 'statement'
       FROM json_to_recordset($2::json) AS x(activity text, competency text, title text)
       ON CONFLICT DO NOTHING`,
      [this.tenantId, json],
    );
  }

  async recomputeLearnerActivities(
    gen: number,
    pairs: LearnerActivityKey[],
    rules: StruggleRules,
  ): Promise<StruggleChange[]> {
    if (pairs.length === 0) return [];
    const res = await this.db.query<StruggleChange>(
      // each pair is a lookup (LATERAL … OFFSET 0 keeps it a per-pair index probe): the planner takes the pairs
      // for 100 rows and, joining them by hash, read the whole generation's facts for a batch of 25 statements
      `WITH p AS (SELECT DISTINCT * FROM json_to_recordset($3::json) AS p(c text, a text, l text)),
       f AS MATERIALIZED (SELECT f.* FROM p CROSS JOIN LATERAL (
               SELECT * FROM facts f WHERE f.tenant_id = $1 AND f.gen = $2 AND f.course = p.c
                 AND f.activity = p.a AND f.learner = p.l OFFSET 0) f),
       old AS MATERIALIZED (SELECT la.* FROM p CROSS JOIN LATERAL (
               SELECT la.ctid AS row, la.course, la.activity, la.learner, la.attempts FROM learner_activities la
               WHERE la.tenant_id = $1 AND la.gen = $2 AND la.course = p.c AND la.activity = p.a
                 AND la.learner = p.l OFFSET 0) la),
       a AS (SELECT course, activity, learner, count(*)::int AS attempts,
               (array_agg(success ORDER BY ts, statement_id))[1] AS first_success,
               (array_agg(credit ORDER BY ts, statement_id))[1] AS first_credit,
               (array_agg(response ORDER BY ts, statement_id))[1] AS first_response,
               (array_agg(duration_ms ORDER BY ts, statement_id))[1] AS first_answer_ms,
               max(credit) AS best_credit,
               (array_agg(credit ORDER BY ts DESC, statement_id DESC))[1] AS last_credit,
               bool_or(success) AS succeeded
             FROM f WHERE assessed GROUP BY 1, 2, 3),
       -- active time: the longest duration reported per attempt (SDK and cmi5 clocks are cumulative)
       t AS (SELECT course, activity, learner, sum(m)::bigint AS active_ms FROM (
               SELECT course, activity, learner, max(duration_ms) AS m FROM f WHERE duration_ms IS NOT NULL
               GROUP BY course, activity, learner, registration, attempt) x GROUP BY 1, 2, 3),
       -- done: completed, passed, or answered right
       b AS (SELECT course, activity, learner, bool_or(completion OR COALESCE(success, false)) AS completed,
               min(ts) AS first_seen,
               max(ts) AS last_seen, count(*)::int AS n FROM f GROUP BY 1, 2, 3),
       up AS (
         INSERT INTO learner_activities (tenant_id, gen, course, activity, learner, attempts, first_success,
           first_credit, first_response, first_answer_ms, best_credit, last_credit, succeeded, completed,
           active_ms, first_seen, last_seen, statements)
         SELECT $1, $2, b.course, b.activity, b.learner, COALESCE(a.attempts, 0), a.first_success, a.first_credit,
           a.first_response, a.first_answer_ms, a.best_credit, a.last_credit, COALESCE(a.succeeded, false),
           b.completed, COALESCE(t.active_ms, 0), b.first_seen, b.last_seen, b.n
         FROM b LEFT JOIN a USING (course, activity, learner) LEFT JOIN t USING (course, activity, learner)
         ON CONFLICT (tenant_id, gen, course, activity, learner) DO UPDATE SET attempts = EXCLUDED.attempts,
           first_success = EXCLUDED.first_success, first_credit = EXCLUDED.first_credit,
           first_response = EXCLUDED.first_response, first_answer_ms = EXCLUDED.first_answer_ms,
           best_credit = EXCLUDED.best_credit, last_credit = EXCLUDED.last_credit, succeeded = EXCLUDED.succeeded,
           completed = EXCLUDED.completed, active_ms = EXCLUDED.active_ms, first_seen = EXCLUDED.first_seen,
           last_seen = EXCLUDED.last_seen, statements = EXCLUDED.statements
         RETURNING course, activity, learner, attempts, succeeded),
       -- the rows of pairs left without facts (all voided), by their tuple ids: no scan of the table
       gone AS (
         DELETE FROM learner_activities la
         WHERE la.ctid = ANY (ARRAY(SELECT old.row FROM old WHERE NOT EXISTS (
           SELECT 1 FROM b WHERE b.course = old.course AND b.activity = old.activity AND b.learner = old.learner))))
       SELECT up.course, up.activity, up.learner, up.attempts, COALESCE(old.attempts, 0) AS before
       FROM up LEFT JOIN old USING (course, activity, learner)
       WHERE NOT up.succeeded AND EXISTS (
         SELECT 1 FROM unnest($4::int[]) AS th(n) WHERE COALESCE(old.attempts, 0) < th.n AND up.attempts >= th.n)`,
      [this.tenantId, gen, pairsJson(pairs), [rules.struggling, rules.stuck]],
    );
    return res.rows;
  }

  async recomputeLearnerCourses(
    gen: number,
    learners: { course: string; learner: string }[],
    rules: StruggleRules,
  ): Promise<void> {
    if (learners.length === 0) return;
    await this.db.query(
      // per-learner lookups, as in recomputeLearnerActivities (a hash join read the generation's every row)
      `WITH p AS (SELECT DISTINCT * FROM json_to_recordset($3::json) AS p(c text, l text)),
       agg AS (
         SELECT la.course, la.learner, min(la.first_seen) AS first_seen, max(la.last_seen) AS last_seen,
           sum(la.active_ms)::bigint AS active_ms,
           count(*) FILTER (WHERE la.activity <> la.course)::int AS reached,
           count(*) FILTER (WHERE la.completed AND la.activity <> la.course)::int AS completed,
           count(*) FILTER (WHERE la.attempts > 0)::int AS assessed,
           count(*) FILTER (WHERE la.succeeded)::int AS succeeded,
           count(*) FILTER (WHERE la.attempts >= $4 AND NOT la.succeeded)::int AS struggling,
           count(*) FILTER (WHERE la.attempts >= $5 AND NOT la.succeeded)::int AS stuck,
           sum(la.statements)::int AS statements,
           COALESCE(bool_or(la.completed) FILTER (WHERE la.activity = la.course), false) AS course_completed
         FROM p CROSS JOIN LATERAL (
           SELECT * FROM learner_activities la WHERE la.tenant_id = $1 AND la.gen = $2 AND la.course = p.c
             AND la.learner = p.l OFFSET 0) la
         GROUP BY la.course, la.learner),
       up AS (
         INSERT INTO learner_courses (tenant_id, gen, course, learner, first_seen, last_seen, active_ms, reached,
           completed, assessed, succeeded, struggling, stuck, statements, course_completed)
         SELECT $1, $2, course, learner, first_seen, last_seen, active_ms, reached, completed, assessed, succeeded,
           struggling, stuck, statements, course_completed FROM agg
         ON CONFLICT (tenant_id, gen, course, learner) DO UPDATE SET first_seen = EXCLUDED.first_seen,
           last_seen = EXCLUDED.last_seen, active_ms = EXCLUDED.active_ms, reached = EXCLUDED.reached,
           completed = EXCLUDED.completed, assessed = EXCLUDED.assessed, succeeded = EXCLUDED.succeeded,
           struggling = EXCLUDED.struggling, stuck = EXCLUDED.stuck, statements = EXCLUDED.statements,
           course_completed = EXCLUDED.course_completed)
       DELETE FROM learner_courses lc WHERE lc.ctid = ANY (ARRAY(
         SELECT x.row FROM p CROSS JOIN LATERAL (
           SELECT lc.ctid AS row FROM learner_courses lc WHERE lc.tenant_id = $1 AND lc.gen = $2 AND lc.course = p.c
             AND lc.learner = p.l OFFSET 0) x
         WHERE NOT EXISTS (SELECT 1 FROM agg WHERE agg.course = p.c AND agg.learner = p.l)))`,
      [
        this.tenantId,
        gen,
        asJson(learners.map((l) => ({ c: l.course, l: l.learner }))),
        rules.struggling,
        rules.stuck,
      ],
    );
  }

  async alignedKeys(gen: number, pairs: LearnerActivityKey[]): Promise<MasteryKey[]> {
    if (pairs.length === 0) return [];
    const res = await this.db.query<MasteryKey>(
      `SELECT DISTINCT p.c AS course, p.l AS learner, al.competency
       FROM json_to_recordset($2::json) AS p(c text, a text, l text)
       JOIN alignments al ON al.tenant_id = $1 AND al.activity = p.a`,
      [this.tenantId, pairsJson(pairs)],
    );
    void gen;
    return res.rows;
  }

  async masteryStates(gen: number, keys: MasteryKey[]): Promise<StoredMastery[]> {
    if (keys.length === 0) return [];
    const res = await this.db.query<{
      course: string;
      learner: string;
      competency: string;
      p: number;
      level: string | null;
      evidence: number;
      streak: number;
      maitrise_success: boolean;
      last_ts: Date | null;
      last_statement: string | null;
    }>(
      `SELECT m.course, m.learner, m.competency, m.p, m.level, m.evidence, m.streak, m.maitrise_success,
         m.last_ts, m.last_statement
       FROM json_to_recordset($3::json) AS k(c text, l text, m text) CROSS JOIN LATERAL (
         SELECT * FROM mastery m WHERE m.tenant_id = $1 AND m.gen = $2 AND m.course = k.c AND m.learner = k.l
           AND m.competency = k.m OFFSET 0) m`,
      [this.tenantId, gen, keysJson(keys)],
    );
    return res.rows.map((r) => ({
      course: r.course,
      learner: r.learner,
      competency: r.competency,
      p: r.p,
      level: r.level ?? undefined,
      evidence: r.evidence,
      streak: r.streak,
      maitriseSuccess: r.maitrise_success,
      last:
        r.last_ts && r.last_statement
          ? { ts: r.last_ts.toISOString(), statementId: r.last_statement }
          : undefined,
    }));
  }

  private async evidence(gen: number, from: string, where: string, param: unknown): Promise<EvidenceInput[]> {
    const res = await this.db.query<{
      course: string;
      learner: string;
      competency: string;
      statement_id: string;
      activity: string;
      ts: Date;
      credit: number;
      success: boolean;
      weight: number;
      maitrise: boolean;
    }>(
      `SELECT f.course, f.learner, al.competency, f.statement_id, f.activity, f.ts, f.credit, f.success, al.weight,
         COALESCE(cs.level, a.level, '') = 'maitrise' AS maitrise
       FROM ${from}
       LEFT JOIN activities a ON a.tenant_id = $1 AND a.gen = $2 AND a.course = f.course AND a.activity = f.activity
       LEFT JOIN course_structure cs ON cs.tenant_id = $1 AND cs.course = f.course AND cs.activity = f.activity
       WHERE ${where}
       ORDER BY f.course, f.learner, al.competency, f.ts, f.statement_id`,
      [this.tenantId, gen, param],
    );
    return res.rows.map((r) => ({
      course: r.course,
      learner: r.learner,
      competency: r.competency,
      statementId: r.statement_id,
      activity: r.activity,
      ts: r.ts.toISOString(),
      credit: r.credit,
      correct: r.success,
      weight: r.weight,
      maitrise: r.maitrise,
    }));
  }

  evidenceOf(gen: number, keys: MasteryKey[]): Promise<EvidenceInput[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.evidence(
      gen,
      `(SELECT DISTINCT * FROM json_to_recordset($3::json) AS k(c text, l text, m text)) k
       JOIN alignments al ON al.tenant_id = $1 AND al.competency = k.m
       CROSS JOIN LATERAL (SELECT * FROM facts f WHERE f.tenant_id = $1 AND f.gen = $2 AND f.course = k.c
         AND f.activity = al.activity AND f.learner = k.l OFFSET 0) f`,
      'f.assessed',
      keysJson(keys),
    );
  }

  evidenceOfFacts(gen: number, facts: Fact[]): Promise<EvidenceInput[]> {
    const assessed = facts.filter((f) => f.assessed).map((f) => f.statementId);
    if (assessed.length === 0) return Promise.resolve([]);
    return this.evidence(
      gen,
      // driven by the statement ids: one primary-key probe each, whatever the planner knows of facts
      `unnest($3::uuid[]) AS x(id)
       JOIN facts f ON f.tenant_id = $1 AND f.gen = $2 AND f.statement_id = x.id
       JOIN alignments al ON al.tenant_id = $1 AND al.activity = f.activity`,
      'true',
      assessed,
    );
  }

  async saveMastery(
    gen: number,
    states: StoredMastery[],
    evidence: EvidenceRow[],
    replace: MasteryKey[],
  ): Promise<void> {
    if (replace.length > 0) {
      await this.db.query(
        // by tuple ids found key by key: a join with the keys read every evidence row of the generation
        `DELETE FROM evidence WHERE ctid = ANY (ARRAY(
           SELECT e.row FROM json_to_recordset($3::json) AS k(c text, l text, m text) CROSS JOIN LATERAL (
             SELECT e.ctid AS row FROM evidence e WHERE e.tenant_id = $1 AND e.gen = $2 AND e.course = k.c
               AND e.learner = k.l AND e.competency = k.m OFFSET 0) e))`,
        [this.tenantId, gen, keysJson(replace)],
      );
    }
    const empty = states.filter((s) => s.evidence === 0);
    if (empty.length > 0) {
      await this.db.query(
        `DELETE FROM mastery WHERE ctid = ANY (ARRAY(
           SELECT m.row FROM json_to_recordset($3::json) AS k(c text, l text, m text) CROSS JOIN LATERAL (
             SELECT m.ctid AS row FROM mastery m WHERE m.tenant_id = $1 AND m.gen = $2 AND m.course = k.c
               AND m.learner = k.l AND m.competency = k.m OFFSET 0) m))`,
        [this.tenantId, gen, keysJson(empty)],
      );
    }
    const kept = states.filter((s) => s.evidence > 0);
    if (kept.length > 0) {
      await this.db.query(
        `INSERT INTO mastery (tenant_id, gen, course, learner, competency, p, level, evidence, streak,
           maitrise_success, last_ts, last_statement)
         SELECT $1, $2, x.course, x.learner, x.competency, x.p, x.level, x.evidence, x.streak, x.maitrise_success,
           x.last_ts, x.last_statement
         FROM json_to_recordset($3::json) AS x(course text, learner text, competency text, p float8, level text,
           evidence int, streak int, maitrise_success boolean, last_ts timestamptz, last_statement uuid)
         ON CONFLICT (tenant_id, gen, course, learner, competency) DO UPDATE SET p = EXCLUDED.p,
           level = EXCLUDED.level, evidence = EXCLUDED.evidence, streak = EXCLUDED.streak,
           maitrise_success = EXCLUDED.maitrise_success, last_ts = EXCLUDED.last_ts,
           last_statement = EXCLUDED.last_statement`,
        [
          this.tenantId,
          gen,
          asJson(
            kept.map((s) => ({
              course: s.course,
              learner: s.learner,
              competency: s.competency,
              p: s.p,
              level: s.level ?? null,
              evidence: s.evidence,
              streak: s.streak,
              maitrise_success: s.maitriseSuccess,
              last_ts: s.last?.ts ?? null,
              last_statement: s.last?.statementId ?? null,
            })),
          ),
        ],
      );
    }
    if (evidence.length > 0) {
      await this.db.query(
        `INSERT INTO evidence (tenant_id, gen, course, learner, competency, ts, statement_id, activity, credit,
           weight, correct, maitrise, p_before, p_after, level)
         SELECT $1, $2, x.* FROM json_to_recordset($3::json) AS x(course text, learner text, competency text,
           ts timestamptz, statement_id uuid, activity text, credit float8, weight float8, correct boolean,
           maitrise boolean, p_before float8, p_after float8, level text)
         ON CONFLICT DO NOTHING`,
        [
          this.tenantId,
          gen,
          asJson(
            evidence.map((e) => ({
              course: e.course,
              learner: e.learner,
              competency: e.competency,
              ts: e.ts,
              statement_id: e.statementId,
              activity: e.activity,
              credit: e.credit,
              weight: e.weight,
              correct: e.correct,
              maitrise: e.maitrise,
              p_before: e.pBefore,
              p_after: e.pAfter,
              level: e.level ?? null,
            })),
          ),
        ],
      );
    }
  }

  async countTransitions(gen: number, added: Fact[], removed: Fact[]): Promise<void> {
    const delta = new Map<string, { course: string; f: string; t: string; n: number }>();
    const count = (facts: Fact[], by: number) => {
      for (const x of facts) {
        if (!x.navFrom || !x.navTo) continue;
        const k = `${x.course}\u0001${x.navFrom}\u0001${x.navTo}`;
        const d = delta.get(k) ?? { course: x.course, f: x.navFrom, t: x.navTo, n: 0 };
        d.n += by;
        delta.set(k, d);
      }
    };
    count(added, 1);
    count(removed, -1);
    const rows = [...delta.values()].filter((d) => d.n !== 0);
    if (rows.length === 0) return;
    await this.db.query(
      `WITH up AS (
         INSERT INTO transitions (tenant_id, gen, course, from_activity, to_activity, n)
         SELECT $1, $2, x.course, x.f, x.t, x.n FROM json_to_recordset($3::json) AS x(course text, f text, t text, n int)
         ON CONFLICT (tenant_id, gen, course, from_activity, to_activity) DO UPDATE SET n = transitions.n + EXCLUDED.n
         RETURNING course, from_activity, to_activity, n)
       DELETE FROM transitions tr USING up WHERE tr.tenant_id = $1 AND tr.gen = $2 AND tr.course = up.course
         AND tr.from_activity = up.from_activity AND tr.to_activity = up.to_activity AND up.n <= 0`,
      [this.tenantId, gen, asJson(rows)],
    );
  }

  async recomputeGrades(
    gen: number,
    candidates: { course: string; learner: string; link: string }[],
  ): Promise<number> {
    if (candidates.length === 0) return 0;
    const res = await this.db.query(
      `WITH c AS (SELECT DISTINCT x.* FROM json_to_recordset($3::json) AS x(course text, learner text, link text)
                  WHERE EXISTS (SELECT 1 FROM resource_links rl WHERE rl.tenant_id = $1 AND rl.iri = x.link
                                  AND rl.line_item_url IS NOT NULL)),
       latest AS (
         SELECT DISTINCT ON (c.link, c.learner) c.link, c.learner, f.course, f.statement_id, f.ts, f.verb, f.success,
           f.completion, f.credit, f.score_raw, f.score_min, f.score_max
         FROM c CROSS JOIN LATERAL (
           -- the candidate's latest graded fact, a lookup in the learner's facts (not a join over them all)
           SELECT * FROM facts f WHERE f.tenant_id = $1 AND f.gen = $2 AND f.course = c.course
             AND f.learner = c.learner AND (f.sequence = c.link OR f.activity = c.link) AND f.verb = ANY($4::text[])
           ORDER BY f.ts DESC, f.statement_id DESC LIMIT 1) f
         ORDER BY c.link, c.learner, f.ts DESC, f.statement_id DESC)
       INSERT INTO grade_results (tenant_id, gen, link, learner, course, statement_id, ts, verb, success, completion,
         credit, score_raw, score_min, score_max, changed_at)
       SELECT $1, $2, link, learner, course, statement_id, ts, verb, success, completion, credit, score_raw,
         score_min, score_max, now() FROM latest
       ON CONFLICT (tenant_id, gen, link, learner) DO UPDATE SET course = EXCLUDED.course,
         statement_id = EXCLUDED.statement_id, ts = EXCLUDED.ts, verb = EXCLUDED.verb, success = EXCLUDED.success,
         completion = EXCLUDED.completion, credit = EXCLUDED.credit, score_raw = EXCLUDED.score_raw,
         score_min = EXCLUDED.score_min, score_max = EXCLUDED.score_max, changed_at = now()
       WHERE grade_results.statement_id <> EXCLUDED.statement_id
       RETURNING 1`,
      [this.tenantId, gen, asJson(candidates), GRADE_VERBS],
    );
    return res.rows.length;
  }

  async markDirty(gen: number, activities: { course: string; activity: string }[]): Promise<void> {
    if (activities.length === 0) return;
    await this.db.query(
      `INSERT INTO dirty_activities (tenant_id, gen, course, activity)
       SELECT DISTINCT $1::text, $2::int, x.course, x.activity FROM json_to_recordset($3::json) AS x(course text, activity text)
       ON CONFLICT (tenant_id, gen, course, activity) DO UPDATE SET marked_at = clock_timestamp()`,
      [this.tenantId, gen, asJson(activities)],
    );
  }

  async markCourseDirty(gen: number, course: string): Promise<void> {
    await this.db.query(
      `INSERT INTO dirty_activities (tenant_id, gen, course, activity)
       SELECT tenant_id, gen, course, activity FROM activities WHERE tenant_id = $1 AND gen = $2 AND course = $3
       ON CONFLICT (tenant_id, gen, course, activity) DO UPDATE SET marked_at = clock_timestamp()`,
      [this.tenantId, gen, course],
    );
  }

  async masteryKeysFor(
    gen: number,
    aligned: { activity: string; competency: string }[],
  ): Promise<MasteryKey[]> {
    if (aligned.length === 0) return [];
    const res = await this.db.query<MasteryKey>(
      `SELECT DISTINCT la.course, la.learner, x.competency
       FROM json_to_recordset($3::json) AS x(activity text, competency text)
       JOIN learner_activities la ON la.tenant_id = $1 AND la.gen = $2 AND la.activity = x.activity`,
      [this.tenantId, gen, asJson(aligned)],
    );
    return res.rows;
  }

  async addEvents(events: { course: string; type: string; data: unknown }[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.query(
      `INSERT INTO course_events (tenant_id, course, type, data)
       SELECT $1, x.course, x.type, x.data FROM json_to_recordset($2::json) AS x(course text, type text, data jsonb)`,
      [this.tenantId, asJson(events)],
    );
  }

  async savePosition(gen: number, position: string, statements: number): Promise<void> {
    await this.db.query(
      `UPDATE projections SET position = $3, statements = statements + $4, updated_at = now()
       WHERE tenant_id = $1 AND gen = $2`,
      [this.tenantId, gen, position, statements],
    );
  }

  refreshCourse(gen: number, course: string, options: RefreshOptions): Promise<string[]> {
    return refreshCourse(this.db, this.tenantId, gen, course, options);
  }

  async dirtyCourses(gen: number): Promise<string[]> {
    const res = await this.db.query<{ course: string }>(
      'SELECT DISTINCT course FROM dirty_activities WHERE tenant_id = $1 AND gen = $2',
      [this.tenantId, gen],
    );
    return res.rows.map((r) => r.course);
  }

  async activate(gen: number): Promise<void> {
    await this.db.query(
      `UPDATE projections SET state = CASE WHEN gen = $2 THEN 'active' ELSE 'retired' END, updated_at = now()
       WHERE tenant_id = $1 AND (gen = $2 OR state <> 'retired')`,
      [this.tenantId, gen],
    );
  }
}
