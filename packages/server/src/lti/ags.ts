import type { Registry } from 'prom-client';
import { scrapedGauge } from '../metrics/index.js';
import type { PendingGrade } from '../storage/types.js';
import { withDeadline } from '../util/deadline.js';
import { type AgsScore, ScoreQueue } from './ags-queue.js';
import type { LtiDeps } from './deps.js';
import { linkServices } from './service-records.js';

/** Channel on which the projection says graded results changed (grade passback wakes on it). */
export const GRADES_CHANNEL = 'kairos:grades';
const PENDING_PAGE = 500;
/** A score post (token request included) not answered within this is given up and tried again later. */
export const POST_TIMEOUT_MS = 15_000;

/** The score a graded result earns on a line item (Moodle: scoreMaximum always with scoreGiven; AGS §3.4). */
export function scoreOf(
  g: Pick<PendingGrade, 'score' | 'credit' | 'success' | 'completion' | 'ts'>,
  userId: string,
  scoreMaximum?: number,
): AgsScore {
  const sc = g.score;
  let given: number | undefined;
  let max: number | undefined;
  if (sc?.raw !== undefined && sc.max !== undefined) {
    given = sc.raw - (sc.min ?? 0);
    max = sc.max - (sc.min ?? 0);
  } else if (g.credit !== undefined) {
    max = scoreMaximum ?? 1;
    given = g.credit * max;
  } else if (g.success !== undefined || g.completion) {
    max = scoreMaximum ?? 1;
    given = g.success === false ? 0 : max;
  }
  return {
    userId,
    ...(given !== undefined ? { scoreGiven: given, scoreMaximum: max } : {}),
    timestamp: new Date(g.ts).toISOString(),
    activityProgress: 'Completed',
    gradingProgress: given !== undefined ? 'FullyGraded' : 'Pending',
  };
}

/** The LTI user of an agent key `account:<homePage>|<name>` on platform `issuer`, if it is one. */
function ltiUser(learner: string, issuer: string): string | undefined {
  const prefix = `account:${issuer}|`;
  return learner.startsWith(prefix) ? learner.slice(prefix.length) : undefined;
}

/** What a failed post says about its platform: `unreachable` when it did not answer, or answered 5xx/429. */
function failureOf(error: unknown): { detail: string; unreachable: boolean } {
  const e = error as { response?: { statusCode?: number; body?: unknown }; message?: string };
  if (!e.response) return { detail: String(e.message), unreachable: true };
  const status = e.response.statusCode ?? 0;
  return {
    detail: `HTTP ${status}: ${String(e.response.body).slice(0, 200)}`,
    unreachable: status >= 500 || status === 429,
  };
}

/**
 * Grade passback, driven by the projection: the projection keeps each learner's latest graded result
 * (passed, failed, completed) per graded resource link; this job hands the changed ones to the durable
 * {@link ScoreQueue} (one per line item and learner, never a stale score over a newer one) and posts them
 * with ltijs' AGS client, retrying with backoff. Woken by the projection, with a slow poll as fallback;
 * it never reads the LRS.
 *
 * A platform that is down costs one post per pass: once a post finds it unreachable (no answer within
 * `postTimeoutMs`, a refused connection, 5xx, 429), its other due scores wait for the next pass. The first
 * post it answers again makes all its waiting scores due at once, so they follow within a pass of its return.
 */
export function gradePassback(deps: LtiDeps, options: { everyMs?: number; postTimeoutMs?: number } = {}) {
  const queue = new ScoreQueue(deps.keyed);
  const postTimeoutMs = options.postTimeoutMs ?? POST_TIMEOUT_MS;
  /** Tenants whose platform this process found unreachable, until one of its posts goes through. */
  const failing = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let unsubscribe: (() => Promise<void>) | undefined;

  /** Hands the projection's changed graded results of every registered platform to the score queue. */
  async function collect(): Promise<void> {
    for (const registration of await deps.registry.list()) {
      for (;;) {
        const pending = await deps.stores.analytics.queries.pendingGrades(
          registration.tenantId,
          PENDING_PAGE,
        );
        if (pending.length === 0) break;
        for (const g of pending) await consider(registration.issuer, g);
        await deps.stores.analytics.queries.gradesHanded(pending);
        if (pending.length < PENDING_PAGE) break;
      }
    }
  }

  async function consider(issuer: string, g: PendingGrade): Promise<void> {
    const userId = ltiUser(g.learner, issuer);
    if (!userId) return;
    const link = await linkServices(deps.keyed, g.tenantId, g.link);
    if (!link?.lineItemUrl) return;
    // Only learners get grades (Moodle answers 400 for anyone not gradable).
    const members = await deps.stores.analytics.roster.members(g.tenantId, link.contextId);
    const member = members.find((m) => m.userId === userId);
    if (member && member.role !== 'learner') return;
    await queue.enqueue({
      tenantId: g.tenantId,
      contextId: link.contextId,
      resourceLinkId: link.resourceLinkId,
      lineItemUrl: link.lineItemUrl,
      score: scoreOf(g, userId, link.scoreMaximum),
      statementId: g.statementId,
    });
  }

  async function send(): Promise<void> {
    /** Tenants whose platform did not answer in this pass: their other scores wait for the next one. */
    const unreachable = new Set<string>();
    for (const job of await queue.due()) {
      if (unreachable.has(job.tenantId)) continue;
      if (!(await queue.claim(job))) continue;
      const registration = await deps.registry.get(job.tenantId);
      try {
        if (!registration) throw new Error('platform no longer registered');
        await withDeadline(
          deps.lti.Grade.submitScore(
            { iss: registration.issuer, clientId: registration.clientId, user: job.score.userId },
            job.lineItemUrl,
            { ...job.score },
          ),
          postTimeoutMs,
          'score post',
        );
        await queue.settle(job, { ok: true });
        if (failing.delete(job.tenantId)) {
          // the platform is back: what waited on it goes now, not at the end of each score's backoff
          await queue.retryNow(job.tenantId);
          again = true;
        }
      } catch (error) {
        const { detail, unreachable: down } = registration
          ? failureOf(error)
          : { detail: 'platform no longer registered', unreachable: false };
        if (down) {
          unreachable.add(job.tenantId);
          failing.add(job.tenantId);
        }
        deps.logger.warn(
          { tenantId: job.tenantId, lineItem: job.lineItemUrl, attempts: job.attempts + 1, detail },
          'score post failed',
        );
        await queue.settle(job, { ok: false, error: detail, unreachable: down });
      }
    }
  }

  /** One pass: collect changed graded results, then post due scores. */
  function tick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          // one collector across processes: two would both queue one pending grade (and both post it)
          await deps.stores.analytics.exclusive('ags-collect', collect);
          await send();
        } while (again);
      } catch (err) {
        deps.logger.warn({ err }, 'grade passback pass failed');
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    queue,
    tick,
    async start(): Promise<void> {
      unsubscribe = await deps.stores.cache.subscribe(GRADES_CHANNEL, () => void tick());
      timer = setInterval(() => void tick(), options.everyMs ?? 5000);
      timer.unref();
    },
    /** Stops the timer and waits for the pass in flight (shutdown drains, never drops: jobs stay queued). */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await unsubscribe?.();
      await running;
    },
  };
}

/**
 * The score queue's gauges on `/metrics`: scores waiting for their post, and those whose last post
 * failed, per tenant. Read at each scrape; a store outage leaves them empty for that scrape.
 */
export function scoreQueueMetrics(registry: Registry, queue: ScoreQueue): void {
  // both gauges of one scrape share one read of the queue (a scrape reads them within milliseconds)
  let read: { at: number; counts: ReturnType<ScoreQueue['unsent']> } | undefined;
  const counts = () => {
    if (!read || Date.now() - read.at > 200) {
      read = { at: Date.now(), counts: queue.unsent() };
      read.counts.catch(() => (read = undefined));
    }
    return read.counts;
  };
  const perTenant = async (statuses: string[]) => {
    const totals = new Map<string, number>();
    for (const c of await counts())
      if (statuses.includes(c.status)) totals.set(c.tenantId, (totals.get(c.tenantId) ?? 0) + c.count);
    return [...totals].map(([tenant, value]) => ({ labels: { tenant }, value }));
  };
  scrapedGauge(
    registry,
    'kairos_ags_scores_pending',
    'AGS scores not yet accepted by the platform (queued, being sent, or waiting to be tried again)',
    ['tenant'],
    () => perTenant(['pending', 'sending', 'retrying']),
  );
  scrapedGauge(
    registry,
    'kairos_ags_scores_retrying',
    'AGS scores whose last post failed (the platform down or refusing); Kairos keeps trying',
    ['tenant'],
    () => perTenant(['retrying']),
  );
}
