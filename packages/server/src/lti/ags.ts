import type { StatementRecord } from '../storage/types.js';
import { type AgsScore, ScoreQueue } from './ags-queue.js';
import type { LtiDeps } from './deps.js';
import { linkServices } from './service-records.js';

const VERBS = ['http://adlnet.gov/expapi/verbs/passed', 'http://adlnet.gov/expapi/verbs/completed'];
const WATCH = 'kairos:ags-watch';
/** Statements younger than this are left for the next pass (keys of concurrent writes may commit out of order). */
const SETTLE_MS = 1500;

/** The smallest UUIDv7 of an instant: keys before it were generated earlier. */
const uuidv7Floor = (ms: number) => {
  const h = ms.toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7000-8000-000000000000`;
};

interface StatementShape {
  id?: string;
  actor?: { account?: { homePage?: string; name?: string } };
  result?: {
    score?: { raw?: number; max?: number; min?: number; scaled?: number };
    success?: boolean;
    completion?: boolean;
  };
  context?: { contextActivities?: { parent?: { id: string }[] } };
  timestamp?: string;
  stored?: string;
}

/** The score a statement earns on a line item (Moodle: scoreMaximum always with scoreGiven; AGS §3.4). */
export function scoreOf(s: StatementShape, userId: string, scoreMaximum?: number): AgsScore {
  const sc = s.result?.score;
  let given: number | undefined;
  let max: number | undefined;
  if (sc?.raw !== undefined && sc.max !== undefined) {
    given = sc.raw - (sc.min ?? 0);
    max = sc.max - (sc.min ?? 0);
  } else if (sc?.scaled !== undefined) {
    max = scoreMaximum ?? 1;
    given = Math.max(0, sc.scaled) * max;
  } else if (s.result?.success !== undefined || s.result?.completion) {
    max = scoreMaximum ?? 1;
    given = s.result?.success === false ? 0 : max;
  }
  return {
    userId,
    ...(given !== undefined ? { scoreGiven: given, scoreMaximum: max } : {}),
    timestamp: new Date(s.timestamp ?? s.stored ?? Date.now()).toISOString(),
    activityProgress: 'Completed',
    gradingProgress: given !== undefined ? 'FullyGraded' : 'Pending',
  };
}

/**
 * Grade passback: watches the LRS for `passed`/`completed` statements of learners on graded resource
 * links (a line item came with the launch), queues their scores durably ({@link ScoreQueue}), and posts
 * them with ltijs' AGS client, retrying with backoff. Runs as one timer per process.
 */
export function gradePassback(deps: LtiDeps, options: { everyMs?: number } = {}) {
  const queue = new ScoreQueue(deps.keyed);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function scan(): Promise<void> {
    for (const registration of await deps.registry.list()) {
      for (const verb of VERBS) {
        const fields = { tenantId: registration.tenantId, verb };
        const after = ((await deps.keyed.find(WATCH, fields))[0]?.data as { after?: string } | undefined)
          ?.after;
        const records = await deps.stores.record.statements.query(registration.tenantId, {
          terms: [`v:${verb}`],
          after,
          before: uuidv7Floor(Date.now() - SETTLE_MS),
          ascending: true,
          limit: 200,
        });
        for (const r of records) await consider(registration.issuer, r);
        const last = records.at(-1);
        if (last) {
          await deps.keyed.replace(WATCH, fields, {
            collection: WATCH,
            fields,
            data: { after: last.key },
            createdAt: new Date().toISOString(),
          });
        }
      }
    }
  }

  async function consider(issuer: string, r: StatementRecord): Promise<void> {
    const s = r.statement as StatementShape;
    const account = s.actor?.account;
    if (account?.homePage !== issuer || !account.name) return;
    for (const parent of s.context?.contextActivities?.parent ?? []) {
      const link = await linkServices(deps.keyed, r.tenantId, parent.id);
      if (!link?.lineItemUrl) continue;
      // Only learners get grades (Moodle answers 400 for anyone not gradable).
      const members = await deps.stores.analytics.roster.members(r.tenantId, link.contextId);
      const member = members?.find((m) => m.userId === account.name);
      if (member && member.role !== 'learner') continue;
      await queue.enqueue({
        tenantId: r.tenantId,
        contextId: link.contextId,
        resourceLinkId: link.resourceLinkId,
        lineItemUrl: link.lineItemUrl,
        score: scoreOf(s, account.name, link.scoreMaximum),
        statementId: r.id,
      });
    }
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

  /** One pass: scan new statements, then post due scores. */
  async function tick(): Promise<void> {
    running ??= (async () => {
      try {
        await scan();
        await send();
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
    start(): void {
      timer = setInterval(() => void tick(), options.everyMs ?? 5000);
      timer.unref();
    },
    /** Stops the timer and waits for the pass in flight (shutdown drains, never drops: jobs stay queued). */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
