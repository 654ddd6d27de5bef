import type { PendingGrade } from '../storage/types.js';
import { type AgsScore, ScoreQueue } from './ags-queue.js';
import type { LtiDeps } from './deps.js';
import { linkServices } from './service-records.js';

/** Channel on which the projection says graded results changed (grade passback wakes on it). */
export const GRADES_CHANNEL = 'kairos:grades';
const PENDING_PAGE = 500;

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

/**
 * Grade passback, driven by the projection: the projection keeps each learner's latest graded result
 * (passed, failed, completed) per graded resource link; this job hands the changed ones to the durable
 * {@link ScoreQueue} (one per line item and learner, never a stale score over a newer one) and posts them
 * with ltijs' AGS client, retrying with backoff. Woken by the projection, with a slow poll as fallback;
 * it never reads the LRS.
 */
export function gradePassback(deps: LtiDeps, options: { everyMs?: number } = {}) {
  const queue = new ScoreQueue(deps.keyed);
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
    for (const job of await queue.due()) {
      if (!(await queue.claim(job))) continue;
      const registration = await deps.registry.get(job.tenantId);
      try {
        if (!registration) throw new Error('platform no longer registered');
        await deps.lti.Grade.submitScore(
          { iss: registration.issuer, clientId: registration.clientId, user: job.score.userId },
          job.lineItemUrl,
          { ...job.score },
        );
        await queue.settle(job, { ok: true });
      } catch (error) {
        const e = error as { response?: { statusCode?: number; body?: unknown }; message?: string };
        const detail = e.response
          ? `HTTP ${e.response.statusCode}: ${String(e.response.body).slice(0, 200)}`
          : e.message;
        deps.logger.warn(
          { tenantId: job.tenantId, lineItem: job.lineItemUrl, attempts: job.attempts + 1, detail },
          'score post failed',
        );
        await queue.settle(job, { ok: false, error: String(detail) });
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
