import { inTransaction, type SqlPool } from '../../sql/database.js';
import type {
  Alignment,
  Assessment,
  Competency,
  CourseSettings,
  DeclaredActivity,
  Framework,
  InputsRepository,
  TenantSettings,
} from '../types.js';
import { asJson } from './rows.js';

const opt = <T>(v: T | null): T | undefined => v ?? undefined;

/** Teachers' and integrators' inputs on PostgreSQL 15+ or PGlite (tenant-scoped, outside generations). */
export class SqlInputs implements InputsRepository {
  constructor(private readonly pool: SqlPool) {}

  async courseSettings(tenantId: string, course: string): Promise<CourseSettings> {
    const res = await this.pool.query<{ settings: CourseSettings }>(
      'SELECT settings FROM course_settings WHERE tenant_id = $1 AND course = $2',
      [tenantId, course],
    );
    return res.rows[0]?.settings ?? {};
  }

  async setCourseSettings(
    tenantId: string,
    course: string,
    settings: CourseSettings,
    by: string,
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO course_settings (tenant_id, course, settings, updated_at, updated_by) VALUES ($1, $2, $3, now(), $4)
       ON CONFLICT (tenant_id, course) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now(),
         updated_by = EXCLUDED.updated_by`,
      [tenantId, course, JSON.stringify(settings), by],
    );
  }

  async structure(tenantId: string, course: string): Promise<DeclaredActivity[]> {
    const res = await this.pool.query<{
      activity: string;
      sequence: string;
      sequence_title: string | null;
      sequence_position: number;
      position: number;
      title: string | null;
      expected_seconds: number | null;
      level: string | null;
    }>(
      `SELECT activity, sequence, sequence_title, sequence_position, position, title, expected_seconds, level
       FROM course_structure WHERE tenant_id = $1 AND course = $2 ORDER BY sequence_position, position`,
      [tenantId, course],
    );
    return res.rows.map((r) => ({
      activity: r.activity,
      sequence: r.sequence,
      sequenceTitle: opt(r.sequence_title),
      sequencePosition: r.sequence_position,
      position: r.position,
      title: opt(r.title),
      expectedSeconds: opt(r.expected_seconds),
      level: opt(r.level),
    }));
  }

  async setStructure(tenantId: string, course: string, activities: DeclaredActivity[]): Promise<void> {
    await inTransaction(this.pool, async (db) => {
      await db.query('DELETE FROM course_structure WHERE tenant_id = $1 AND course = $2', [tenantId, course]);
      if (activities.length === 0) return;
      await db.query(
        `INSERT INTO course_structure (tenant_id, course, activity, sequence, sequence_position, sequence_title,
           position, title, expected_seconds, level)
         SELECT $1, $2, x.activity, x.sequence, x.sequence_position, x.sequence_title, x.position, x.title,
           x.expected_seconds, x.level
         FROM json_to_recordset($3::json) AS x(activity text, sequence text, sequence_position int,
           sequence_title text, position int, title text, expected_seconds float8, level text)`,
        [
          tenantId,
          course,
          asJson(
            activities.map((a) => ({
              activity: a.activity,
              sequence: a.sequence,
              sequence_position: a.sequencePosition,
              sequence_title: a.sequenceTitle ?? null,
              position: a.position,
              title: a.title ?? null,
              expected_seconds: a.expectedSeconds ?? null,
              level: a.level ?? null,
            })),
          ),
        ],
      );
      // the declared sequence wins over the one statements suggested, in every generation
      await db.query(
        `UPDATE activities a SET sequence = cs.sequence FROM course_structure cs
         WHERE a.tenant_id = $1 AND a.course = $2 AND cs.tenant_id = $1 AND cs.course = $2
           AND cs.activity = a.activity AND a.sequence <> cs.sequence`,
        [tenantId, course],
      );
    });
  }

  async importFramework(
    tenantId: string,
    framework: Omit<Framework, 'importedAt' | 'items'>,
    items: Competency[],
  ): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      const res = await db.query(
        `INSERT INTO competencies (tenant_id, competency, code, title, description, type, domain, expected_level,
           framework, updated_at)
         SELECT DISTINCT ON (x.competency) $1::text, x.competency, x.code, x.title, x.description, x.type, x.domain,
           x.expected_level, $2, now()
         FROM json_to_recordset($3::json) AS x(competency text, code text, title text, description text, type text,
           domain text, expected_level text)
         ON CONFLICT (tenant_id, competency) DO UPDATE SET code = EXCLUDED.code, title = EXCLUDED.title,
           description = EXCLUDED.description, type = EXCLUDED.type, domain = EXCLUDED.domain,
           expected_level = EXCLUDED.expected_level, framework = EXCLUDED.framework, updated_at = now()`,
        [
          tenantId,
          framework.framework,
          asJson(
            items.map((c) => ({
              competency: c.competency,
              code: c.code ?? null,
              title: c.title,
              description: c.description ?? null,
              type: c.type ?? null,
              domain: c.domain ?? null,
              expected_level: c.expectedLevel ?? null,
            })),
          ),
        ],
      );
      await db.query(
        `INSERT INTO frameworks (tenant_id, framework, title, source, items, imported_at)
         VALUES ($1, $2, $3, $4, (SELECT count(*) FROM competencies WHERE tenant_id = $1 AND framework = $2), now())
         ON CONFLICT (tenant_id, framework) DO UPDATE SET title = EXCLUDED.title, source = EXCLUDED.source,
           items = EXCLUDED.items, imported_at = now()`,
        [tenantId, framework.framework, framework.title, framework.source],
      );
      return res.rowCount ?? items.length;
    });
  }

  async frameworks(tenantId: string): Promise<Framework[]> {
    const res = await this.pool.query<{
      framework: string;
      title: string;
      source: Framework['source'];
      items: number;
      imported_at: Date;
    }>(
      'SELECT framework, title, source, items, imported_at FROM frameworks WHERE tenant_id = $1 ORDER BY title',
      [tenantId],
    );
    return res.rows.map((r) => ({
      framework: r.framework,
      title: r.title,
      source: r.source,
      items: r.items,
      importedAt: r.imported_at.toISOString(),
    }));
  }

  async competencies(tenantId: string, ids?: string[]): Promise<Competency[]> {
    const res = await this.pool.query<{
      competency: string;
      code: string | null;
      title: string;
      description: string | null;
      type: string | null;
      domain: string | null;
      expected_level: string | null;
      framework: string | null;
    }>(
      `SELECT competency, code, title, description, type, domain, expected_level, framework FROM competencies
       WHERE tenant_id = $1 AND ($2::text[] IS NULL OR competency = ANY($2::text[])) ORDER BY code NULLS LAST, title`,
      [tenantId, ids ?? null],
    );
    return res.rows.map((r) => ({
      competency: r.competency,
      code: opt(r.code),
      title: r.title,
      description: opt(r.description),
      type: opt(r.type),
      domain: opt(r.domain),
      expectedLevel: opt(r.expected_level),
      framework: opt(r.framework),
    }));
  }

  async setAlignments(tenantId: string, alignments: Alignment[]): Promise<void> {
    if (alignments.length === 0) return;
    await inTransaction(this.pool, async (db) => {
      const json = asJson(alignments);
      await db.query(
        `DELETE FROM alignments al USING json_to_recordset($2::json) AS x(activity text, competency text, weight float8)
         WHERE al.tenant_id = $1 AND al.activity = x.activity AND al.competency = x.competency AND x.weight = 0`,
        [tenantId, json],
      );
      await db.query(
        `INSERT INTO alignments (tenant_id, activity, competency, weight, source)
         SELECT DISTINCT ON (x.activity, x.competency) $1::text, x.activity, x.competency, x.weight, x.source
         FROM json_to_recordset($2::json) AS x(activity text, competency text, weight float8, source text)
         WHERE x.weight > 0
         ON CONFLICT (tenant_id, activity, competency) DO UPDATE SET weight = EXCLUDED.weight, source = EXCLUDED.source`,
        [tenantId, json],
      );
    });
  }

  async alignments(tenantId: string, activities?: string[]): Promise<Alignment[]> {
    const res = await this.pool.query<Alignment>(
      `SELECT activity, competency, weight, source FROM alignments
       WHERE tenant_id = $1 AND ($2::text[] IS NULL OR activity = ANY($2::text[])) ORDER BY activity, competency`,
      [tenantId, activities ?? null],
    );
    return res.rows;
  }

  async addAssessment(tenantId: string, a: Assessment): Promise<void> {
    await this.pool.query(
      `INSERT INTO assessments (tenant_id, course, learner, competency, level, assessor, assessed_at, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [tenantId, a.course, a.learner, a.competency, a.level, a.assessor, a.assessedAt, a.note ?? null],
    );
  }

  async assessments(tenantId: string, course: string, learner?: string): Promise<Assessment[]> {
    const res = await this.pool.query<{
      course: string;
      learner: string;
      competency: string;
      level: string;
      assessor: string;
      assessed_at: Date;
      note: string | null;
    }>(
      `SELECT DISTINCT ON (learner, competency) course, learner, competency, level, assessor, assessed_at, note
       FROM assessments WHERE tenant_id = $1 AND course = $2 AND ($3::text IS NULL OR learner = $3)
       ORDER BY learner, competency, assessed_at DESC`,
      [tenantId, course, learner ?? null],
    );
    return res.rows.map((r) => ({
      course: r.course,
      learner: r.learner,
      competency: r.competency,
      level: r.level,
      assessor: r.assessor,
      assessedAt: r.assessed_at.toISOString(),
      note: opt(r.note),
    }));
  }

  async tenantSettings(tenantId: string): Promise<TenantSettings> {
    const res = await this.pool.query<{ settings: TenantSettings }>(
      'SELECT settings FROM tenant_settings WHERE tenant_id = $1',
      [tenantId],
    );
    return res.rows[0]?.settings ?? {};
  }

  async setTenantSettings(tenantId: string, settings: TenantSettings): Promise<void> {
    await this.pool.query(
      `INSERT INTO tenant_settings (tenant_id, settings, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (tenant_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
      [tenantId, JSON.stringify(settings)],
    );
  }
}
