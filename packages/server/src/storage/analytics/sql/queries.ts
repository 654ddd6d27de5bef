import type { SqlPool } from '../../sql/database.js';
import type {
  ActivityRow,
  AnalyticsQueries,
  CourseEvent,
  CourseRow,
  EvidenceRow,
  Fact,
  LearnerActivityRow,
  LearnerCourseRow,
  MasteryRow,
  PendingGrade,
  Population,
} from '../types.js';
import { FACT_NAMES, type FactRow, factOf } from './rows.js';

const iso = (d: Date | null | undefined) => d?.toISOString();
const opt = <T>(v: T | null | undefined): T | undefined => v ?? undefined;
const num = (v: number | string | null | undefined) =>
  v === null || v === undefined ? undefined : Number(v);

/** The analytics API's reads on PostgreSQL 15+ or PGlite: pre-aggregated rows, indexed by course. */
export class SqlQueries implements AnalyticsQueries {
  constructor(private readonly pool: SqlPool) {}

  async courses(tenantId: string, gen: number): Promise<CourseRow[]> {
    const res = await this.pool.query<{
      course: string;
      context_id: string | null;
      title: string | null;
      learners: number;
      first_seen: Date | null;
      last_seen: Date | null;
    }>(
      `SELECT COALESCE(c.course, ctx.iri) AS course, ctx.context_id, COALESCE(ctx.title, c.title) AS title,
         (SELECT count(*) FROM learner_courses lc WHERE lc.tenant_id = $1 AND lc.gen = $2
            AND lc.course = COALESCE(c.course, ctx.iri))::int AS learners,
         c.first_seen, c.last_seen
       FROM (SELECT * FROM courses WHERE tenant_id = $1 AND gen = $2) c
       FULL JOIN (SELECT * FROM contexts WHERE tenant_id = $1) ctx ON ctx.iri = c.course
       ORDER BY c.last_seen DESC NULLS LAST, 3`,
      [tenantId, gen],
    );
    return res.rows.map((r) => ({
      course: r.course,
      contextId: opt(r.context_id),
      title: opt(r.title),
      learners: r.learners,
      firstSeen: iso(r.first_seen),
      lastSeen: iso(r.last_seen),
    }));
  }

  async learners(
    tenantId: string,
    gen: number,
    course: string,
    pop: Population,
    wheelSpinningEvidence: number,
  ): Promise<LearnerCourseRow[]> {
    // learners with facts, and the roster's learners (enrolled, never started) of the course's context
    const res = await this.pool.query<{
      learner: string;
      user_id: string | null;
      name: string | null;
      given_name: string | null;
      family_name: string | null;
      role: string | null;
      status: string | null;
      first_seen: Date | null;
      last_seen: Date | null;
      active_ms: string | number | null;
      reached: number | null;
      completed: number | null;
      assessed: number | null;
      succeeded: number | null;
      struggling: number | null;
      stuck: number | null;
      rapid: number | null;
      statements: number | null;
      course_completed: boolean | null;
      wheel_spinning: number | null;
    }>(
      `WITH enrolled AS (
         SELECT l.actor_key AS learner, e.user_id, e.role, e.status FROM contexts ctx
         JOIN enrollments e ON e.tenant_id = ctx.tenant_id AND e.context_id = ctx.context_id
         JOIN learners l ON l.tenant_id = e.tenant_id AND l.user_id = e.user_id
         WHERE ctx.tenant_id = $1 AND ctx.iri = $3 AND l.actor_key IS NOT NULL
           AND ($5::text[] IS NULL OR l.actor_key = ANY($5::text[]))),
       -- a population (a group, one learner) is applied first: one learner's page reads one learner's rows
       seen AS MATERIALIZED (
         SELECT * FROM learner_courses WHERE tenant_id = $1 AND gen = $2 AND course = $3
           AND ($5::text[] IS NULL OR learner = ANY($5::text[]))),
       spin AS MATERIALIZED (
         SELECT learner, count(*)::int AS n FROM mastery
         WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND evidence >= $4
           AND (level IS NULL OR level NOT IN ('acquis', 'expert'))
           AND ($5::text[] IS NULL OR learner = ANY($5::text[]))
         GROUP BY learner)
       SELECT COALESCE(s.learner, en.learner) AS learner, COALESCE(en.user_id, p.user_id) AS user_id, p.name,
         p.given_name, p.family_name, en.role, en.status, s.first_seen, s.last_seen, s.active_ms, s.reached,
         s.completed, s.assessed, s.succeeded, s.struggling, s.stuck, rf.rapid, s.statements, s.course_completed,
         spin.n AS wheel_spinning
       FROM seen s
       FULL JOIN (SELECT * FROM enrolled WHERE role = 'learner') en ON en.learner = s.learner
       LEFT JOIN LATERAL (SELECT user_id, name, given_name, family_name FROM learners
                          WHERE tenant_id = $1 AND actor_key = COALESCE(s.learner, en.learner) LIMIT 1) p ON true
       LEFT JOIN spin ON spin.learner = s.learner
       LEFT JOIN learner_flags rf ON rf.tenant_id = $1 AND rf.gen = $2 AND rf.course = $3 AND rf.learner = s.learner
       WHERE ($5::text[] IS NULL OR COALESCE(s.learner, en.learner) = ANY($5::text[]))
         AND ($6::timestamptz IS NULL OR s.last_seen >= $6)
         AND ($7::timestamptz IS NULL OR s.first_seen <= $7)
         AND (en.role IS NULL OR en.role = 'learner')
       ORDER BY COALESCE(s.learner, en.learner)`,
      [tenantId, gen, course, wheelSpinningEvidence, pop.learners ?? null, pop.from ?? null, pop.to ?? null],
    );
    return res.rows.map((r) => ({
      learner: r.learner,
      userId: opt(r.user_id),
      name: opt(r.name) ?? ([r.given_name, r.family_name].filter(Boolean).join(' ') || undefined),
      role: opt(r.role),
      status: opt(r.status),
      started: r.first_seen !== null,
      firstSeen: iso(r.first_seen),
      lastSeen: iso(r.last_seen),
      activeMs: num(r.active_ms) ?? 0,
      reached: r.reached ?? 0,
      completed: r.completed ?? 0,
      assessed: r.assessed ?? 0,
      succeeded: r.succeeded ?? 0,
      struggling: r.struggling ?? 0,
      stuck: r.stuck ?? 0,
      rapid: r.rapid ?? 0,
      statements: r.statements ?? 0,
      courseCompleted: r.course_completed ?? false,
      wheelSpinning: r.wheel_spinning ?? 0,
    }));
  }

  async activities(tenantId: string, gen: number, course: string): Promise<ActivityRow[]> {
    const res = await this.pool.query<{
      activity: string;
      sequence: string;
      sequence_title: string | null;
      sequence_position: number | null;
      title: string | null;
      type: string | null;
      interaction_type: string | null;
      level: string | null;
      choices: { id: string; description?: string }[] | null;
      correct_responses: string[] | null;
      position: number | null;
      declared: boolean | null;
      n: number | null;
      assessed: number | null;
      first_success: number | null;
      repeated: number | null;
      slow: number | null;
      median_active_ms: number | null;
      reference_ms: number | null;
      reference: 'expected' | 'median' | null;
      median_first_answer_ms: number | null;
      first_answers: number | null;
      repeated_learners: string[] | null;
      slow_learners: string[] | null;
      facility: number | null;
      discrimination: number | null;
      scores: number[] | null;
    }>(
      `SELECT a.activity, a.sequence, COALESCE(seq.sequence_title, link.title) AS sequence_title, seq.sequence_position,
         COALESCE(cs.title, a.title) AS title,
         a.type, a.interaction_type, COALESCE(cs.level, a.level) AS level, a.choices, a.correct_responses,
         s.position, s.declared, s.n, s.assessed, s.first_success, s.repeated, s.slow, s.median_active_ms,
         s.reference_ms, s.reference, s.median_first_answer_ms, s.first_answers, s.repeated_learners, s.slow_learners,
         s.facility, s.discrimination, s.scores
       FROM activities a
       LEFT JOIN activity_stats s ON s.tenant_id = a.tenant_id AND s.gen = a.gen AND s.course = a.course
         AND s.activity = a.activity
       LEFT JOIN course_structure cs ON cs.tenant_id = a.tenant_id AND cs.course = a.course AND cs.activity = a.activity
       LEFT JOIN LATERAL (SELECT sequence_title, sequence_position FROM course_structure
                          WHERE tenant_id = a.tenant_id AND course = a.course AND sequence = a.sequence
                          LIMIT 1) seq ON true
       -- a sequence that is a placed LTI activity (deep linking) takes its title from the placement
       LEFT JOIN LATERAL (SELECT title FROM resource_links WHERE tenant_id = a.tenant_id AND iri = a.sequence
                          LIMIT 1) link ON true
       WHERE a.tenant_id = $1 AND a.gen = $2 AND a.course = $3
       ORDER BY seq.sequence_position NULLS LAST, a.sequence, s.position NULLS LAST, a.activity`,
      [tenantId, gen, course],
    );
    return res.rows.map((r) => ({
      activity: r.activity,
      sequence: r.sequence,
      sequenceTitle: opt(r.sequence_title),
      sequencePosition: opt(r.sequence_position),
      title: opt(r.title),
      type: opt(r.type),
      interactionType: opt(r.interaction_type),
      level: opt(r.level),
      choices: opt(r.choices),
      correctResponses: opt(r.correct_responses),
      position: r.position ?? 0,
      declared: r.declared ?? false,
      n: r.n ?? 0,
      assessed: r.assessed ?? 0,
      firstSuccess: r.first_success ?? 0,
      repeated: r.repeated ?? 0,
      slow: r.slow ?? 0,
      medianActiveMs: opt(r.median_active_ms),
      referenceMs: opt(r.reference_ms),
      reference: opt(r.reference),
      medianFirstAnswerMs: opt(r.median_first_answer_ms),
      firstAnswers: r.first_answers ?? 0,
      repeatedLearners: r.repeated_learners ?? [],
      slowLearners: r.slow_learners ?? [],
      facility: opt(r.facility),
      discrimination: opt(r.discrimination),
      scores: opt(r.scores),
    }));
  }

  async populationCounts(
    tenantId: string,
    gen: number,
    course: string,
    learners: string[],
    rules: { repeatedAttempts: number; timeFactor: number },
  ) {
    const res = await this.pool.query<{
      activity: string;
      n: number;
      assessed: number;
      first_success: number;
      repeated: number;
      slow: number;
      repeated_learners: string[];
      slow_learners: string[];
    }>(
      `SELECT la.activity, count(*)::int AS n, count(*) FILTER (WHERE la.attempts > 0)::int AS assessed,
         count(*) FILTER (WHERE la.first_success)::int AS first_success,
         count(*) FILTER (WHERE la.attempts >= $5 AND NOT la.succeeded)::int AS repeated,
         count(*) FILTER (WHERE NOT la.succeeded AND la.active_ms > $6 * s.reference_ms)::int AS slow,
         COALESCE(array_agg(la.learner ORDER BY la.learner)
           FILTER (WHERE la.attempts >= $5 AND NOT la.succeeded), '{}') AS repeated_learners,
         COALESCE(array_agg(la.learner ORDER BY la.learner)
           FILTER (WHERE NOT la.succeeded AND la.active_ms > $6 * s.reference_ms), '{}') AS slow_learners
       FROM learner_activities la
       LEFT JOIN activity_stats s ON s.tenant_id = la.tenant_id AND s.gen = la.gen AND s.course = la.course
         AND s.activity = la.activity
       WHERE la.tenant_id = $1 AND la.gen = $2 AND la.course = $3 AND la.learner = ANY($4::text[])
         AND la.activity <> la.course
       GROUP BY la.activity`,
      [tenantId, gen, course, learners, rules.repeatedAttempts, rules.timeFactor],
    );
    return new Map(
      res.rows.map((r) => [
        r.activity,
        {
          n: r.n,
          assessed: r.assessed,
          firstSuccess: r.first_success,
          repeated: r.repeated,
          slow: r.slow,
          repeatedLearners: r.repeated_learners,
          slowLearners: r.slow_learners,
        },
      ]),
    );
  }

  async dropped(
    tenantId: string,
    gen: number,
    course: string,
    inactiveSince: string,
  ): Promise<Map<string, string[]>> {
    const res = await this.pool.query<{ furthest: string; learners: string[] }>(
      `SELECT ls.furthest, array_agg(DISTINCT ls.learner ORDER BY ls.learner) AS learners
       FROM learner_sequences ls
       JOIN learner_courses lc ON lc.tenant_id = ls.tenant_id AND lc.gen = ls.gen AND lc.course = ls.course
         AND lc.learner = ls.learner
       WHERE ls.tenant_id = $1 AND ls.gen = $2 AND ls.course = $3 AND NOT ls.furthest_completed
         AND lc.last_seen <= $4
       GROUP BY ls.furthest`,
      [tenantId, gen, course, inactiveSince],
    );
    return new Map(res.rows.map((r) => [r.furthest, r.learners]));
  }

  async mastery(tenantId: string, gen: number, course: string, learner?: string): Promise<MasteryRow[]> {
    const res = await this.pool.query<MasteryRow & { level: string | null }>(
      `SELECT learner, competency, p, level, evidence FROM mastery
       WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND ($4::text IS NULL OR learner = $4)
       ORDER BY learner, competency`,
      [tenantId, gen, course, learner ?? null],
    );
    return res.rows.map((r) => ({ ...r, level: opt(r.level) }));
  }

  async learnerActivities(
    tenantId: string,
    gen: number,
    course: string,
    learner: string,
  ): Promise<LearnerActivityRow[]> {
    const res = await this.pool.query<{
      activity: string;
      attempts: number;
      first_success: boolean | null;
      first_credit: number | null;
      first_answer_ms: string | number | null;
      best_credit: number | null;
      last_credit: number | null;
      succeeded: boolean;
      completed: boolean;
      active_ms: string | number;
      first_seen: Date;
      last_seen: Date;
      statements: number;
    }>(
      `SELECT activity, attempts, first_success, first_credit, first_answer_ms, best_credit, last_credit, succeeded,
         completed, active_ms, first_seen, last_seen, statements
       FROM learner_activities WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND learner = $4
       ORDER BY first_seen`,
      [tenantId, gen, course, learner],
    );
    return res.rows.map((r) => ({
      activity: r.activity,
      attempts: r.attempts,
      firstSuccess: opt(r.first_success),
      firstCredit: opt(r.first_credit),
      firstAnswerMs: num(r.first_answer_ms),
      bestCredit: opt(r.best_credit),
      lastCredit: opt(r.last_credit),
      succeeded: r.succeeded,
      completed: r.completed,
      activeMs: Number(r.active_ms),
      firstSeen: r.first_seen.toISOString(),
      lastSeen: r.last_seen.toISOString(),
      statements: r.statements,
    }));
  }

  async evidence(tenantId: string, gen: number, course: string, learner: string): Promise<EvidenceRow[]> {
    const res = await this.pool.query<{
      competency: string;
      ts: Date;
      statement_id: string;
      activity: string;
      credit: number;
      weight: number;
      correct: boolean;
      maitrise: boolean;
      p_before: number;
      p_after: number;
      level: string | null;
    }>(
      `SELECT competency, ts, statement_id, activity, credit, weight, correct, maitrise, p_before, p_after, level
       FROM evidence WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND learner = $4
       ORDER BY competency, ts, statement_id`,
      [tenantId, gen, course, learner],
    );
    return res.rows.map((r) => ({
      course,
      learner,
      competency: r.competency,
      ts: r.ts.toISOString(),
      statementId: r.statement_id,
      activity: r.activity,
      credit: r.credit,
      weight: r.weight,
      correct: r.correct,
      maitrise: r.maitrise,
      pBefore: r.p_before,
      pAfter: r.p_after,
      level: opt(r.level),
    }));
  }

  async timeline(
    tenantId: string,
    gen: number,
    course: string,
    learner: string,
    range: { from?: string; to?: string; limit: number },
  ): Promise<Fact[]> {
    const res = await this.pool.query<FactRow>(
      `SELECT ${FACT_NAMES} FROM facts
       WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND learner = $4
         AND ($5::timestamptz IS NULL OR ts >= $5) AND ($6::timestamptz IS NULL OR ts <= $6)
       ORDER BY ts DESC, statement_id DESC LIMIT $7`,
      [tenantId, gen, course, learner, range.from ?? null, range.to ?? null, range.limit],
    );
    return res.rows.map(factOf);
  }

  async firstAttempts(tenantId: string, gen: number, course: string, sequence: string) {
    const res = await this.pool.query<{
      learner: string;
      item: string;
      credit: number;
      response: string | null;
    }>(
      `SELECT la.learner, la.activity AS item, la.first_credit AS credit, la.first_response AS response
       FROM activities a JOIN learner_activities la ON la.tenant_id = a.tenant_id AND la.gen = a.gen
         AND la.course = a.course AND la.activity = a.activity
       WHERE a.tenant_id = $1 AND a.gen = $2 AND a.course = $3 AND a.sequence = $4 AND la.first_credit IS NOT NULL`,
      [tenantId, gen, course, sequence],
    );
    return res.rows.map((r) => ({
      learner: r.learner,
      item: r.item,
      credit: r.credit,
      response: opt(r.response),
    }));
  }

  async latest(tenantId: string, gen: number, course: string) {
    const cols = FACT_NAMES.split(', ');
    const pick = (alias: string) => cols.map((c) => `${alias}.${c} AS ${alias}_${c}`).join(', ');
    const res = await this.pool.query<Record<string, unknown>>(
      `SELECT lc.learner, ${pick('l')}, ${pick('s')} FROM learner_courses lc
       CROSS JOIN LATERAL (SELECT * FROM facts f WHERE f.tenant_id = $1 AND f.gen = $2 AND f.course = $3
                           AND f.learner = lc.learner ORDER BY f.ts DESC, f.statement_id DESC LIMIT 1) l
       LEFT JOIN LATERAL (SELECT * FROM facts f WHERE f.tenant_id = $1 AND f.gen = $2 AND f.course = $3
                          AND f.learner = lc.learner AND f.credit IS NOT NULL
                          ORDER BY f.ts DESC, f.statement_id DESC LIMIT 1) s ON true
       WHERE lc.tenant_id = $1 AND lc.gen = $2 AND lc.course = $3`,
      [tenantId, gen, course],
    );
    const part = (row: Record<string, unknown>, alias: string) =>
      row[`${alias}_statement_id`] === null
        ? undefined
        : factOf(Object.fromEntries(cols.map((c) => [c, row[`${alias}_${c}`]])) as unknown as FactRow);
    return new Map(res.rows.map((r) => [String(r.learner), { last: part(r, 'l')!, scored: part(r, 's') }]));
  }

  async names(tenantId: string, learners: string[]): Promise<Map<string, string>> {
    if (learners.length === 0) return new Map();
    const res = await this.pool.query<{
      actor_key: string;
      name: string | null;
      given_name: string | null;
      family_name: string | null;
    }>(
      `SELECT DISTINCT ON (actor_key) actor_key, name, given_name, family_name FROM learners
       WHERE tenant_id = $1 AND actor_key = ANY($2::text[])`,
      [tenantId, learners],
    );
    const out = new Map<string, string>();
    for (const r of res.rows) {
      const name = r.name ?? ([r.given_name, r.family_name].filter(Boolean).join(' ') || undefined);
      if (name) out.set(r.actor_key, name);
    }
    return out;
  }

  async firstResponses(tenantId: string, gen: number, course: string, activity: string): Promise<string[]> {
    const res = await this.pool.query<{ r: string }>(
      `SELECT first_response AS r FROM learner_activities
       WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND activity = $4 AND first_response IS NOT NULL`,
      [tenantId, gen, course, activity],
    );
    return res.rows.map((x) => x.r);
  }

  async productions(
    tenantId: string,
    gen: number,
    course: string,
    range: { from?: string; to?: string; limit: number },
  ): Promise<Fact[]> {
    const res = await this.pool.query<FactRow>(
      `SELECT ${FACT_NAMES} FROM facts
       WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND interaction_type = 'long-fill-in'
         AND ($4::timestamptz IS NULL OR ts >= $4) AND ($5::timestamptz IS NULL OR ts <= $5)
       ORDER BY ts DESC, statement_id DESC LIMIT $6`,
      [tenantId, gen, course, range.from ?? null, range.to ?? null, range.limit],
    );
    return res.rows.map(factOf);
  }

  async transitions(tenantId: string, gen: number, course: string, limit: number) {
    const res = await this.pool.query<{ from_activity: string; to_activity: string; n: number }>(
      `SELECT from_activity, to_activity, n FROM transitions WHERE tenant_id = $1 AND gen = $2 AND course = $3
       ORDER BY n DESC, from_activity, to_activity LIMIT $4`,
      [tenantId, gen, course, limit],
    );
    return res.rows.map((r) => ({ from: r.from_activity, to: r.to_activity, n: r.n }));
  }

  async events(tenantId: string, course: string, afterId: number, limit: number): Promise<CourseEvent[]> {
    const res = await this.pool.query<{
      id: string | number;
      course: string;
      at: Date;
      type: string;
      data: Record<string, unknown>;
    }>(
      `SELECT id, course, at, type, data FROM course_events WHERE tenant_id = $1 AND course = $2 AND id > $3
       ORDER BY id LIMIT $4`,
      [tenantId, course, afterId, limit],
    );
    return res.rows.map((r) => ({
      id: Number(r.id),
      course: r.course,
      at: r.at.toISOString(),
      type: r.type,
      data: r.data,
    }));
  }

  async lastEventId(tenantId: string, course: string): Promise<number> {
    const res = await this.pool.query<{ id: string | number | null }>(
      'SELECT max(id) AS id FROM course_events WHERE tenant_id = $1 AND course = $2',
      [tenantId, course],
    );
    return Number(res.rows[0]?.id ?? 0);
  }

  async purgeEvents(before: string): Promise<number> {
    const res = await this.pool.query('DELETE FROM course_events WHERE at < $1', [before]);
    return res.rowCount ?? 0;
  }

  async pendingGrades(tenantId: string, limit: number): Promise<PendingGrade[]> {
    const res = await this.pool.query<{
      gen: number;
      link: string;
      learner: string;
      course: string;
      statement_id: string;
      ts: Date;
      verb: string;
      success: boolean | null;
      completion: boolean;
      credit: number | null;
      score_raw: number | null;
      score_min: number | null;
      score_max: number | null;
      changed_at: Date;
    }>(
      `SELECT g.gen, g.link, g.learner, g.course, g.statement_id, g.ts, g.verb, g.success, g.completion, g.credit,
         g.score_raw, g.score_min, g.score_max, g.changed_at
       FROM grade_results g JOIN projections p ON p.tenant_id = g.tenant_id AND p.gen = g.gen AND p.state = 'active'
       WHERE g.tenant_id = $1 AND (g.handed_at IS NULL OR g.handed_at < g.changed_at)
       ORDER BY g.changed_at LIMIT $2`,
      [tenantId, limit],
    );
    return res.rows.map((r) => ({
      tenantId,
      gen: r.gen,
      link: r.link,
      learner: r.learner,
      course: r.course,
      statementId: r.statement_id,
      ts: r.ts.toISOString(),
      verb: r.verb,
      success: opt(r.success),
      completion: r.completion,
      credit: opt(r.credit),
      score:
        r.score_raw !== null || r.score_max !== null
          ? { raw: opt(r.score_raw), min: opt(r.score_min), max: opt(r.score_max) }
          : undefined,
      changedAt: r.changed_at.toISOString(),
    }));
  }

  async gradesHanded(grades: PendingGrade[]): Promise<void> {
    for (const g of grades) {
      await this.pool.query(
        `UPDATE grade_results SET handed_at = $6 WHERE tenant_id = $1 AND gen = $2 AND link = $3 AND learner = $4
           AND statement_id = $5`,
        [g.tenantId, g.gen, g.link, g.learner, g.statementId, g.changedAt],
      );
    }
  }
}
