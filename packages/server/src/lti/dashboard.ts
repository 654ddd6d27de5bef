import express, { type Request, type Response, Router } from 'express';
import { verifyBearer } from '../auth/authenticate.js';
import { HttpError } from '../errors.js';
import { courseIri } from '../iris.js';
import type { RosterMember, StatementRecord } from '../storage/types.js';
import type { ScoreJob, ScoreQueue } from './ags-queue.js';
import type { LtiDeps } from './deps.js';
import { esc, page, scriptJson } from './pages.js';

/** One row of the context view. */
export interface DashboardRow {
  userId: string;
  name?: string;
  role: RosterMember['role'];
  status: string;
  launches: RosterMember['launches'];
  statements: number;
  lastStatement?: { verb: string; object: string; timestamp: string };
  lastScore?: { scaled?: number; raw?: number; max?: number; timestamp: string };
  started: boolean;
}

/** The context view an instructor sees until the analytics dashboard lands. */
export interface DashboardView {
  context: { id: string; title?: string; label?: string; iri: string; rosterSyncedAt?: string };
  rows: DashboardRow[];
  /** Grade passback of this context: sent, queued and failing score posts. */
  grades: Pick<
    ScoreJob,
    'resourceLinkId' | 'status' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'sentAt' | 'score'
  >[];
}

/** The statement fields the view reads. */
interface StatementShape {
  verb?: { id?: string; display?: Record<string, string> };
  object?: { id?: string; definition?: { name?: Record<string, string> } };
  result?: { score?: { scaled?: number; raw?: number; max?: number } };
  timestamp?: string;
  stored?: string;
}

const display = (map: unknown, fallback: string) => {
  const m = map as Record<string, string> | undefined;
  return m?.['en-US'] ?? m?.en ?? (m && Object.values(m)[0]) ?? fallback;
};
const tail = (iri: string) => iri.replace(/\/+$/, '').split(/[/#]/).pop() ?? iri;

/** Builds the view: roster from the analytics store, latest statements and scores from the LRS. */
export async function dashboardView(
  deps: LtiDeps,
  tenantId: string,
  contextId: string,
  queue?: ScoreQueue,
): Promise<DashboardView> {
  const roster = deps.stores.analytics.roster;
  const iri = courseIri(deps.publicUrl, tenantId, contextId);
  const context = (await roster.getContext(tenantId, contextId)) ?? { tenantId, contextId, iri };
  const members = await roster.members(tenantId, contextId);
  // Newest first; a request reads at most 1000 statements of the course (the analytics API will replace this).
  const records: StatementRecord[] = await deps.stores.record.statements.query(tenantId, {
    terms: [`ro:${iri}`],
    ascending: false,
    limit: 1000,
  });
  const byActor = new Map<string, StatementRecord[]>();
  for (const r of records) {
    if (!r.actorKey) continue;
    byActor.set(r.actorKey, [...(byActor.get(r.actorKey) ?? []), r]);
  }
  const rows = members.map((m): DashboardRow => {
    const mine = (m.actorKey && byActor.get(m.actorKey)) || [];
    const last = mine[0]?.statement as StatementShape | undefined;
    const scored = mine.find((r) => (r.statement as StatementShape).result?.score)?.statement as
      | StatementShape
      | undefined;
    return {
      userId: m.userId,
      name: m.name ?? ([m.givenName, m.familyName].filter(Boolean).join(' ') || undefined),
      role: m.role,
      status: m.status,
      launches: m.launches,
      statements: mine.length,
      lastStatement: last && {
        verb: display(last.verb?.display, tail(String(last.verb?.id))),
        object: display(last.object?.definition?.name, String(last.object?.id ?? '')),
        timestamp: String(last.timestamp ?? last.stored),
      },
      lastScore: scored?.result?.score && {
        scaled: scored.result.score.scaled,
        raw: scored.result.score.raw,
        max: scored.result.score.max,
        timestamp: String(scored.timestamp ?? scored.stored),
      },
      started: m.launches.length > 0 || mine.length > 0,
    };
  });
  return {
    context: {
      id: contextId,
      title: context.title,
      label: context.label,
      iri,
      rosterSyncedAt: context.rosterSyncedAt,
    },
    rows,
    grades: ((await queue?.ofContext(tenantId, contextId)) ?? []).map((j) => ({
      resourceLinkId: j.resourceLinkId,
      status: j.status,
      attempts: j.attempts,
      lastError: j.lastError,
      nextAttemptAt: j.nextAttemptAt,
      sentAt: j.sentAt,
      score: j.score,
    })),
  };
}

function score(s: DashboardRow['lastScore']): string {
  if (!s) return '—';
  if (s.raw !== undefined && s.max !== undefined) return `${s.raw} / ${s.max}`;
  if (s.scaled !== undefined) return `${Math.round(s.scaled * 100)} %`;
  return String(s.raw ?? '—');
}

function grades(view: DashboardView, token: string): string {
  if (view.grades.length === 0) return '';
  const name = (id: string) => view.rows.find((r) => r.userId === id)?.name ?? id;
  const failing = view.grades.filter((g) => g.status === 'retrying').length;
  const rows = view.grades
    .map(
      (
        g,
      ) => `<tr class="grade-${g.status}"><td>${esc(name(g.score.userId))}</td><td>${g.score.scoreGiven ?? '—'} / ${g.score.scoreMaximum ?? '—'}</td>
<td>${esc(g.status)}${g.status === 'retrying' ? ` (attempt ${g.attempts}, next ${esc(g.nextAttemptAt)})<br><span class="muted">${esc(g.lastError ?? '')}</span>` : ''}</td></tr>`,
    )
    .join('');
  const retry = failing
    ? `<form method="post" action="/dashboard/grades/retry"><input type="hidden" name="token" value="${esc(token)}">
<p role="status">${failing} score(s) could not reach the grade book yet; Kairos keeps retrying. <button type="submit">Retry now</button></p></form>`
    : '';
  return `<h2>Grade book</h2>${retry}
<table><thead><tr><th scope="col">Learner</th><th scope="col">Score</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function render(view: DashboardView, token: string): string {
  const learners = view.rows.filter((r) => r.role === 'learner');
  const notStarted = learners.filter((r) => !r.started).length;
  const rows = learners
    .map(
      (
        r,
      ) => `<tr data-user="${esc(r.userId)}"><td>${esc(r.name ?? r.userId)}${r.status !== 'active' ? ` <span class="muted">(${esc(r.status)})</span>` : ''}</td>
<td>${r.launches.map((l) => `${esc(l.title ?? l.resourceLinkId)} ×${l.count}`).join('<br>') || '<span class="muted">never started</span>'}</td>
<td>${r.lastStatement ? `${esc(r.lastStatement.verb)} ${esc(r.lastStatement.object)}<br><span class="muted">${esc(r.lastStatement.timestamp)}</span>` : '—'}</td>
<td class="score">${esc(score(r.lastScore))}</td><td>${r.statements}</td></tr>`,
    )
    .join('');
  return page(
    `Kairos — ${view.context.title ?? view.context.id}`,
    `<main><h1>${esc(view.context.title ?? view.context.id)}</h1>
<p class="muted">${learners.length} learners · ${notStarted} never started${view.context.rosterSyncedAt ? ` · roster synced ${esc(view.context.rosterSyncedAt)}` : ' · roster not synced yet (names appear as learners launch)'}</p>
<table><thead><tr><th scope="col">Learner</th><th scope="col">Launched</th><th scope="col">Latest statement</th><th scope="col">Latest score</th><th scope="col">Statements</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5">No learner yet.</td></tr>'}</tbody></table>${grades(view, token)}</main>
<script type="application/json" id="kairos-dashboard">${scriptJson({ endpoint: '/api/v1', token, context: view.context })}</script>`,
  );
}

// Tokens minted by an API key die with it (auth/key-cache.ts); launch tokens need only their signature.
const bearerOptions = (deps: LtiDeps) => ({
  secret: deps.secret,
  publicUrl: deps.publicUrl,
  credentials: deps.stores.record.credentials,
  cache: deps.stores.cache,
});

/**
 * `/dashboard`: the instructor's view of one context, opened by the launch (form POST of the minted token)
 * or with `Authorization: Bearer`. HTML for browsers, JSON for `Accept: application/json`.
 */
export function dashboardRouter(deps: LtiDeps, queue?: ScoreQueue): Router {
  const router = Router();
  router.use('/dashboard', express.urlencoded({ extended: false, limit: '16kb' }));
  const handle = async (req: Request, res: Response) => {
    const token =
      (typeof req.body?.token === 'string' ? req.body.token : undefined) ??
      /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token)
      throw new HttpError(401, 'token_required', 'open the dashboard from your course (LTI launch)');
    const claims = await verifyBearer(bearerOptions(deps), token);
    if (!claims.scopes.includes('analytics/read') || !claims.contextId) {
      throw new HttpError(
        403,
        'not_instructor',
        'the dashboard needs an instructor launch token for a course',
      );
    }
    const view = await dashboardView(deps, claims.tenantId, claims.contextId, queue);
    res.setHeader('Cache-Control', 'no-store');
    if (req.accepts(['html', 'json']) === 'json') return void res.json(view);
    res.type('html').send(render(view, token));
  };
  router.post('/dashboard', handle);
  // The instructor's "Retry now": failing score posts become due at once, then the dashboard again.
  router.post(
    '/dashboard/grades/retry',
    express.urlencoded({ extended: false, limit: '16kb' }),
    async (req, res, next) => {
      const claims = await verifyBearer(bearerOptions(deps), String(req.body?.token ?? ''));
      if (!claims.scopes.includes('analytics/read') || !claims.contextId) {
        throw new HttpError(403, 'not_instructor', 'retrying grade posts needs an instructor launch token');
      }
      const n = (await queue?.retryNow(claims.tenantId, claims.contextId)) ?? 0;
      res.locals.log?.info(
        { tenantId: claims.tenantId, contextId: claims.contextId, n },
        'grade posts retried by instructor',
      );
      await handle(req, res).catch(next);
    },
  );
  router.get('/dashboard', handle);
  return router;
}
