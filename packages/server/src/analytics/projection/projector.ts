import type { Logger } from '../../logger.js';
import { LATE_CHANNEL, STORED_CHANNEL } from '../../storage/record/announce.js';
import type { Generation, ProjectionTx, StatementRecord, Stores } from '../../storage/types.js';
import { minUuidv7, uuidv7Time } from '../../util/uuid.js';
import { BKT_DEFAULTS, type BktParams } from '../mastery/bkt.js';
import { updateMastery } from '../mastery/update.js';
import { applyBatch, type BatchEffects, flushDeferred } from './batch.js';
import { type CourseLookup, type Extracted, extract } from './extract.js';
import { refreshOptions } from './refresh-options.js';

/** Options of the {@link Projector}. */
export interface ProjectorOptions {
  /** Every statement stored before this instant is visible to reads (the LRS's Consistent-Through). */
  horizon: () => Date;
  /** How long after a write its statements pass the horizon (0 on one process; the margin with several). */
  settleMs: number;
  /** Statements per batch (default 2000). */
  batchSize?: number;
  /** Fallback poll when no wake-up arrives (default 1 s). */
  pollMs?: number;
  /**
   * Least time between the starts of two live passes (default 0: a pass runs as soon as it is asked for).
   * A pass costs about 25 round trips to the stores whatever it carries: woken by every single-statement
   * POST, passes back to back cost the server several milliseconds of CPU per statement. A short wait lets
   * one pass carry what several would have, and adds at most this much to the projection's lag.
   */
  passEveryMs?: number;
  /** Least time between two refreshes of a tenant's courses (default 500 ms). */
  refreshEveryMs?: number;
  logger: Logger;
  /** Called after each committed batch or refresh with the courses whose figures changed. */
  onChange?: (change: ProjectionChange) => void;
}

/** What a committed batch or refresh changed. */
export interface ProjectionChange {
  tenantId: string;
  gen: number;
  /** `swap`: a reprojection replaced the whole projection of the tenant. */
  kind: 'batch' | 'refresh' | 'swap';
  courses: string[];
  effects?: BatchEffects;
}

/** Where a reprojection stands. */
export interface ReprojectProgress {
  tenantId: string;
  gen: number;
  phase: 'projecting' | 'refreshing' | 'done';
  projected: number;
  total: number;
  seconds: number;
}

/** How far behind the projection of a tenant is. */
export interface ProjectionLag {
  tenantId: string;
  gen?: number;
  position?: string;
  /** Statements stored and not yet projected (counted up to 1,000,000). */
  statements: number;
  /** Age of the oldest statement not yet projected, seconds. */
  seconds: number;
}

const LAG_CAP = 1_000_000;
/** Least and most statements projected between two ANALYZEs of the projection (see `analyzeWhenDue`). */
const ANALYZE_MIN_EVERY = 1_000;
const ANALYZE_MAX_EVERY = 50_000;
/** Statements this old are history: a batch of them is a catch-up, whose course rows may wait for its end. */
const CATCH_UP_MS = 10_000;

/** A batch read from the feed: after which checkpoint, the statements, and what each means. */
interface ReadBatch {
  after?: string;
  records: StatementRecord[];
  extracted: Extracted[];
  /** A catch-up batch: full, of statements stored over 10 s ago (more history waits behind it). */
  full: boolean;
}

/** A promise whose rejection is handled where it is awaited (a read-ahead may be left behind). */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** The course of statements that name none, from the roster (resource links and LTI contexts). */
async function courseLookup(
  stores: Stores,
  tenantId: string,
  records: StatementRecord[],
): Promise<CourseLookup> {
  const iris = new Set<string>();
  for (const r of records) {
    const ca = r.statement.context?.contextActivities;
    for (const a of [...(ca?.parent ?? []), ...(ca?.grouping ?? [])]) iris.add(a.id);
    const o = r.statement.object as { id?: unknown };
    if (typeof o.id === 'string') iris.add(o.id);
  }
  const list = [...iris];
  const [links, courses] = await Promise.all([
    stores.analytics.roster.courseOfLinks(tenantId, list),
    stores.analytics.roster.knownCourses(tenantId, list),
  ]);
  return { courseOfLink: (iri) => links.get(iri), isCourse: (iri) => courses.has(iri) };
}

/**
 * The projection: reads each tenant's statements in stored order from the record store (keyset on the
 * time-ordered key, up to the consistency horizon) and projects them into the analytics store in
 * batches, each one transaction that holds the tenant's lock and commits its checkpoint with its rows.
 * Woken by writes (the stored-statements channel: in-process, and from every process through Redis), with
 * a poll as fallback. Any number of processes may run one: the lock lets one work on a tenant at a time.
 */
export class Projector {
  private readonly wakeups = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  /** Set by {@link stop}: passes end after their batch in flight. */
  private stopping = false;
  private again = false;
  /** When the last live pass started (`performance.now()`), and the timer of one put off by `passEveryMs`. */
  private lastPassAt = Number.NEGATIVE_INFINITY;
  private passTimer?: NodeJS.Timeout;
  private unsubscribe: (() => Promise<void>)[] = [];
  /** Per tenant, the earliest key of a late write the live generation may have read past. */
  private readonly replays = new Map<string, string>();
  /** Tenants whose learners' course rows a catch-up put off (flushed when it ends). */
  private readonly deferred = new Set<string>();
  /** Tenants flushed since start (a process killed mid catch-up may have left some behind). */
  private readonly flushedOnce = new Set<string>();
  /** When each tenant's courses were last refreshed, and how long it took (the next waits longer after a slow one). */
  private readonly lastRefresh = new Map<string, { at: number; tookMs: number }>();
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();
  /** Statements skipped since start, by reason (`/metrics`). */
  readonly skipped: Record<string, number> = {};
  /** Statements projected since start. */
  projected = 0;
  private sinceAnalyze = 0;
  /** Statements of the largest generation projected since start (sets how often ANALYZE runs). */
  private largest = 0;
  private lastAnalyze = Date.now();
  private analyzing?: Promise<void>;

  constructor(
    private readonly stores: Stores,
    private readonly options: ProjectorOptions,
  ) {}

  /** Starts listening for writes and polling. */
  async start(): Promise<void> {
    this.stopped = false;
    this.stopping = false;
    this.unsubscribe = [
      await this.stores.cache.subscribe(STORED_CHANNEL, (tenantId) => this.wake(tenantId)),
      await this.stores.cache.subscribe(LATE_CHANNEL, (message) => {
        const { tenantId, key } = JSON.parse(message) as { tenantId: string; key: string };
        const known = this.replays.get(tenantId);
        if (!known || key < known) this.replays.set(tenantId, key);
        this.wake(tenantId);
      }),
    ];
    const poll = () => {
      if (this.stopped) return;
      this.wake();
      this.timer = setTimeout(poll, this.options.pollMs ?? 1000);
      this.timer.unref();
    };
    poll();
  }

  /** Stops, waiting for the pass in flight (a batch either commits or rolls back; nothing is half-done). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    await this.analyzing;
    clearTimeout(this.timer);
    clearTimeout(this.passTimer);
    this.passTimer = undefined;
    for (const t of this.refreshTimers.values()) clearTimeout(t);
    for (const u of this.unsubscribe.splice(0)) await u();
    await this.running;
  }

  /** Asks for a pass over `tenantId` (or every tenant), once its new statements have settled. */
  wake(tenantId?: string): void {
    if (this.stopped) return;
    this.wakeups.add(tenantId ?? '*');
    const go = () => {
      if (this.stopped) return;
      if (this.running) {
        this.again = true;
        return;
      }
      const wait = this.lastPassAt + (this.options.passEveryMs ?? 0) - performance.now();
      if (wait > 0) {
        // one timer for every wake-up until then: they all wait in `wakeups`
        this.passTimer ??= setTimeout(() => {
          this.passTimer = undefined;
          go();
        }, wait);
        this.passTimer.unref();
        return;
      }
      // loop() may finish before its first await (nothing to read): clearing `running` in its own finally
      // would then happen before this assignment, and leave it set for good — every later wake ignored
      const run = this.loop();
      this.running = run;
      void run.finally(() => {
        if (this.running === run) this.running = undefined;
        // asked again as the pass ended (or, with an interval, while it ran): the next one waits its turn
        if (this.again && !this.stopped) {
          this.again = false;
          go();
        }
      });
    };
    if (tenantId && this.options.settleMs > 0) setTimeout(go, this.options.settleMs + 5).unref();
    else go();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        this.lastPassAt = performance.now();
        const asked = [...this.wakeups];
        this.wakeups.clear();
        const tenants = asked.includes('*')
          ? await this.stores.record.statements.tenants()
          : asked.filter((t) => t !== '*');
        for (const tenantId of tenants) {
          if (this.stopping) return;
          try {
            await this.catchUp(tenantId);
          } catch (err) {
            this.options.logger.warn({ err, tenantId }, 'projection pass failed; retrying on the next poll');
          }
        }
        // with an interval, a pass asked for meanwhile waits on the timer (which `stop` clears), not here
      } while (this.again && !this.stopped && !this.options.passEveryMs);
    } catch (err) {
      // the tenants could not be read (a store outage): the next poll asks again
      this.options.logger.warn({ err }, 'projection pass failed; retrying on the next poll');
    }
  }

  /** The active generation of a tenant, created on first use. */
  async activeGeneration(tenantId: string): Promise<Generation> {
    const gens = await this.stores.analytics.projection.generations(tenantId);
    return (
      gens.find((g) => g.state === 'active') ??
      this.stores.analytics.projection.createGeneration(tenantId, 'active')
    );
  }

  /** BKT parameters of a tenant (its settings over the defaults). */
  private async bkt(tenantId: string): Promise<BktParams> {
    const s = await this.stores.analytics.inputs.tenantSettings(tenantId);
    return { ...BKT_DEFAULTS, ...(s.bkt ?? {}) } as BktParams;
  }

  /** Reads the next batch of a tenant's settled statements after `gen`'s checkpoint, and what they mean. */
  private async readBatch(gen: Generation, limit: number): Promise<ReadBatch> {
    const before = minUuidv7(this.options.horizon().getTime());
    const records = await this.stores.record.statements.feed(gen.tenantId, {
      after: gen.position,
      before,
      limit,
    });
    if (records.length === 0) return { after: gen.position, records, extracted: [], full: false };
    const lookup = await courseLookup(this.stores, gen.tenantId, records);
    const extracted = records.map((r) => extract(r, lookup));
    // a catch-up: a full batch of statements stored a while ago (live traffic is never put off)
    const last = records[records.length - 1]!;
    const behind = Date.now() - uuidv7Time(last.key) > CATCH_UP_MS;
    return { after: gen.position, records, extracted, full: records.length >= limit && behind };
  }

  /** Recomputes the learners' course rows a catch-up put off (its batches were full), once it has caught up. */
  private async flushDeferred(gen: Generation): Promise<void> {
    const key = `${gen.tenantId}\u0001${gen.gen}`;
    if (!this.deferred.has(key) && this.flushedOnce.has(key)) return;
    const done = await this.stores.analytics.projection.withLock(gen.tenantId, (tx) =>
      flushDeferred(tx, gen.gen),
    );
    if (done.ran) {
      this.deferred.delete(key);
      this.flushedOnce.add(key);
    }
  }

  /**
   * Projects a batch read after `gen`'s checkpoint, in one transaction under the tenant's lock. Returns the
   * generation moved past it, or undefined when another process holds the lock or moved the checkpoint.
   */
  private async commitBatch(gen: Generation, batch: ReadBatch, bkt: BktParams) {
    const { tenantId } = gen;
    const { records, extracted } = batch;
    const last = records[records.length - 1]!.key;
    this.options.logger.debug(
      { tenantId, gen: gen.gen, after: gen.position, statements: records.length },
      'projection batch',
    );
    const outcome = await this.stores.analytics.projection.withLock(tenantId, async (tx) => {
      const current = await tx.generation(gen.gen);
      if (!current || current.state === 'retired' || current.position !== batch.after) return undefined;
      // a generation being rebuilt replays history: its events would be news to no one
      const effects = await applyBatch(tx, gen.gen, extracted, bkt, {
        events: gen.state === 'active',
        deferCourses: batch.full,
      });
      if (batch.full) this.deferred.add(`${tenantId}\u0001${gen.gen}`);
      await tx.savePosition(gen.gen, last, records.length);
      return effects;
    });
    if (!outcome.ran || !outcome.value) return undefined;
    const effects = outcome.value;
    for (const [reason, n] of Object.entries(effects.skipped))
      this.skipped[reason] = (this.skipped[reason] ?? 0) + n;
    this.projected += records.length;
    this.sinceAnalyze += records.length;
    if (gen.state === 'active') {
      this.options.onChange?.({
        tenantId,
        gen: gen.gen,
        kind: 'batch',
        courses: [...effects.courses],
        effects,
      });
    }
    return {
      read: records.length,
      gen: { ...gen, position: last, statements: gen.statements + records.length },
    };
  }

  /**
   * Projects one batch of a tenant's statements into `gen`. Returns how many statements it read, 0 when
   * there is nothing new, or undefined when another process holds the tenant's lock (or moved `gen`).
   */
  async projectBatch(gen: Generation, bkt: BktParams, limit = this.options.batchSize ?? 2000) {
    const batch = await this.readBatch(gen, limit);
    if (batch.records.length === 0) return { read: 0, gen };
    return this.commitBatch(gen, batch, bkt);
  }

  /**
   * Projects batches into `gen` until nothing settled is left, reading each batch while the one before it
   * commits (the record store and the analytics store work side by side). Returns the generation reached
   * and how many statements went in, or stops early when another process holds the tenant.
   */
  private async projectAll(
    gen: Generation,
    bkt: BktParams,
    limit: number,
    onBatch?: (gen: Generation) => void,
  ): Promise<{ gen: Generation; read: number; blocked: boolean }> {
    let read = 0;
    let ahead = quiet(this.readBatch(gen, limit));
    for (;;) {
      if (this.stopping) return { gen, read, blocked: false };
      const batch = await ahead;
      if (batch.records.length === 0) {
        await this.flushDeferred(gen);
        return { gen, read, blocked: false };
      }
      // A batch short of the limit held everything settled when it was read: the pass ends with it.
      // Reading on would project the statements that arrived meanwhile one small batch at a time, each
      // paying the batch's ~15 round trips, for as long as writes trickle in; their wake-ups ask for the
      // next pass instead, which can then carry them all (see `passEveryMs`).
      const more = batch.records.length >= limit;
      if (more) {
        ahead = quiet(
          this.readBatch({ ...gen, position: batch.records[batch.records.length - 1]!.key }, limit),
        );
      }
      const r = await this.commitBatch(gen, batch, bkt);
      if (r === undefined) return { gen, read, blocked: true };
      read += r.read;
      gen = r.gen;
      onBatch?.(gen);
      if (!more) {
        this.analyzeWhenDue(gen.statements);
        await this.flushDeferred(gen);
        return { gen, read, blocked: false };
      }
      // a long catch-up of a young projection: the batches after the ANALYZE are planned on statistics
      this.analyzeWhenDue(gen.statements);
      // let requests in between batches (embedded PGlite shares the event loop)
      await new Promise((res) => setImmediate(res));
    }
  }

  /**
   * Projects again what lies between a late write's key and the generation's checkpoint: the facts already
   * there are ignored (projection is idempotent), the late ones join, and the checkpoint does not move.
   */
  async replay(gen: Generation, fromKey: string, bkt: BktParams): Promise<number> {
    if (gen.position === undefined || fromKey > gen.position) return 0;
    let after = minUuidv7(uuidv7Time(fromKey) - 1);
    let read = 0;
    for (;;) {
      const records = await this.stores.record.statements.feed(gen.tenantId, {
        after,
        before: gen.position,
        limit: this.options.batchSize ?? 2000,
      });
      if (records.length === 0) break;
      const lookup = await courseLookup(this.stores, gen.tenantId, records);
      const extracted = records.map((r) => extract(r, lookup));
      const effects = await this.locked(gen.tenantId, (tx) =>
        applyBatch(tx, gen.gen, extracted, bkt, { events: gen.state === 'active' }),
      );
      if (effects.inserted + effects.removed > 0) {
        this.options.logger.info(
          { tenantId: gen.tenantId, statements: effects.inserted + effects.removed },
          'projected late writes',
        );
        this.options.onChange?.({
          tenantId: gen.tenantId,
          gen: gen.gen,
          kind: 'batch',
          courses: [...effects.courses],
          effects,
        });
      }
      read += records.length;
      after = records[records.length - 1]!.key;
    }
    return read;
  }

  /** Refreshes the course statistics of a generation's dirty courses (waiting its turn for the tenant's lock). */
  async refresh(gen: Generation): Promise<string[]> {
    const { tenantId } = gen;
    // options first, outside the transaction (embedded PGlite has one connection, which the lock holds)
    const dirty = await this.locked(tenantId, (tx) => tx.dirtyCourses(gen.gen), 'refresh');
    if (dirty.length === 0) return [];
    const options = await Promise.all(
      dirty.map((course) => refreshOptions(this.stores.analytics.inputs, tenantId, course)),
    );
    const started = Date.now();
    // beside the batches (a lock of its own): a refresh of a large course must not hold statements back
    await this.locked(
      tenantId,
      async (tx) => {
        for (const [i, course] of dirty.entries()) await tx.refreshCourse(gen.gen, course, options[i]!);
      },
      'refresh',
    );
    this.lastRefresh.set(tenantId, { at: Date.now(), tookMs: Date.now() - started });
    if (gen.state === 'active')
      this.options.onChange?.({ tenantId, gen: gen.gen, kind: 'refresh', courses: dirty });
    return dirty;
  }

  /** Projects every settled statement of a tenant into its active generation, then refreshes its courses. */
  async catchUp(tenantId: string, scheduleRefresh = true): Promise<number> {
    let gen = await this.activeGeneration(tenantId);
    const bkt = await this.bkt(tenantId);
    let total = 0;
    const late = this.replays.get(tenantId);
    if (late !== undefined) {
      this.replays.delete(tenantId);
      await this.replay(gen, late, bkt);
    }
    for (let wait = 10; ; ) {
      const r = await this.projectAll(gen, bkt, this.options.batchSize ?? 2000);
      total += r.read;
      gen = r.gen;
      if (!r.blocked) break;
      // another process works on this tenant, or a reprojection swapped generations
      const active = await this.activeGeneration(tenantId);
      if (active.gen === gen.gen && active.position === gen.position) {
        // its lock is held: the live loop comes back at the next wake-up; a settle waits its turn
        if (scheduleRefresh || this.stopping) break;
        await new Promise((res) => setTimeout(res, wait));
        wait = Math.min(200, wait * 2);
      }
      gen = active;
    }
    this.analyzeWhenDue(gen.statements);
    if (scheduleRefresh) this.scheduleRefresh(gen);
    return total;
  }

  /** Projects everything settled of a tenant and refreshes its courses before resolving (tests, reproject, CLI). */
  async settle(tenantId: string): Promise<number> {
    const n = await this.catchUp(tenantId, false);
    await this.refresh(await this.activeGeneration(tenantId));
    return n;
  }

  /**
   * Keeps the planner's statistics current as the projection grows, in the background: each time it has
   * grown by half (at least 1,000 statements, at most 50,000 apart), or 10 minutes after a change. The
   * projection's queries are planned per course and degrade badly on stale statistics: a young projection
   * with none had each learner × activity recomputation read the generation's every fact.
   */
  private analyzeWhenDue(statements: number): void {
    // ANALYZE covers every tenant's rows: the largest projection seen sets the pace (a small tenant on a large
    // database must not have it run every 1,000 statements)
    this.largest = Math.max(this.largest, statements);
    const every = Math.min(ANALYZE_MAX_EVERY, Math.max(ANALYZE_MIN_EVERY, this.largest / 2));
    const due =
      this.sinceAnalyze >= every || (this.sinceAnalyze > 0 && Date.now() - this.lastAnalyze > 600_000);
    if (!due || this.analyzing) return;
    this.sinceAnalyze = 0;
    this.lastAnalyze = Date.now();
    this.analyzing = this.stores.analytics.projection
      .analyze()
      .catch((err) => this.options.logger.warn({ err }, 'ANALYZE of the projection failed'))
      .finally(() => {
        this.analyzing = undefined;
      });
  }

  /** Refreshes now, or as soon as the tenant's last refresh is old enough (bursts refresh once). */
  private scheduleRefresh(gen: Generation): void {
    // after a slow refresh, wait longer: it shares the cores and the database with the batches
    const last = this.lastRefresh.get(gen.tenantId);
    const every = Math.max(this.options.refreshEveryMs ?? 500, 3 * (last?.tookMs ?? 0));
    const wait = (last?.at ?? 0) + every - Date.now();
    if (this.refreshTimers.has(gen.tenantId)) return;
    const run = () => {
      this.refreshTimers.delete(gen.tenantId);
      if (this.stopped) return;
      this.refresh(gen).catch((err) =>
        this.options.logger.warn(
          { err, tenantId: gen.tenantId },
          'course refresh failed; retrying on the next pass',
        ),
      );
    };
    if (wait <= 0) run();
    else this.refreshTimers.set(gen.tenantId, setTimeout(run, wait).unref());
  }

  /** Runs `fn` under the tenant's lock, waiting while another process holds it (up to `timeoutMs`). */
  private async locked<T>(
    tenantId: string,
    fn: (tx: ProjectionTx) => Promise<T>,
    lock: 'batch' | 'refresh' = 'batch',
    timeoutMs = 30_000,
  ): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (let wait = 10; ; wait = Math.min(500, wait * 2)) {
      const outcome = await this.stores.analytics.projection.withLock(tenantId, fn, lock);
      if (outcome.ran) return outcome.value;
      if (Date.now() > until)
        throw new Error(`the projection of tenant ${tenantId} stayed locked for ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** A course's settings or structure changed: its statistics are recomputed now. */
  async invalidateCourse(tenantId: string, course: string): Promise<void> {
    const gen = await this.activeGeneration(tenantId);
    await this.locked(tenantId, (tx) => tx.markCourseDirty(gen.gen, course));
    await this.refresh(gen);
  }

  /** Alignments changed: the mastery of every learner with facts on these activities is refolded. */
  async realign(tenantId: string, aligned: { activity: string; competency: string }[]): Promise<number> {
    if (aligned.length === 0) return 0;
    const gen = await this.activeGeneration(tenantId);
    const bkt = await this.bkt(tenantId);
    const keys = await this.locked(tenantId, async (tx) => {
      const keys = await tx.masteryKeysFor(gen.gen, aligned);
      await updateMastery(tx, gen.gen, keys, [], keys, bkt);
      return keys;
    });
    this.options.onChange?.({
      tenantId,
      gen: gen.gen,
      kind: 'refresh',
      courses: [...new Set(keys.map((k) => k.course))],
    });
    return keys.length;
  }

  /**
   * Rebuilds a tenant's projection from its first statement into a new generation while the active one
   * keeps answering, then swaps them in one commit (the old one is purged in the background). Batches take
   * the tenant's lock like the live projection's, so both go on side by side; memory stays flat.
   */
  async reproject(tenantId: string, onProgress?: (p: ReprojectProgress) => void): Promise<ReprojectProgress> {
    const started = Date.now();
    const total = await this.stores.record.statements.countAfter(
      tenantId,
      undefined,
      Number.MAX_SAFE_INTEGER,
    );
    let gen = await this.stores.analytics.projection.createGeneration(tenantId, 'building');
    const bkt = await this.bkt(tenantId);
    const progress = (phase: ReprojectProgress['phase']): ReprojectProgress => ({
      tenantId,
      gen: gen.gen,
      phase,
      projected: gen.statements,
      total: Math.max(total, gen.statements),
      seconds: (Date.now() - started) / 1000,
    });
    onProgress?.(progress('projecting'));
    for (let wait = 10; ; ) {
      const limit = this.options.batchSize ?? 5000;
      const r = await this.projectAll(gen, bkt, limit, (g) => {
        gen = g;
        onProgress?.(progress('projecting'));
      });
      gen = r.gen;
      if (!r.blocked) break;
      // the live projection holds the tenant for a batch: let it finish
      await new Promise((res) => setTimeout(res, wait));
      wait = Math.min(200, wait * 2);
    }
    onProgress?.(progress('refreshing'));
    // the new generation's rows have no statistics yet: plan the refresh (and what follows) on real ones
    await this.stores.analytics.projection.analyze();
    await this.refresh(gen);
    await this.locked(tenantId, (tx) => tx.activate(gen.gen));
    const done = progress('done');
    onProgress?.(done);
    this.options.onChange?.({ tenantId, gen: gen.gen, kind: 'swap', courses: [] });
    return done;
  }

  /** Tenants with statements (each has, or will have, a projection). */
  tenants(): Promise<string[]> {
    return this.stores.record.statements.tenants();
  }

  /** How far behind the projection of a tenant is. */
  async lag(tenantId: string): Promise<ProjectionLag> {
    const gen = (await this.stores.analytics.projection.generations(tenantId)).find(
      (g) => g.state === 'active',
    );
    const statements = await this.stores.record.statements.countAfter(tenantId, gen?.position, LAG_CAP);
    let seconds = 0;
    if (statements > 0) {
      const [first] = await this.stores.record.statements.feed(tenantId, {
        after: gen?.position,
        before: minUuidv7(Date.now() + 60_000),
        limit: 1,
      });
      if (first) seconds = Math.max(0, (Date.now() - uuidv7Time(first.key)) / 1000);
    }
    return { tenantId, gen: gen?.gen, position: gen?.position, statements, seconds };
  }
}
