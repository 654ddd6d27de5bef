import type { Logger } from '../logger.js';
import { backoffMs } from '../lti/ags-queue.js';
import { LATE_CHANNEL, STORED_CHANNEL } from '../storage/record/announce.js';
import type { StatementRecord, Stores } from '../storage/types.js';
import { minUuidv7, uuidv7Time } from '../util/uuid.js';
import { type ForwarderRecord, Forwarders, type RejectedStatement, withRejected } from './forwarders.js';
import { passesFilters, UpstreamLrs } from './sender.js';

/** Statements read from the feed per step (and at most this many per post). */
const BATCH = 100;
/** A process holds a forwarder this long per step; one that dies mid-post frees it after this. */
const LEASE_MS = 60_000;

/** Counters of one process since start (`/metrics`). */
export interface ForwardCounters {
  sent: Record<string, number>;
  rejected: Record<string, number>;
  failures: Record<string, number>;
}

/**
 * Statement forwarding: each forwarder reads its tenant's statements in stored order after its checkpoint
 * (up to the consistency horizon, like the projection), keeps those its filters let through, and posts
 * them to the other LRS with their ids; the checkpoint moves only once the other LRS has accepted them,
 * so the record store itself is the durable queue and nothing is lost while the other LRS is down.
 * A post whose answer was lost is simply posted again: the other LRS keeps the first copy of an id and
 * ignores an identical one, so nothing arrives twice. Failed tries back off (5 s, 10 s… up to an hour).
 * A statement the other LRS refuses on its own (a 4xx about its content) is recorded and skipped.
 * Several processes share the work: a lease on each forwarder, and compare-and-set writes.
 */
export class Forwarding {
  readonly forwarders: Forwarders;
  readonly counters: ForwardCounters = { sent: {}, rejected: {}, failures: {} };
  private readonly upstream: UpstreamLrs;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private unsubscribe: (() => Promise<void>)[] = [];
  /** When the last pass found no forwarder at all (undefined: some, or not looked yet). */
  private noneSince?: number;

  constructor(
    private readonly stores: Stores,
    secret: string,
    private readonly options: { horizon: () => Date; logger: Logger; pollMs?: number },
  ) {
    this.forwarders = new Forwarders(stores.record.keyed, secret);
    this.upstream = new UpstreamLrs(stores.record.attachments);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe = [
      await this.stores.cache.subscribe(STORED_CHANNEL, () => this.onStored()),
      // a write that committed late may lie behind a checkpoint: read that stretch again (the other LRS ignores repeats)
      await this.stores.cache.subscribe(LATE_CHANNEL, (message) => {
        const { tenantId, key } = JSON.parse(message) as { tenantId: string; key: string };
        void this.rewind(tenantId, key).catch((err) =>
          this.options.logger.warn({ err, tenantId }, 'forwarding rewind failed'),
        );
      }),
    ];
    const poll = () => {
      if (this.stopped) return;
      this.wake();
      this.timer = setTimeout(poll, this.options.pollMs ?? 2000);
      this.timer.unref();
    };
    poll();
  }

  /** Stops, waiting for the post in flight (its checkpoint is written or not; nothing is half-done). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const u of this.unsubscribe.splice(0)) await u();
    await this.running;
  }

  /**
   * A statement was stored: a pass — unless the last look, less than a poll ago, found no forwarder. A
   * deployment without forwarders then reads their list once per poll, not once per stored batch (a query
   * per single-statement POST); a forwarder added by another process is seen at the next poll.
   */
  private onStored(): void {
    const pollMs = this.options.pollMs ?? 2000;
    if (this.noneSince !== undefined && Date.now() - this.noneSince < pollMs) return;
    void this.wake();
  }

  /** Asks for a pass over every forwarder. */
  wake(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const all = await this.forwarders.list().catch((err) => {
            // a store outage: the next poll tries again
            this.options.logger.warn({ err }, 'forwarding pass failed: the forwarders could not be read');
            return undefined;
          });
          this.noneSince = all?.length === 0 ? Date.now() : undefined;
          for (const f of all ?? []) {
            if (this.stopped) return;
            await this.drain(f).catch((err) =>
              this.options.logger.warn({ err, forwarder: f.id }, 'forwarding pass failed'),
            );
          }
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Forwards what is due of one forwarder, step by step while it holds the lease. */
  private async drain(initial: ForwarderRecord): Promise<void> {
    const now = Date.now();
    if (Date.parse(initial.nextAttemptAt) > now || Date.parse(initial.leaseUntil) > now) return;
    // nothing new: no lease taken (an idle forwarder costs one read per poll, no write)
    if ((await this.stores.record.statements.countAfter(initial.tenantId, initial.checkpoint, 1)) === 0)
      return;
    let f = await this.forwarders.write(initial, this.leased(initial));
    while (f && !this.stopped) {
      const records = await this.stores.record.statements.feed(f.tenantId, {
        after: f.checkpoint,
        before: minUuidv7(this.options.horizon().getTime()),
        limit: BATCH,
      });
      if (records.length === 0) break;
      const next = await this.step(f, records);
      if (!next) return;
      f = next;
      if (f.failures > 0) return;
    }
    // let go of the lease (another process may take the next step at once)
    if (f) await this.forwarders.write(f, { ...f, leaseUntil: new Date().toISOString() });
  }

  /** Moves back every checkpoint of a tenant past `key` (a late write), so its stretch is read again. */
  async rewind(tenantId: string, key: string): Promise<void> {
    const to = minUuidv7(uuidv7Time(key) - 1);
    for (let tries = 0; tries < 5; tries++) {
      const behind = (await this.forwarders.list(tenantId)).filter((f) => f.checkpoint && f.checkpoint > to);
      if (behind.length === 0) break;
      for (const f of behind) await this.forwarders.write(f, { ...f, checkpoint: to });
    }
    void this.wake();
  }

  private leased(f: ForwarderRecord): ForwarderRecord {
    return { ...f, leaseUntil: new Date(Date.now() + LEASE_MS).toISOString() };
  }

  /** Posts one batch; returns the forwarder with its checkpoint moved on, or its failure recorded. */
  private async step(f: ForwarderRecord, records: StatementRecord[]): Promise<ForwarderRecord | undefined> {
    const chosen = records.filter((r) => passesFilters(f, r.statement));
    const to = { endpoint: f.endpoint, username: f.username, password: this.forwarders.password(f) };
    const rejected: RejectedStatement[] = [];
    let sent = 0;
    for (const group of byVersion(chosen)) {
      const outcome = await this.upstream.post(f.tenantId, to, group);
      if (outcome.ok) {
        sent += group.length;
        continue;
      }
      if (!outcome.permanent) return this.failed(f, outcome.error);
      // one at a time: the statements it refuses on their own are recorded and skipped, the others go
      for (const r of group) {
        const single = await this.upstream.post(f.tenantId, to, [r]);
        if (single.ok) sent++;
        else if (single.permanent)
          rejected.push({
            id: r.id,
            status: single.status,
            error: single.error,
            at: new Date().toISOString(),
          });
        else return this.failed(f, single.error);
      }
    }
    this.count('sent', f.id, sent);
    this.count('rejected', f.id, rejected.length);
    for (const r of rejected)
      this.options.logger.warn(
        { forwarder: f.id, statement: r.id, status: r.status, error: r.error },
        'forwarded statement refused',
      );
    const at = new Date().toISOString();
    return this.forwarders.write(f, {
      ...this.leased(withRejected(f, rejected)),
      checkpoint: records[records.length - 1]!.key,
      forwarded: f.forwarded + sent,
      ...(sent > 0 ? { lastSentAt: at } : {}),
      failures: 0,
      failingSince: undefined,
      lastError: undefined,
      nextAttemptAt: at,
    });
  }

  /** Records a failed try and its backoff; the checkpoint stays (what was sent of the batch goes again, ignored). */
  private async failed(f: ForwarderRecord, error: string): Promise<ForwarderRecord | undefined> {
    const failures = f.failures + 1;
    this.count('failures', f.id, 1);
    this.options.logger.warn(
      { forwarder: f.id, endpoint: f.endpoint, failures, error },
      'forwarding failed; retrying later',
    );
    const at = new Date();
    return this.forwarders.write(f, {
      ...f,
      failures,
      failingSince: f.failingSince ?? at.toISOString(),
      lastError: error,
      nextAttemptAt: new Date(at.getTime() + backoffMs(failures)).toISOString(),
      leaseUntil: at.toISOString(),
    });
  }

  /** Makes a failing forwarder try again now (the operator's "retry now"). */
  async retryNow(tenantId: string, id: string): Promise<boolean> {
    const f = await this.forwarders.get(tenantId, id);
    if (!f) return false;
    await this.forwarders.write(f, { ...f, nextAttemptAt: new Date().toISOString() });
    void this.wake();
    return true;
  }

  private count(kind: keyof ForwardCounters, id: string, n: number): void {
    if (n > 0) this.counters[kind][id] = (this.counters[kind][id] ?? 0) + n;
  }
}

/** Consecutive runs of statements of one xAPI major version (one version header per request). */
function byVersion(records: StatementRecord[]): StatementRecord[][] {
  const groups: StatementRecord[][] = [];
  let major = '';
  for (const r of records) {
    const m = r.statement.version?.startsWith('2.') ? '2' : '1';
    if (m !== major || groups.length === 0) groups.push([]);
    major = m;
    groups[groups.length - 1]!.push(r);
  }
  return groups;
}
