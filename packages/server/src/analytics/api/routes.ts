import { agentKey } from '@kairos/xapi';
import { z } from 'zod';
import { HttpError } from '../../errors.js';
import { toCsv } from '../frameworks/csv.js';
import { competencyIri, frameworkFromCase, frameworkFromCsv } from '../frameworks/import.js';
import { type CourseAccess, type CourseRef, ownLearner, tenantAccess } from './access.js';
import { type ApiRoute, parse, type RouteContext } from './route.js';
import * as S from './schemas.js';
import { type CourseQueryValues, courseScope, type ScopeDeps } from './scope.js';
import {
  competenciesView,
  isCourseLearner,
  itemView,
  learnersView,
  learnerView,
  overviewView,
  stuckPointsView,
} from './views.js';

/** What the routes share. */
export interface ApiDeps extends ScopeDeps {
  /** The course's figures changed outside the projection (settings, structure, roster): drop cached answers. */
  invalidate(tenantId: string, course?: string): Promise<void>;
}

/** The scope of a course request: access checked, active generation, settings, population. */
const scopeOf = (d: ApiDeps, ctx: RouteContext, wants: CourseAccess) =>
  courseScope(d, ctx.principal, ctx.params.course!, ctx.query as CourseQueryValues, wants);

/** The learner `{learner}` names: an agent key, an LTI user id of the roster, or `me` (learner tokens). */
async function learnerOf(d: ApiDeps, ctx: RouteContext): Promise<string> {
  const raw = ownLearner(ctx.principal, ctx.params.learner!);
  if (raw.includes(':')) return raw;
  const person = (await d.stores.analytics.roster.members(ctx.principal.tenantId, ctx.params.course!)).find(
    (m) => m.userId === raw,
  );
  return person?.actorKey ?? raw;
}

const courseOf = (c: CourseRef, title?: string, learners = 0, lastSeen?: string) => ({
  id: c.contextId ?? c.iri,
  iri: c.iri,
  contextId: c.contextId,
  title,
  learners,
  lastSeen,
});

const share = (s: { value: number } | null) => (s ? Math.round(s.value * 1000) / 1000 : '');

/** The routes of `/api/v1` (besides `/tokens`), in the order the OpenAPI document lists them. */
export function analyticsRoutes(d: ApiDeps): ApiRoute[] {
  const inputs = d.stores.analytics.inputs;
  const course = (ctx: RouteContext, wants: 'read' | 'write' | 'own' = 'read') => scopeOf(d, ctx, wants);
  return [
    {
      method: 'get',
      path: '/courses',
      summary: 'The courses of the tenant',
      access: 'API key with analytics/read, or a token without a course (its course only otherwise)',
      response: S.CoursesResponse,
      cached: true,
      async handler(ctx) {
        const p = ctx.principal;
        tenantAccess(p, 'read');
        const gen = await d.projector.activeGeneration(p.tenantId);
        const rows = await d.stores.analytics.queries.courses(p.tenantId, gen.gen);
        const mine = p.contextIri === undefined ? rows : rows.filter((r) => r.course === p.contextIri);
        return {
          courses: mine.map((r) =>
            courseOf({ iri: r.course, contextId: r.contextId }, r.title, r.learners, r.lastSeen),
          ),
        };
      },
      csv: (a: z.infer<typeof S.CoursesResponse>) => ({
        rows: a.courses,
        columns: {
          id: (r: never) => (r as { id: string }).id,
          iri: (r: { iri: string }) => r.iri,
          title: (r: { title?: string }) => r.title,
          learners: (r: { learners: number }) => r.learners,
          lastSeen: (r: { lastSeen?: string }) => r.lastSeen,
        } as never,
      }),
    },
    {
      method: 'get',
      path: '/courses/:course/overview',
      summary: 'Roster, started, not started, completed, active in the last 7 days',
      access: 'instructor token of the course, or API key with analytics/read',
      query: S.CourseQuery,
      response: S.Overview,
      cached: true,
      async handler(ctx) {
        const s = await course(ctx);
        const row = (await d.stores.analytics.queries.courses(s.tenantId, s.gen)).find(
          (c) => c.course === s.course.iri,
        );
        return overviewView(s, courseOf(s.course, row?.title, row?.learners ?? 0, row?.lastSeen));
      },
    },
    {
      method: 'get',
      path: '/courses/:course/stuck-points',
      summary:
        'Activities ranked by stuck score, with the inputs behind every figure and the learners concerned',
      access: 'instructor token of the course, or API key with analytics/read',
      query: S.CourseQuery,
      response: S.StuckPointsResponse,
      cached: true,
      handler: async (ctx) => stuckPointsView(await course(ctx)),
      csv: (a: z.infer<typeof S.StuckPointsResponse>) => ({
        rows: a.activities,
        columns: csvColumns<z.infer<typeof S.StuckPoint>>({
          activity: (r) => r.activity,
          title: (r) => r.title,
          sequence: (r) => r.sequence,
          position: (r) => r.position,
          n: (r) => r.n,
          assessed: (r) => r.assessed,
          p1: (r) => share(r.p1),
          r: (r) => share(r.r),
          d: (r) => share(r.d),
          t: (r) => share(r.t),
          score: (r) => r.score,
          flagged: (r) => r.flagged,
          reasons: (r) => r.reasons.join(' '),
          learners: (r) => r.learners.map((l) => l.name ?? l.learner).join('; '),
        }),
      }),
    },
    {
      method: 'get',
      path: '/courses/:course/competencies',
      summary: 'Learners × competencies: the model’s level, P and evidence count, and the teacher’s level',
      access: 'instructor token of the course, or API key with analytics/read',
      query: S.CourseQuery,
      response: S.CompetenciesResponse,
      cached: true,
      handler: async (ctx) => competenciesView(await course(ctx)),
      csv: (a: z.infer<typeof S.CompetenciesResponse>) => {
        const names = new Map(a.learners.map((l) => [l.learner, l.name]));
        const titles = new Map(a.competencies.map((c) => [c.id, c.code ?? c.title]));
        return {
          rows: a.cells,
          columns: csvColumns<z.infer<typeof S.CompetencyCell>>({
            learner: (r) => r.learner,
            name: (r) => names.get(r.learner),
            competency: (r) => r.competency,
            code: (r) => titles.get(r.competency),
            level: (r) => r.level,
            p: (r) => Math.round(r.p * 1000) / 1000,
            evidence: (r) => r.evidence,
            manualLevel: (r) => r.manual?.level,
          }),
        };
      },
    },
    {
      method: 'get',
      path: '/courses/:course/learners',
      summary: 'The learners of the course, their progress and flags',
      access: 'instructor token of the course, or API key with analytics/read',
      query: S.CourseQuery,
      response: S.LearnersResponse,
      cached: true,
      handler: async (ctx) => learnersView(await course(ctx)),
      csv: (a: z.infer<typeof S.LearnersResponse>) => ({
        rows: a.learners,
        columns: csvColumns<z.infer<typeof S.LearnerSummary>>({
          learner: (r) => r.learner,
          userId: (r) => r.userId,
          name: (r) => r.name,
          started: (r) => r.started,
          lastSeen: (r) => r.lastSeen,
          activeSeconds: (r) => Math.round(r.activeMs / 1000),
          reached: (r) => r.reached,
          completed: (r) => r.completed,
          succeeded: (r) => r.succeeded,
          flags: (r) => r.raised.join(' '),
        }),
      }),
    },
    {
      method: 'get',
      path: '/courses/:course/learners/:learner',
      summary: 'One learner: per activity, mastery with every step, flags with their inputs, timeline',
      description: 'A learner token reads its own learner (`me` names it).',
      access: 'instructor token of the course, API key with analytics/read, or the learner’s own token',
      query: S.CourseQuery,
      response: S.LearnerDetail,
      cached: true,
      async handler(ctx) {
        const s = await course(ctx, ctx.principal.actorKey !== undefined ? 'own' : 'read');
        const learner = await learnerOf(d, ctx);
        const view = await learnerView(s, learner);
        if (!view)
          throw new HttpError(404, 'learner_not_found', `no learner ${ctx.params.learner} in this course`);
        return view;
      },
    },
    {
      method: 'get',
      path: '/courses/:course/activities/:activity',
      summary: 'Item analysis: facility, discrimination, score and answer distributions',
      access: 'instructor token of the course, or API key with analytics/read',
      query: S.CourseQuery,
      response: S.ItemAnalysisResponse,
      cached: true,
      async handler(ctx) {
        const view = await itemView(await course(ctx), ctx.params.activity!);
        if (!view)
          throw new HttpError(404, 'activity_not_found', `no activity ${ctx.params.activity} in this course`);
        return view;
      },
      csv: (a: z.infer<typeof S.ItemAnalysisResponse>) => ({
        rows: a.answers,
        columns: csvColumns<z.infer<typeof S.ItemAnalysisResponse>['answers'][number]>({
          response: (r) => r.response,
          label: (r) => r.label,
          count: (r) => r.count,
          correct: (r) => r.correct,
        }),
      }),
    },
    {
      method: 'get',
      path: '/courses/:course/productions',
      summary: 'Written productions (long-text answers), newest first',
      access: 'instructor token of the course, or API key with analytics/read',
      query: S.RangeQuery,
      response: S.ProductionsResponse,
      cached: true,
      async handler(ctx) {
        const s = await course(ctx);
        const q = ctx.query as z.infer<typeof S.RangeQuery>;
        const facts = await d.stores.analytics.queries.productions(s.tenantId, s.gen, s.course.iri, q);
        const names = s.names
          ? new Map(
              (await d.stores.analytics.queries.learners(s.tenantId, s.gen, s.course.iri, {}, 10)).map(
                (l) => [l.learner, l.name],
              ),
            )
          : new Map<string, string | undefined>();
        return {
          course: s.course.iri,
          productions: facts.map((f) => ({
            statementId: f.statementId,
            learner: f.learner,
            name: names.get(f.learner),
            activity: f.activity,
            ts: f.ts,
            text: f.response ?? '',
            words: (f.response ?? '').split(/\s+/).filter(Boolean).length,
          })),
        };
      },
      csv: (a: z.infer<typeof S.ProductionsResponse>) => ({
        rows: a.productions,
        columns: csvColumns<z.infer<typeof S.ProductionsResponse>['productions'][number]>({
          ts: (r) => r.ts,
          learner: (r) => r.learner,
          name: (r) => r.name,
          activity: (r) => r.activity,
          words: (r) => r.words,
          text: (r) => r.text,
        }),
      }),
    },
    {
      method: 'get',
      path: '/courses/:course/transitions',
      summary: 'Navigation between screens (`experienced` from/to), most frequent first',
      access: 'instructor token of the course, or API key with analytics/read',
      response: S.TransitionsResponse,
      cached: true,
      async handler(ctx) {
        const s = await course(ctx);
        return {
          course: s.course.iri,
          transitions: await d.stores.analytics.queries.transitions(s.tenantId, s.gen, s.course.iri, 500),
        };
      },
      csv: (a: z.infer<typeof S.TransitionsResponse>) => ({
        rows: a.transitions,
        columns: csvColumns<{ from: string; to: string; n: number }>({
          from: (r) => r.from,
          to: (r) => r.to,
          n: (r) => r.n,
        }),
      }),
    },
    {
      method: 'put',
      path: '/courses/:course/roster',
      summary: 'The learners and groups of a course outside an LMS (replaces the API roster)',
      access: 'API key or token with analytics/write for the course',
      body: S.RosterBody,
      response: z.object({ learners: z.number().int(), groups: z.number().int() }),
      async handler(ctx) {
        const s = await course(ctx, 'write');
        const body = ctx.body as z.infer<typeof S.RosterBody>;
        const roster = d.stores.analytics.roster;
        const contextId = s.course.contextId ?? s.course.iri;
        await roster.upsertContext({ tenantId: s.tenantId, contextId, iri: s.course.iri, title: body.title });
        const groups = new Map(
          body.groups.map((g) => [g.id, { groupId: g.id, name: g.name, members: [] as string[] }]),
        );
        for (const l of body.learners) {
          const key = agentKey(l.actor as never);
          if (!key)
            throw new HttpError(400, 'invalid_body', `learner ${l.id}: actor needs account, mbox or openid`);
          await roster.upsertPerson({
            tenantId: s.tenantId,
            userId: l.id,
            actorKey: key,
            ...(d.names && l.name ? { name: l.name } : {}),
          });
          await roster.upsertEnrollment({
            tenantId: s.tenantId,
            contextId,
            userId: l.id,
            role: 'learner',
            source: 'api',
          });
          for (const g of l.groups) {
            const group = groups.get(g) ?? { groupId: g, name: undefined, members: [] };
            group.members.push(l.id);
            groups.set(g, group);
          }
        }
        await roster.setGroups(s.tenantId, contextId, [...groups.values()]);
        await d.invalidate(s.tenantId, s.course.iri);
        return { learners: body.learners.length, groups: groups.size };
      },
    },
    {
      method: 'get',
      path: '/courses/:course/structure',
      summary: 'The declared structure of a course',
      access: 'instructor token of the course, or API key with analytics/read',
      response: S.StructureBody,
      async handler(ctx) {
        const s = await course(ctx);
        const rows = await inputs.structure(s.tenantId, s.course.iri);
        const al = await inputs.alignments(
          s.tenantId,
          rows.map((r) => r.activity),
        );
        const sequences = new Map<string, z.infer<typeof S.StructureBody>['sequences'][number]>();
        for (const r of rows) {
          const seq = sequences.get(r.sequence) ?? { id: r.sequence, title: r.sequenceTitle, activities: [] };
          seq.activities.push({
            id: r.activity,
            title: r.title,
            expectedSeconds: r.expectedSeconds,
            level: r.level as 'maitrise' | undefined,
            competencies: al
              .filter((a) => a.activity === r.activity)
              .map((a) => ({ id: a.competency, weight: a.weight })),
          });
          sequences.set(r.sequence, seq);
        }
        return { sequences: [...sequences.values()] };
      },
    },
    {
      method: 'put',
      path: '/courses/:course/structure',
      summary:
        'Declares the sequences and activities of a course, in order, with expected times, levels and alignments',
      access: 'API key or token with analytics/write for the course',
      body: S.StructureBody,
      response: z.object({
        sequences: z.number().int(),
        activities: z.number().int(),
        alignments: z.number().int(),
      }),
      async handler(ctx) {
        const s = await course(ctx, 'write');
        const body = ctx.body as z.infer<typeof S.StructureBody>;
        const activities = body.sequences.flatMap((seq, i) =>
          seq.activities.map((a, j) => ({
            activity: a.id,
            sequence: seq.id,
            sequenceTitle: seq.title,
            sequencePosition: i + 1,
            position: j + 1,
            title: a.title,
            expectedSeconds: a.expectedSeconds,
            level: a.level,
          })),
        );
        const ids = activities.map((a) => a.activity);
        if (new Set(ids).size !== ids.length) {
          throw new HttpError(400, 'invalid_body', 'an activity appears twice in the structure');
        }
        const aligned = await resolveAlignments(
          d,
          s.tenantId,
          body.sequences.flatMap((seq) =>
            seq.activities.flatMap((a) =>
              a.competencies.map((c) => ({ activity: a.id, competency: c.id, weight: c.weight })),
            ),
          ),
        );
        await inputs.setStructure(s.tenantId, s.course.iri, activities);
        await inputs.setAlignments(
          s.tenantId,
          aligned.map((a) => ({ ...a, source: 'api' as const })),
        );
        await d.projector.realign(s.tenantId, aligned);
        await d.projector.invalidateCourse(s.tenantId, s.course.iri);
        await d.invalidate(s.tenantId, s.course.iri);
        return {
          sequences: body.sequences.length,
          activities: activities.length,
          alignments: aligned.length,
        };
      },
    },
    {
      method: 'get',
      path: '/courses/:course/settings',
      summary: 'The teacher’s settings of a course',
      access: 'instructor token of the course, or API key with analytics/read',
      response: S.SettingsBody,
      handler: async (ctx) => (await course(ctx)).settings,
    },
    {
      method: 'put',
      path: '/courses/:course/settings',
      summary: 'Expected time per activity, thresholds, whether names are shown; the figures follow',
      access: 'API key or token with analytics/write for the course',
      body: S.SettingsBody,
      response: S.SettingsBody,
      async handler(ctx) {
        const s = await course(ctx, 'write');
        const body = ctx.body as z.infer<typeof S.SettingsBody>;
        await inputs.setCourseSettings(s.tenantId, s.course.iri, body, ctx.principal.credentialId);
        await d.projector.invalidateCourse(s.tenantId, s.course.iri);
        await d.invalidate(s.tenantId, s.course.iri);
        return body;
      },
    },
    {
      method: 'post',
      path: '/courses/:course/assessments',
      summary: 'A teacher sets a learner’s level of a competency by hand (kept beside the model’s estimate)',
      access: 'API key or token with analytics/write for the course',
      body: S.AssessmentBody,
      status: 201,
      response: z.object({
        learner: z.string(),
        competency: z.string(),
        level: z.string(),
        assessor: z.string(),
        assessedAt: z.string(),
      }),
      async handler(ctx) {
        const s = await course(ctx, 'write');
        const body = ctx.body as z.infer<typeof S.AssessmentBody>;
        if (!(await isCourseLearner(s, body.learner)))
          throw new HttpError(404, 'learner_not_found', `no learner ${body.learner} in this course`);
        const [competency] = await resolveCompetencies(d, s.tenantId, [body.competency]);
        const a = {
          course: s.course.iri,
          learner: body.learner,
          competency: competency!,
          level: body.level,
          assessor: ctx.principal.credentialId,
          assessedAt: new Date().toISOString(),
          note: body.note,
        };
        await inputs.addAssessment(s.tenantId, a);
        await d.invalidate(s.tenantId, s.course.iri);
        return a;
      },
    },
    {
      method: 'get',
      path: '/frameworks',
      summary: 'The competency frameworks of the tenant',
      access: 'API key with analytics/read, or a token with analytics/read',
      response: z.object({
        frameworks: z.array(
          z.object({
            framework: z.string(),
            title: z.string(),
            source: z.string(),
            items: z.number().int(),
            importedAt: z.string(),
          }),
        ),
      }),
      async handler(ctx) {
        tenantAccess(ctx.principal, 'read');
        return { frameworks: await inputs.frameworks(ctx.principal.tenantId) };
      },
    },
    {
      method: 'post',
      path: '/frameworks',
      summary: 'Imports a framework: 1EdTech CASE JSON, or CSV (code, title, type, domain, expected level)',
      description:
        'Send CASE as application/json, CSV as text/csv with `?framework=<id>&title=<title>`. A CSV may carry an alignment per line in an `activities` column (space-separated activity IRIs).',
      access: 'API key with analytics/write',
      bodyTypes: ['application/json', 'text/csv'],
      query: z
        .object({ framework: z.string().min(1).max(200).optional(), title: z.string().max(500).optional() })
        .strict(),
      status: 201,
      response: S.FrameworkImportResponse,
      async handler(ctx) {
        tenantAccess(ctx.principal, 'write');
        const q = ctx.query as { framework?: string; title?: string };
        let parsed: ReturnType<typeof frameworkFromCsv>;
        if (typeof ctx.body === 'string') {
          if (!q.framework)
            throw new HttpError(400, 'invalid_query', 'a CSV framework needs ?framework=<id>');
          parsed = frameworkFromCsv(ctx.body, q.framework, q.title);
        } else parsed = frameworkFromCase(ctx.body);
        const tenantId = ctx.principal.tenantId;
        const imported = await inputs.importFramework(
          tenantId,
          { framework: parsed.framework, title: parsed.title, source: parsed.source },
          parsed.competencies,
        );
        await d.invalidate(tenantId);
        return {
          framework: parsed.framework,
          title: parsed.title,
          source: parsed.source,
          imported,
          alignments: 0,
        };
      },
    },
    {
      method: 'get',
      path: '/competencies',
      summary: 'The competencies of the tenant',
      access: 'API key with analytics/read, or a token with analytics/read',
      response: z.object({
        competencies: z.array(S.CompetencyInfo.extend({ framework: z.string().optional() })),
      }),
      async handler(ctx) {
        tenantAccess(ctx.principal, 'read');
        const all = await inputs.competencies(ctx.principal.tenantId);
        return { competencies: all.map(({ competency, ...c }) => ({ id: competency, ...c })) };
      },
      csv: (a: {
        competencies: {
          id: string;
          code?: string;
          title: string;
          type?: string;
          domain?: string;
          expectedLevel?: string;
        }[];
      }) => ({
        rows: a.competencies,
        columns: csvColumns<(typeof a.competencies)[number]>({
          id: (r) => r.id,
          code: (r) => r.code,
          title: (r) => r.title,
          type: (r) => r.type,
          domain: (r) => r.domain,
          expectedLevel: (r) => r.expectedLevel,
        }),
      }),
    },
    {
      method: 'get',
      path: '/alignments',
      summary: 'Activities aligned to competencies, with weights',
      access: 'API key with analytics/read, or a token with analytics/read',
      response: z.object({
        alignments: z.array(
          z.object({ activity: z.string(), competency: z.string(), weight: z.number(), source: z.string() }),
        ),
      }),
      async handler(ctx) {
        tenantAccess(ctx.principal, 'read');
        return { alignments: await inputs.alignments(ctx.principal.tenantId) };
      },
      csv: (a: {
        alignments: { activity: string; competency: string; weight: number; source: string }[];
      }) => ({
        rows: a.alignments,
        columns: csvColumns<(typeof a.alignments)[number]>({
          activity: (r) => r.activity,
          competency: (r) => r.competency,
          weight: (r) => r.weight,
          source: (r) => r.source,
        }),
      }),
    },
    {
      method: 'put',
      path: '/alignments',
      summary:
        'Aligns activities to competencies (JSON, or CSV with activity, competency, weight); mastery is refolded',
      access: 'API key with analytics/write',
      body: S.AlignmentsBody,
      bodyTypes: ['application/json', 'text/csv'],
      response: z.object({ alignments: z.number().int(), refolded: z.number().int() }),
      async handler(ctx) {
        tenantAccess(ctx.principal, 'write');
        const body = ctx.body as z.infer<typeof S.AlignmentsBody>;
        const tenantId = ctx.principal.tenantId;
        const aligned = await resolveAlignments(d, tenantId, body.alignments);
        await inputs.setAlignments(
          tenantId,
          aligned.map((a) => ({ ...a, source: 'api' as const })),
        );
        const refolded = await d.projector.realign(tenantId, aligned);
        await d.invalidate(tenantId);
        return { alignments: aligned.length, refolded };
      },
    },
    {
      method: 'put',
      path: '/settings/mastery',
      summary:
        'The tenant’s BKT parameters (P(L0), P(T), P(G), P(S)); statements projected from then on use them',
      description: 'Run `kairos reproject` to refit figures already projected.',
      access: 'API key with analytics/write',
      body: S.MasterySettingsBody,
      response: S.MasterySettingsBody,
      async handler(ctx) {
        tenantAccess(ctx.principal, 'write');
        const body = ctx.body as z.infer<typeof S.MasterySettingsBody>;
        const current = await inputs.tenantSettings(ctx.principal.tenantId);
        await inputs.setTenantSettings(ctx.principal.tenantId, {
          ...current,
          bkt: { ...current.bkt, ...body },
        });
        return { ...current.bkt, ...body };
      },
    },
  ];
}

/** Column accessors typed by row. */
function csvColumns<T>(
  columns: Record<string, (row: T) => unknown>,
): Record<string, (row: never) => unknown> {
  return columns as Record<string, (row: never) => unknown>;
}

/** Competency IRIs of references that are IRIs or codes of the tenant's frameworks. */
async function resolveCompetencies(d: ApiDeps, tenantId: string, refs: string[]): Promise<string[]> {
  const all = await d.stores.analytics.inputs.competencies(tenantId);
  const byCode = new Map<string, string[]>();
  for (const c of all) if (c.code) byCode.set(c.code, [...(byCode.get(c.code) ?? []), c.competency]);
  return refs.map((ref) => {
    if (all.some((c) => c.competency === ref)) return ref;
    const found = byCode.get(ref) ?? [];
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      throw new HttpError(
        400,
        'ambiguous_competency',
        `code ${ref} names ${found.length} competencies: use the IRI`,
      );
    }
    if (/^[a-z][\w+.-]*:/i.test(ref)) return ref;
    throw new HttpError(
      400,
      'unknown_competency',
      `no competency ${ref}: import its framework first (POST /api/v1/frameworks), or give its IRI`,
    );
  });
}

async function resolveAlignments(
  d: ApiDeps,
  tenantId: string,
  rows: { activity: string; competency: string; weight: number }[],
): Promise<{ activity: string; competency: string; weight: number }[]> {
  const iris = await resolveCompetencies(
    d,
    tenantId,
    rows.map((r) => r.competency),
  );
  return rows.map((r, i) => ({ activity: r.activity, competency: iris[i]!, weight: r.weight }));
}

/** Alignments from CSV text: `activity,competency,weight` (weight optional, 1). */
export function alignmentsFromCsv(rows: Record<string, string>[]): z.infer<typeof S.AlignmentsBody> {
  return {
    alignments: rows.map((r, i) => {
      const weight = r.weight ? Number(r.weight.replace(',', '.')) : 1;
      if (!r.activity || !r.competency || !Number.isFinite(weight) || weight < 0 || weight > 1) {
        throw new HttpError(
          400,
          'invalid_body',
          `line ${i + 2}: needs activity, competency and a weight between 0 and 1`,
        );
      }
      return { activity: r.activity, competency: r.competency, weight };
    }),
  };
}

export { competencyIri, parse, toCsv };
