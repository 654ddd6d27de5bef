import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import { authenticate } from '../../auth/authenticate.js';
import type { Principal } from '../../auth/principal.js';
import { HttpError } from '../../errors.js';
import { Forwarders, forwarderStatus } from '../../forward/index.js';
import type { ScoreJob, ScoreQueue } from '../../lti/ags-queue.js';
import { esc, ltiErrors, page } from '../../lti/pages.js';
import type { Fact, RosterMember } from '../../storage/types.js';
import type * as S from '../api/schemas.js';
import { courseScope, type ScopeDeps } from '../api/scope.js';
import { learnersOf, learnersView, overviewView, stuckPointsView } from '../api/views.js';

/** One learner row of the course page. */
export interface DashboardRow {
  /** Agent key. */
  learner: string;
  userId?: string;
  name?: string;
  role: RosterMember['role'];
  status: string;
  launches: RosterMember['launches'];
  statements: number;
  started: boolean;
  lastSeen?: string;
  lastStatement?: { verb: string; object: string; timestamp: string };
  lastScore?: { scaled?: number; raw?: number; max?: number; timestamp: string };
  flags: string[];
}

/** The course page's data (also served as JSON). */
export interface DashboardView {
  context: { id: string; title?: string; iri: string; rosterSyncedAt?: string };
  overview: z.infer<typeof S.Overview>;
  stuckPoints: z.infer<typeof S.StuckPoint>[];
  rows: DashboardRow[];
  /** The roster groups the dashboard filters by. */
  groups: { id: string; name?: string }[];
  /** Grade passback of this course: sent, queued and failing score posts. */
  grades: Pick<
    ScoreJob,
    'resourceLinkId' | 'status' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'sentAt' | 'score'
  >[];
  /** Statement forwarding of the platform (tenant) to other LRSs: where to, and how it goes. */
  forwarding: {
    host: string;
    status: 'ok' | 'failing';
    pending: number;
    forwarded: number;
    lastSentAt?: string;
    failingSince?: string;
    lastError?: string;
  }[];
}

const tail = (iri: string) => iri.replace(/\/+$/, '').split(/[/#]/).pop() ?? iri;

function lastScore(f: Fact | undefined): DashboardRow['lastScore'] {
  if (!f) return undefined;
  return { scaled: f.score?.scaled ?? f.credit, raw: f.score?.raw, max: f.score?.max, timestamp: f.ts };
}

/** Builds the course page from the analytics API's views, the roster and the grade queue. */
export async function dashboardView(
  d: ScopeDeps,
  p: Principal,
  queue: ScoreQueue,
  forwarders?: Forwarders,
): Promise<DashboardView> {
  if (p.actorKey !== undefined || p.contextIri === undefined || !p.scopes.includes('analytics/read')) {
    throw new HttpError(
      403,
      'not_instructor',
      'the dashboard needs an instructor token for a course (an LTI launch)',
    );
  }
  const s = await courseScope(d, p, p.contextId ?? p.contextIri, {}, 'read');
  const roster = d.stores.analytics.roster;
  const contextId = s.course.contextId ?? s.course.iri;
  const context = await roster.getContext(s.tenantId, contextId);
  const members = await roster.members(s.tenantId, contextId);
  // the learner rows and stuck points are read once for the three views built from them
  const rowsOfCourse = await learnersOf(s);
  const [learners, stuck, latest] = [
    await learnersView(s, rowsOfCourse),
    await stuckPointsView(s, rowsOfCourse),
    await d.stores.analytics.queries.latest(s.tenantId, s.gen, s.course.iri),
  ];
  const byKey = new Map(learners.learners.map((l) => [l.learner, l]));
  const names = new Map(
    (await d.stores.analytics.queries.activities(s.tenantId, s.gen, s.course.iri)).map((a) => [
      a.activity,
      a.title,
    ]),
  );
  const rowOf = (key: string, m?: RosterMember): DashboardRow => {
    const l = byKey.get(key);
    const last = latest.get(key);
    return {
      learner: key,
      userId: m?.userId ?? l?.userId,
      name: s.names
        ? (m?.name ?? ([m?.givenName, m?.familyName].filter(Boolean).join(' ') || l?.name))
        : undefined,
      role: m?.role ?? 'learner',
      status: m?.status ?? 'active',
      launches: m?.launches ?? [],
      statements: l?.statements ?? 0,
      started: (m?.launches.length ?? 0) > 0 || Boolean(l?.started),
      lastSeen: l?.lastSeen,
      lastStatement: last && {
        verb: tail(last.last.verb),
        object: names.get(last.last.activity) ?? last.last.activity,
        timestamp: last.last.ts,
      },
      lastScore: lastScore(last?.scored),
      flags: l?.raised ?? [],
    };
  };
  const seen = new Set<string>();
  const rows = members.map((m) => {
    if (m.actorKey) seen.add(m.actorKey);
    return rowOf(m.actorKey ?? `user:${m.userId}`, m);
  });
  for (const l of learners.learners) if (!seen.has(l.learner)) rows.push(rowOf(l.learner));
  const overview = await overviewView(
    s,
    {
      id: contextId,
      iri: s.course.iri,
      contextId: s.course.contextId,
      title: context?.title,
      learners: learners.learners.length,
    },
    { learners: rowsOfCourse, stuck },
  );
  return {
    context: {
      id: contextId,
      title: context?.title,
      iri: s.course.iri,
      rosterSyncedAt: context?.rosterSyncedAt,
    },
    overview,
    stuckPoints: stuck.activities,
    rows,
    groups: (await roster.groups(s.tenantId, contextId)).map((g) => ({ id: g.groupId, name: g.name })),
    grades: (await queue.ofContext(s.tenantId, contextId)).map((j) => ({
      resourceLinkId: j.resourceLinkId,
      status: j.status,
      attempts: j.attempts,
      lastError: j.lastError,
      nextAttemptAt: j.nextAttemptAt,
      sentAt: j.sentAt,
      score: j.score,
    })),
    forwarding: forwarders
      ? (await forwarderStatus(d.stores, forwarders, s.tenantId)).map((f) => ({
          host: new URL(f.endpoint).host,
          status: f.status,
          pending: f.pending,
          forwarded: f.forwarded,
          lastSentAt: f.lastSentAt,
          failingSince: f.failingSince,
          lastError: f.lastError?.slice(0, 200),
        }))
      : [],
  };
}

function score(s: DashboardRow['lastScore']): string {
  if (!s) return '—';
  if (s.raw !== undefined && s.max !== undefined) return `${s.raw} / ${s.max}`;
  if (s.scaled !== undefined) return `${Math.round(s.scaled * 100)} %`;
  return String(s.raw ?? '—');
}

const STRINGS = {
  en: {
    roster: (n: number) => `Roster (${n} learner${n === 1 ? '' : 's'})`,
    synced: (at: string) => `roster synced ${at}`,
    notSynced: 'roster not synced yet (names appear as learners launch)',
    rosterLink: 'Roster and grade book',
    learner: 'Learner',
    launched: 'Launched',
    latest: 'Latest statement',
    latestScore: 'Latest score',
    flags: 'Flags',
    never: 'never started',
    none: 'No learner yet.',
    gradeBook: 'Grade book',
    score: 'Score',
    status: 'Status',
    failing: (n: number) => `${n} score(s) could not reach the grade book yet; Kairos keeps retrying.`,
    retry: 'Retry now',
    states: { pending: 'queued', sending: 'sending', retrying: 'retrying', sent: 'sent' } as Record<
      string,
      string
    >,
    attempt: (n: number, next: string) => `attempt ${n}, next ${next}`,
    forwarding: 'Forwarding to other LRSs',
    forwardOk: (host: string, n: number, pending: number) =>
      `${host}: ${n} statement(s) forwarded, ${pending === 0 ? 'up to date' : `${pending} waiting`}.`,
    forwardFailing: (host: string, since: string, pending: number) =>
      `${host} has not accepted statements since ${since}; ${pending} wait, none are lost, Kairos keeps retrying.`,
    flagNames: {
      struggling: 'struggling',
      stuck: 'stuck',
      wheelSpinning: 'wheel-spinning',
      abandoned: 'abandoned',
      rapidGuessing: 'rapid guessing',
    } as Record<string, string>,
  },
  fr: {
    roster: (n: number) => `Liste de la classe (${n} élève${n > 1 ? 's' : ''})`,
    synced: (at: string) => `liste synchronisée ${at}`,
    notSynced: 'liste pas encore synchronisée (les noms apparaissent aux lancements)',
    rosterLink: 'Liste et carnet de notes',
    learner: 'Élève',
    launched: 'Lancé',
    latest: 'Dernière trace',
    latestScore: 'Dernier score',
    flags: 'Signaux',
    never: 'jamais commencé',
    none: "Aucun élève pour l'instant.",
    gradeBook: 'Carnet de notes',
    score: 'Score',
    status: 'État',
    failing: (n: number) => `${n} note(s) n'ont pas encore atteint le carnet de notes ; Kairos réessaie.`,
    retry: 'Réessayer maintenant',
    states: {
      pending: 'en attente',
      sending: 'en cours d’envoi',
      retrying: 'nouvel essai prévu',
      sent: 'envoyée',
    } as Record<string, string>,
    attempt: (n: number, next: string) => `essai ${n}, prochain ${next}`,
    forwarding: 'Transfert vers d’autres LRS',
    forwardOk: (host: string, n: number, pending: number) =>
      `${host} : ${n} trace(s) transférée(s), ${pending === 0 ? 'à jour' : `${pending} en attente`}.`,
    forwardFailing: (host: string, since: string, pending: number) =>
      `${host} n’accepte plus les traces depuis ${since} ; ${pending} attendent, aucune n’est perdue, Kairos réessaie.`,
    flagNames: {
      struggling: 'en difficulté',
      stuck: 'bloqué',
      wheelSpinning: 'tourne en rond',
      abandoned: 'abandon',
      rapidGuessing: 'réponses au hasard',
    } as Record<string, string>,
  },
};

function gradesTable(view: DashboardView, token: string, lang: 'en' | 'fr'): string {
  const s = STRINGS[lang];
  if (view.grades.length === 0) return '';
  const name = (id: string) => view.rows.find((r) => r.userId === id)?.name ?? id;
  const failing = view.grades.filter((g) => g.status === 'retrying').length;
  const rows = view.grades
    .map(
      (
        g,
      ) => `<tr class="grade-${g.status}"><td>${esc(name(g.score.userId))}</td><td>${g.score.scoreGiven ?? '—'} / ${g.score.scoreMaximum ?? '—'}</td>
<td>${esc(s.states[g.status] ?? g.status)}${g.status === 'retrying' ? ` (${esc(s.attempt(g.attempts, g.nextAttemptAt ?? '—'))})<br><span class="muted">${esc(g.lastError ?? '')}</span>` : ''}</td></tr>`,
    )
    .join('');
  const retry = failing
    ? `<form method="post" action="/dashboard/grades/retry"><input type="hidden" name="token" value="${esc(token)}"><input type="hidden" name="lang" value="${esc(lang)}">
<p role="status">${esc(s.failing(failing))} <button type="submit">${esc(s.retry)}</button></p></form>`
    : '';
  return `<h3>${esc(s.gradeBook)}</h3>${retry}
<table><thead><tr><th scope="col">${esc(s.learner)}</th><th scope="col">${esc(s.score)}</th><th scope="col">${esc(s.status)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function forwardingList(view: DashboardView, lang: 'en' | 'fr'): string {
  const s = STRINGS[lang];
  if (view.forwarding.length === 0) return '';
  const items = view.forwarding
    .map((f) =>
      f.status === 'failing'
        ? `<li class="forward-failing" role="status">${esc(s.forwardFailing(f.host, f.failingSince ?? '—', f.pending))}<br><span class="muted">${esc(f.lastError ?? '')}</span></li>`
        : `<li class="forward-ok">${esc(s.forwardOk(f.host, f.forwarded, f.pending))}</li>`,
    )
    .join('');
  return `<h3>${esc(s.forwarding)}</h3><ul class="forwarding">${items}</ul>`;
}

function rosterTable(view: DashboardView, lang: 'en' | 'fr'): string {
  const s = STRINGS[lang];
  const rows = view.rows
    .filter((r) => r.role === 'learner')
    .map(
      (
        r,
      ) => `<tr data-user="${esc(r.userId ?? r.learner)}"><td>${esc(r.name ?? r.userId ?? r.learner)}${r.status !== 'active' ? ` <span class="muted">(${esc(r.status)})</span>` : ''}</td>
<td>${r.launches.map((l) => `${esc(l.title ?? l.resourceLinkId)} ×${l.count}`).join('<br>') || (r.started ? '—' : `<span class="muted">${esc(s.never)}</span>`)}</td>
<td>${r.lastStatement ? `${esc(r.lastStatement.verb)} ${esc(r.lastStatement.object)}<br><span class="muted">${esc(r.lastStatement.timestamp)}</span>` : '—'}</td>
<td class="score">${esc(score(r.lastScore))}</td><td>${esc(r.flags.map((f) => s.flagNames[f] ?? f).join(', ') || '—')}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th scope="col">${esc(s.learner)}</th><th scope="col">${esc(s.launched)}</th><th scope="col">${esc(s.latest)}</th><th scope="col">${esc(s.latestScore)}</th><th scope="col">${esc(s.flags)}</th></tr></thead>
<tbody>${rows || `<tr><td colspan="5">${esc(s.none)}</td></tr>`}</tbody></table>`;
}

function render(view: DashboardView, token: string, publicUrl: string, lang: 'en' | 'fr'): string {
  const s = STRINGS[lang];
  const title = view.context.title ?? view.context.id;
  const learners = view.rows.filter((r) => r.role === 'learner').length;
  const synced = view.context.rosterSyncedAt ? s.synced(view.context.rosterSyncedAt) : s.notSynced;
  return page(
    `Kairos — ${title}`,
    `<style>body{max-width:none;margin:0;padding:1rem}@media(max-width:30rem){body{padding:.5rem}}
#roster{margin-top:2rem}table{font-size:.95rem}.table-wrap{overflow-x:auto}</style>
<main><kairos-dashboard endpoint="${esc(publicUrl)}/api/v1" token="${esc(token)}" course="${esc(view.context.id)}" groups="${esc(JSON.stringify(view.groups))}">
<a slot="actions" href="#roster">${esc(s.rosterLink)}</a></kairos-dashboard>
<section id="roster" aria-labelledby="roster-title"><h2 id="roster-title">${esc(s.rosterLink)}</h2>
${gradesTable(view, token, lang)}<details><summary>${esc(s.roster(learners))}</summary>
<p class="muted">${esc(synced)}</p><div class="table-wrap">${rosterTable(view, lang)}</div></details>${forwardingList(view, lang)}</section></main>
<script type="module" src="${esc(publicUrl)}/elements/kairos-dashboard.js"></script>`,
    lang,
  );
}

/**
 * `/dashboard`: an instructor's view of one course, opened by an LTI launch (form POST of the minted
 * token) or with `Authorization: Bearer` (a site's backend mints instructor tokens for its own pages).
 * HTML for browsers, JSON for `Accept: application/json`. Read from the analytics API's views, never
 * from raw statements.
 */
export function dashboardRouter(d: ScopeDeps & { secret: string }, queue: ScoreQueue): Router {
  const router = Router();
  const forwarders = new Forwarders(d.stores.record.keyed, d.secret);
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  // the launch hands the token over in the form; the API's authentication reads it as a Bearer
  const tokenFromForm = (req: Request, _res: Response, next: NextFunction) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : undefined;
    if (token && !req.get('authorization')) req.headers.authorization = `Bearer ${token}`;
    if (!req.get('authorization')) {
      return next(new HttpError(401, 'token_required', 'open the dashboard from your course (LTI launch)'));
    }
    next();
  };
  const auth = authenticate({
    credentials: d.stores.record.credentials,
    secret: d.secret,
    publicUrl: d.publicUrl,
    cache: d.stores.cache,
  });
  const handle = async (req: Request, res: Response) => {
    const view = await dashboardView(d, res.locals.principal, queue, forwarders);
    res.setHeader('Cache-Control', 'no-store');
    if (req.accepts(['html', 'json']) === 'json') return void res.json(view);
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    const asked = String(req.body?.lang ?? req.query.lang ?? req.acceptsLanguages('en', 'fr') ?? 'en');
    const lang = asked.slice(0, 2) === 'fr' ? 'fr' : 'en';
    res.type('html').send(render(view, token, d.publicUrl, lang));
  };
  router.get('/dashboard', tokenFromForm, auth, handle);
  router.post('/dashboard', form, tokenFromForm, auth, handle);
  // The instructor's "Retry now": failing score posts become due at once, then the dashboard again.
  router.post('/dashboard/grades/retry', form, tokenFromForm, auth, async (req, res) => {
    const p = res.locals.principal;
    if (p.actorKey !== undefined || !p.contextId || !p.scopes.includes('analytics/read')) {
      throw new HttpError(403, 'not_instructor', 'retrying grade posts needs an instructor launch token');
    }
    const n = await queue.retryNow(p.tenantId, p.contextId);
    res.locals.log?.info(
      { tenantId: p.tenantId, contextId: p.contextId, n },
      'grade posts retried by instructor',
    );
    await handle(req, res);
  });
  router.use('/dashboard', ltiErrors());
  return router;
}
