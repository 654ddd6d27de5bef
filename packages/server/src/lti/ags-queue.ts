import type { FieldValue, KeyedRecordRepository } from '../storage/types.js';

const SCORES = 'kairos:ags-score';
/** A sent score is kept (visible, then purged) this long. */
const SENT_TTL_MS = 30 * 24 * 3600_000;

/** The AGS 2.0 score body (§3.4.1) Kairos posts. */
export interface AgsScore {
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  comment?: string;
  timestamp: string;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
}

/** One score waiting for (or done with) its post, with retry bookkeeping. */
export interface ScoreJob {
  tenantId: string;
  contextId: string;
  resourceLinkId: string;
  lineItemUrl: string;
  score: AgsScore;
  /** `pending` (not yet tried), `retrying` (failed, will retry), `sending` (claimed), `sent`. */
  status: 'pending' | 'retrying' | 'sending' | 'sent';
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  sentAt?: string;
  statementId?: string;
}

const keyOf = (
  j: Pick<ScoreJob, 'tenantId' | 'lineItemUrl'> & { userId: string },
): Record<string, FieldValue> => ({
  tenantId: j.tenantId,
  lineItemUrl: j.lineItemUrl,
  userId: j.userId,
});

/** Exponential backoff with jitter: 5 s, 10 s, 20 s… capped at `capMs` (one hour). Never gives up. */
export function backoffMs(attempts: number, random = Math.random, capMs = 3600_000): number {
  const base = Math.min(capMs, 5000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/**
 * Longest wait between two tries of a score whose platform did not answer, or answered 5xx or 429: the
 * platform coming back is the expected event, and its scores should follow within minutes, whatever the
 * outage's length. A score the platform refused (another 4xx) needs a person and waits up to an hour.
 */
export const UNREACHABLE_CAP_MS = 5 * 60_000;

/**
 * The durable AGS score queue: records in the record store (so they survive restarts even on the memory
 * cache), one per (line item, learner) — a newer score replaces an unsent older one, so a retried stale
 * score can never overwrite a newer grade (ltijs stamps every post with "now").
 */
export class ScoreQueue {
  constructor(private readonly keyed: KeyedRecordRepository) {}

  /** Queues a score; ignored when a newer score for the same line item and learner is already queued or sent. */
  async enqueue(job: Omit<ScoreJob, 'status' | 'attempts' | 'nextAttemptAt'>): Promise<boolean> {
    const key = keyOf({ ...job, userId: job.score.userId });
    const [existing] = await this.keyed.find(SCORES, key);
    const prev = existing?.data as ScoreJob | undefined;
    if (prev && prev.score.timestamp > job.score.timestamp) return false;
    if (prev && prev.score.timestamp === job.score.timestamp && prev.status !== 'retrying') return false;
    const now = new Date().toISOString();
    const record: ScoreJob = { ...job, status: 'pending', attempts: 0, nextAttemptAt: now };
    await this.keyed.replace(SCORES, key, {
      collection: SCORES,
      fields: { ...key, contextId: job.contextId, status: 'pending' },
      data: record,
      createdAt: now,
    });
    return true;
  }

  /**
   * Deletes every score of these LTI users in a tenant, waiting or sent (`kairos forget`: a queued post
   * holds the learner's LMS id); returns how many. A post already claimed may still go out once.
   */
  async forget(tenantId: string, userIds: string[]): Promise<number> {
    let n = 0;
    for (const userId of userIds) n += await this.keyed.delete(SCORES, { tenantId, userId });
    return n;
  }

  /** Jobs due now (pending, retrying, or claimed by a sender that died), oldest first. */
  async due(now = new Date()): Promise<ScoreJob[]> {
    const rows = [
      ...(await this.keyed.find(SCORES, { status: 'pending' })),
      ...(await this.keyed.find(SCORES, { status: 'retrying' })),
      ...(await this.keyed.find(SCORES, { status: 'sending' })),
    ];
    return rows
      .map((r) => r.data as ScoreJob)
      .filter((j) => j.nextAttemptAt <= now.toISOString())
      .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt));
  }

  /** Claims a due job for one sender (a lease of `leaseMs`); false when another sender got it first. */
  async claim(job: ScoreJob, leaseMs = 60_000): Promise<boolean> {
    const key = keyOf({ ...job, userId: job.score.userId });
    const claimed: ScoreJob = {
      ...job,
      status: 'sending',
      nextAttemptAt: new Date(Date.now() + leaseMs).toISOString(),
    };
    return this.keyed.update(
      SCORES,
      { ...key, status: job.status },
      { fields: { ...key, contextId: job.contextId, status: 'sending' }, data: claimed },
    );
  }

  /**
   * Records the outcome of a post; a failed one is tried again after a backoff, capped at
   * {@link UNREACHABLE_CAP_MS} when the platform was `unreachable`, at an hour when it refused the score.
   */
  async settle(
    job: ScoreJob,
    outcome: { ok: true } | { ok: false; error: string; unreachable?: boolean },
  ): Promise<void> {
    const key = keyOf({ ...job, userId: job.score.userId });
    const attempts = job.attempts + 1;
    const next: ScoreJob = outcome.ok
      ? { ...job, status: 'sent', attempts, sentAt: new Date().toISOString(), lastError: undefined }
      : {
          ...job,
          status: 'retrying',
          attempts,
          lastError: outcome.error,
          nextAttemptAt: new Date(
            Date.now() +
              backoffMs(attempts, Math.random, outcome.unreachable ? UNREACHABLE_CAP_MS : undefined),
          ).toISOString(),
        };
    await this.keyed.update(
      SCORES,
      { ...key, status: 'sending' },
      {
        fields: { ...key, contextId: job.contextId, status: next.status },
        data: next,
        ...(outcome.ok ? { expiresAt: new Date(Date.now() + SENT_TTL_MS).toISOString() } : {}),
      },
    );
  }

  /** Every job of a context (the instructor's view of grade passback). */
  async ofContext(tenantId: string, contextId: string): Promise<ScoreJob[]> {
    return (await this.keyed.find(SCORES, { tenantId, contextId })).map((r) => r.data as ScoreJob);
  }

  /**
   * Scores not sent yet (queued, retrying or being sent), counted per tenant and status: what the
   * `/metrics` gauges show.
   */
  async unsent(): Promise<{ tenantId: string; status: ScoreJob['status']; count: number }[]> {
    const counts = new Map<string, { tenantId: string; status: ScoreJob['status']; count: number }>();
    for (const status of ['pending', 'retrying', 'sending'] as const) {
      for (const row of await this.keyed.find(SCORES, { status })) {
        const tenantId = String(row.fields.tenantId);
        const entry = counts.get(`${tenantId} ${status}`) ?? { tenantId, status, count: 0 };
        entry.count++;
        counts.set(`${tenantId} ${status}`, entry);
      }
    }
    return [...counts.values()];
  }

  /**
   * Makes every retrying job of a context due now (the instructor's "retry now"), or of the whole tenant
   * without `contextId` (its platform answered again).
   */
  async retryNow(tenantId: string, contextId?: string): Promise<number> {
    let n = 0;
    const match = { tenantId, status: 'retrying', ...(contextId !== undefined ? { contextId } : {}) };
    for (const job of (await this.keyed.find(SCORES, match)).map((r) => r.data as ScoreJob)) {
      const key = keyOf({ ...job, userId: job.score.userId });
      if (
        await this.keyed.update(
          SCORES,
          { ...key, status: 'retrying' },
          { data: { ...job, nextAttemptAt: new Date().toISOString() } },
        )
      )
        n++;
    }
    return n;
  }
}
