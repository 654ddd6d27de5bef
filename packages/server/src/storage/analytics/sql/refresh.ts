import type { SqlClient } from '../../sql/database.js';
import type { RefreshOptions } from '../types.js';
import { asJson } from './rows.js';

/**
 * The course refresh: what depends on the whole class rather than on one learner, recomputed for the
 * sequences that hold dirty activities — each activity's position (declared, else the median order in
 * which learners first reach it), the stuck-point counts over the learners who reached it, median times,
 * every learner's furthest step, and the rapid-guess counts. Runs beside the batches, under its own lock:
 * it writes only rows batches never write, and clears only the dirty marks it has seen.
 * Returns the sequences it refreshed.
 */
export async function refreshCourse(
  db: SqlClient,
  tenantId: string,
  gen: number,
  course: string,
  o: RefreshOptions,
): Promise<string[]> {
  // the marks as they are now; each is cleared at the end only if no batch marked its activity again meanwhile
  const marks = await db.query<{ activity: string; marked_at: string }>(
    `SELECT activity, marked_at::text AS marked_at FROM dirty_activities
     WHERE tenant_id = $1 AND gen = $2 AND course = $3`,
    [tenantId, gen, course],
  );
  if (marks.rows.length === 0) return [];
  const seen = asJson(marks.rows);
  const dirty = await db.query<{ sequence: string }>(
    `SELECT DISTINCT a.sequence FROM json_to_recordset($4::json) AS d(activity text)
     JOIN activities a ON a.tenant_id = $1 AND a.gen = $2 AND a.course = $3 AND a.activity = d.activity`,
    [tenantId, gen, course, seen],
  );
  const sequences = dirty.rows.map((r) => r.sequence);
  const args = [tenantId, gen, course, sequences];
  if (sequences.length > 0) {
    // positions and class counts of every activity of the dirty sequences
    await db.query(
      `WITH acts AS (
         SELECT activity, sequence FROM activities
         WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND sequence = ANY($4::text[])),
       la AS (
         SELECT la.*, acts.sequence FROM learner_activities la JOIN acts USING (activity)
         WHERE la.tenant_id = $1 AND la.gen = $2 AND la.course = $3),
       reach AS (
         SELECT sequence, activity, rank() OVER (PARTITION BY sequence, learner ORDER BY first_seen, activity) AS r
         FROM la),
       med AS (SELECT sequence, activity, percentile_cont(0.5) WITHIN GROUP (ORDER BY r) AS m FROM reach GROUP BY 1, 2),
       pos AS (
         SELECT med.activity, cs.activity IS NOT NULL AS declared,
           row_number() OVER (PARTITION BY med.sequence
             ORDER BY cs.position NULLS LAST, med.m, med.activity)::int AS position
         FROM med LEFT JOIN course_structure cs ON cs.tenant_id = $1 AND cs.course = $3 AND cs.activity = med.activity),
       stats AS (
         SELECT activity, count(*)::int AS n, count(*) FILTER (WHERE attempts > 0)::int AS assessed,
           count(*) FILTER (WHERE first_success)::int AS first_success,
           count(*) FILTER (WHERE attempts >= $5 AND NOT succeeded)::int AS repeated,
           COALESCE(array_agg(learner ORDER BY learner) FILTER (WHERE attempts >= $5 AND NOT succeeded), '{}')
             AS repeated_learners,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY active_ms) FILTER (WHERE active_ms > 0) AS median_active_ms,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY first_answer_ms)
             FILTER (WHERE first_answer_ms IS NOT NULL) AS median_first_answer_ms,
           count(first_answer_ms)::int AS first_answers
         FROM la GROUP BY activity),
       refs AS (
         SELECT s.*, COALESCE(e.ms, s.median_active_ms) AS reference_ms,
           CASE WHEN e.ms IS NOT NULL THEN 'expected' WHEN s.median_active_ms IS NOT NULL THEN 'median' END AS reference
         FROM stats s LEFT JOIN json_to_recordset($7::json) AS e(activity text, ms float8) USING (activity)),
       slow AS (
         SELECT la.activity, count(*)::int AS slow, array_agg(la.learner ORDER BY la.learner) AS slow_learners
         FROM la JOIN refs USING (activity)
         WHERE NOT la.succeeded AND refs.reference_ms IS NOT NULL AND la.active_ms > $6 * refs.reference_ms
         GROUP BY la.activity),
       up AS (
         INSERT INTO activity_stats (tenant_id, gen, course, activity, position, declared, n, assessed, first_success,
           repeated, slow, median_active_ms, reference_ms, reference, median_first_answer_ms, first_answers,
           repeated_learners, slow_learners, computed_at)
         SELECT $1, $2, $3, refs.activity, pos.position, pos.declared, refs.n, refs.assessed, refs.first_success,
           refs.repeated, COALESCE(slow.slow, 0), refs.median_active_ms, refs.reference_ms, refs.reference,
           refs.median_first_answer_ms, refs.first_answers, refs.repeated_learners,
           COALESCE(slow.slow_learners, '{}'), now()
         FROM refs JOIN pos USING (activity) LEFT JOIN slow USING (activity)
         ON CONFLICT (tenant_id, gen, course, activity) DO UPDATE SET position = EXCLUDED.position,
           declared = EXCLUDED.declared, n = EXCLUDED.n, assessed = EXCLUDED.assessed,
           first_success = EXCLUDED.first_success, repeated = EXCLUDED.repeated, slow = EXCLUDED.slow,
           median_active_ms = EXCLUDED.median_active_ms, reference_ms = EXCLUDED.reference_ms,
           reference = EXCLUDED.reference, median_first_answer_ms = EXCLUDED.median_first_answer_ms,
           first_answers = EXCLUDED.first_answers, repeated_learners = EXCLUDED.repeated_learners,
           slow_learners = EXCLUDED.slow_learners, computed_at = EXCLUDED.computed_at
         RETURNING activity)
       DELETE FROM activity_stats s
       WHERE s.tenant_id = $1 AND s.gen = $2 AND s.course = $3
         AND s.activity IN (SELECT d.activity FROM dirty_activities d
                            WHERE d.tenant_id = $1 AND d.gen = $2 AND d.course = $3
                            UNION SELECT activity FROM acts)
         AND s.activity NOT IN (SELECT activity FROM up)`,
      [
        ...args,
        o.repeatedAttempts,
        o.timeFactor,
        asJson(Object.entries(o.expectedMs).map(([activity, ms]) => ({ activity, ms }))),
      ],
    );
    // item analysis: facility, corrected item-rest correlation, the first-attempt credit histogram
    await db.query(
      `WITH acts AS (
         SELECT activity, sequence FROM activities
         WHERE tenant_id = $1 AND gen = $2 AND course = $3 AND sequence = ANY($4::text[])),
       fa AS MATERIALIZED (
         SELECT la.learner, la.activity, acts.sequence, la.first_credit FROM learner_activities la JOIN acts USING (activity)
         WHERE la.tenant_id = $1 AND la.gen = $2 AND la.course = $3 AND la.first_credit IS NOT NULL),
       tot AS MATERIALIZED (SELECT sequence, learner, sum(first_credit) AS total FROM fa GROUP BY 1, 2),
       items AS (
         -- rounded: a float sum depends on the order rows come in, and figures must not depend on delivery
         SELECT fa.activity, round(avg(fa.first_credit)::numeric, 12)::float8 AS facility,
           CASE WHEN count(*) >= 3
             THEN round(corr(fa.first_credit, tot.total - fa.first_credit)::numeric, 12)::float8 END AS discrimination,
           ARRAY[count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 0)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 1)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 2)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 3)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 4)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 5)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 6)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 7)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 8)::int,
             count(*) FILTER (WHERE least(9, floor(fa.first_credit * 10)) = 9)::int] AS scores
         FROM fa JOIN tot USING (sequence, learner) GROUP BY fa.activity)
       UPDATE activity_stats s SET facility = i.facility, discrimination = i.discrimination, scores = i.scores
       FROM acts a LEFT JOIN items i ON i.activity = a.activity
       WHERE s.tenant_id = $1 AND s.gen = $2 AND s.course = $3 AND s.activity = a.activity`,
      args,
    );
    // every learner's furthest step in each dirty sequence
    await db.query(
      `WITH furthest AS (
         SELECT DISTINCT ON (a.sequence, la.learner) a.sequence, la.learner, la.activity, la.completed
         FROM learner_activities la
         JOIN activities a ON a.tenant_id = la.tenant_id AND a.gen = la.gen AND a.course = la.course
           AND a.activity = la.activity
         JOIN activity_stats s ON s.tenant_id = la.tenant_id AND s.gen = la.gen AND s.course = la.course
           AND s.activity = la.activity
         WHERE la.tenant_id = $1 AND la.gen = $2 AND la.course = $3 AND a.sequence = ANY($4::text[])
         ORDER BY a.sequence, la.learner, s.position DESC),
       up AS (
         INSERT INTO learner_sequences (tenant_id, gen, course, sequence, learner, furthest, furthest_completed)
         SELECT $1, $2, $3, sequence, learner, activity, completed FROM furthest
         ON CONFLICT (tenant_id, gen, course, sequence, learner) DO UPDATE SET furthest = EXCLUDED.furthest,
           furthest_completed = EXCLUDED.furthest_completed)
       DELETE FROM learner_sequences ls
       WHERE ls.tenant_id = $1 AND ls.gen = $2 AND ls.course = $3 AND ls.sequence = ANY($4::text[])
         AND NOT EXISTS (SELECT 1 FROM furthest f WHERE f.sequence = ls.sequence AND f.learner = ls.learner)`,
      args,
    );
    // rapid guesses: first answers far faster than the item's median (which the refresh just moved)
    await db.query(
      // MATERIALIZED: computed once for the course (a planner without statistics would redo it per learner)
      `WITH r AS MATERIALIZED (
         SELECT la.learner, count(*) FILTER (
           WHERE s.first_answers >= $5 AND la.first_answer_ms < $4 * s.median_first_answer_ms)::int AS rapid
         FROM learner_activities la
         JOIN activity_stats s ON s.tenant_id = la.tenant_id AND s.gen = la.gen AND s.course = la.course
           AND s.activity = la.activity
         WHERE la.tenant_id = $1 AND la.gen = $2 AND la.course = $3
         GROUP BY la.learner)
       INSERT INTO learner_flags (tenant_id, gen, course, learner, rapid)
       SELECT $1, $2, $3, learner, rapid FROM r
       ON CONFLICT (tenant_id, gen, course, learner) DO UPDATE SET rapid = EXCLUDED.rapid
       WHERE learner_flags.rapid <> EXCLUDED.rapid`,
      [tenantId, gen, course, o.rapidShare, o.rapidMinAnswers],
    );
  }
  // a mark a batch in flight holds is skipped, not waited for: that batch marks it again (the refresh must never
  // wait on a batch, which may be waiting on a mark this refresh deleted — a deadlock)
  await db.query(
    `DELETE FROM dirty_activities WHERE ctid = ANY (ARRAY(
       SELECT d.ctid FROM dirty_activities d JOIN json_to_recordset($4::json) AS x(activity text, marked_at timestamptz)
         ON d.activity = x.activity AND d.marked_at = x.marked_at
       WHERE d.tenant_id = $1 AND d.gen = $2 AND d.course = $3
       FOR UPDATE OF d SKIP LOCKED))`,
    [tenantId, gen, course, seen],
  );
  return sequences;
}
