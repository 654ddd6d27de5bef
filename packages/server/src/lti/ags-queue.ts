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

/** Exponential backoff with jitter: 5 s, 10 s, 20 s… capped at one hour. Never gives up. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(3600_000, 5000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

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

  /** Records the outcome of a post. */
  async settle(job: ScoreJob, outcome: { ok: true } | { ok: false; error: string }): Promise<void> {
    const key = keyOf({ ...job, userId: job.score.userId });
    const attempts = job.attempts + 1;
    const next: ScoreJob = outcome.ok
      ? { ...job, status: 'sent', attempts, sentAt: new Date().toISOString(), lastError: undefined }
      : {
          ...job,
          status: 'retrying',
          attempts,
          lastError: outcome.error,
          nextAttemptAt: new Date(Date.now() + backoffMs(attempts)).toISOString(),
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

  /** Makes every retrying job of a context due now (the instructor's "retry now"). */
  async retryNow(tenantId: string, contextId: string): Promise<number> {
    let n = 0;
    for (const job of await this.ofContext(tenantId, contextId)) {
      if (job.status !== 'retrying') continue;
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
