import { createLock } from '../delivery/lock.js';
import { createSender } from '../delivery/sender.js';
import { readLaunch } from '../launch/read.js';
import { ActivityTypes, ProfileExtensions as X } from '../profile.js';
import { usableLocalStorage } from '../queue/local-storage.js';
import { createQueue, openStore } from '../queue/queue.js';
import { toActivity } from '../statements/activity.js';
import {
  formatResponse,
  type InteractionResponse,
  isCorrect,
  type QuestionInput,
  toInteraction,
} from '../statements/interaction.js';
import type { Totals } from '../time/clock.js';
import { createClock } from '../time/clock.js';
import { createTimers } from '../time/timers.js';
import type { Activity, ActivityInput, Extensions, Result, Statement } from '../types.js';
import { toDuration } from '../util/duration.js';
import { hash, uuid } from '../util/ids.js';
import { readConsent, writeConsent } from './consent.js';
import type { TrackerOptions } from './options.js';
import {
  contextFactory,
  type ResultInput,
  result,
  type StatementContextInput,
  type VerbName,
  Verbs,
} from './statements.js';

/** A tracker: statement builders plus delivery control. Builders return the queued statement, or `null` when dropped. */
export interface Tracker {
  /** The session starts (`initialized`); default object: `context.parent`, else the page. Starts its active time. */
  initialize(activity?: ActivityInput): Statement | null;
  /** The session ends (`terminated`) with its active time in `result.duration`. */
  terminate(activity?: ActivityInput): Statement | null;
  /** The session pauses (`suspended`) with its active time. */
  suspend(activity?: ActivityInput): Statement | null;
  /** The session goes on (`resumed`); active time restarts. */
  resume(activity?: ActivityInput): Statement | null;
  /**
   * A new attempt at an activity (`attempted`); counts attempts and starts its active time. `extra.context`
   * sets this statement's parent and objectives (as for `answer`).
   */
  attempt(activity: ActivityInput, extra?: { context?: StatementContextInput }): Statement | null;
  /**
   * An answer to a question (`answered`, a `cmi.interaction`); `success` is computed from `correct` when not given.
   * `extra.context` names the enclosing quiz (`parent`) and the competencies the question is aligned to.
   * @example tracker.answer({ id: 'https://ex.org/q1', interactionType: 'choice', choices: ['a', 'b'], correct: ['b'] }, ['a'])
   * tracker.answer(q, ['b'], { context: { parent: 'https://ex.org/quiz', objectives: ['https://ex.org/c/1'] } })
   */
  answer(question: QuestionInput, response: InteractionResponse, extra?: ResultInput): Statement | null;
  /** The activity is completed (`completed`), with its active time; its stopwatch stops. */
  complete(activity: ActivityInput, extra?: ResultInput): Statement | null;
  /** The learner passed (`passed`, success true). */
  pass(activity: ActivityInput, extra?: ResultInput): Statement | null;
  /** The learner failed (`failed`, success false). */
  fail(activity: ActivityInput, extra?: ResultInput): Statement | null;
  /** Progress between 0 and 1 (`progressed`). */
  progress(activity: ActivityInput, fraction: number): Statement | null;
  /** The learner saw something (`experienced`). */
  experience(activity: ActivityInput): Statement | null;
  /** The learner moved to another screen: `experienced` with from/to and the active seconds on the previous one. */
  navigate(to: ActivityInput, from?: string): Statement | null;
  /** Queues a statement as is, adding `id`, `timestamp` and `actor` when missing. */
  send(statement: Statement): Statement | null;
  /** Active milliseconds of a running activity. */
  time(activity: ActivityInput): number | undefined;
  /** Sends what is queued now. */
  flush(): Promise<void>;
  /** Grants (`true`) or withdraws (`false`, persisted; the queue is emptied) consent to tracking. */
  consent(granted: boolean): void;
  /** Replaces the token (after a 401, or before it expires) and resumes delivery. */
  setToken(token: string): void;
  /** Removes listeners and timers; queued statements stay for the next page load. */
  destroy(): void;
  /** Whether statements are captured (consent given, not opted out, not destroyed). */
  readonly enabled: boolean;
}

const idOf = (a: ActivityInput) => (typeof a === 'string' ? a : a.id);
const pageId = () => location.origin + location.pathname;

/**
 * Creates a tracker. Several trackers (and iframes) can live on one page: nothing is global.
 * @example
 * const tracker = createTracker({ launch: true });
 * tracker.attempt({ id: 'https://example.org/quiz/1', name: 'Fractions' });
 */
export function createTracker(options: TrackerOptions): Tracker {
  const launch = options.launch ? readLaunch(options.launch === true ? undefined : options.launch) : {};
  const o: TrackerOptions = { ...launch, ...options, context: { ...launch.context, ...options.context } };
  const log = o.debug ? (...a: unknown[]) => console.debug('[kairos]', ...a) : undefined;
  const warn = o.debug ? (m: string) => console.warn(`[kairos] ${m}`) : undefined;
  const actor = o.actor;
  if (!o.endpoint || !actor)
    warn?.('endpoint and actor are required (or launch: true on a Kairos launch page)');
  if (actor?.mbox || actor?.name) warn?.('actor carries an e-mail or name: prefer an opaque account');
  const endpoint = (o.endpoint ?? '').replace(/\/+$/, '');
  const lang = o.language ?? (document.documentElement.lang || navigator.language || 'en');
  const name = o.name ?? hash(`${endpoint}|${JSON.stringify(actor)}`).toString(36);
  const ls = o.storage === 'memory' ? undefined : usableLocalStorage();
  const stored = readConsent(ls, name);
  let enabled = stored ?? !o.requireConsent;
  let token = o.token;
  const sampled = hash(JSON.stringify(actor)) / 2 ** 32 < (o.sampleRate ?? 1);
  const onFailure = (f: Parameters<NonNullable<TrackerOptions['onFailure']>>[0]) => {
    log?.('failure', f);
    // Dropped statements are lost learning records: always say so (not only in debug), and why.
    if (!f.willRetry && f.code !== 'unauthorized')
      console.warn(
        `[kairos] dropped ${f.statements.length} statement(s): ${[f.code, f.status, f.serverCode].filter((x) => x).join(' ')}${f.message ? `: ${f.message}` : ''}`,
      );
    o.onFailure?.(f);
  };

  const queue = createQueue(
    openStore(o.storage ?? 'auto', name),
    o.maxQueueItems ?? 1000,
    o.maxQueueBytes ?? 2e6,
    (items) => onFailure({ code: 'queue-full', statements: items.map((i) => i.s), willRetry: false }),
  );
  const sender = createSender({
    endpoint,
    // No token while disabled: the sender then neither sends nor beacons.
    token: () => (enabled ? token : undefined),
    fetch: o.fetch ?? ((...a) => fetch(...a)),
    queue,
    lock: createLock(name, ls, (o.timeout ?? 3e4) + 5e3),
    batchSize: o.batchSize ?? 50,
    batchBytes: o.batchBytes ?? 48e3,
    flushInterval: o.flushInterval ?? 2e3,
    retryBase: o.retryBase ?? 1e3,
    retryCap: o.retryCap ?? 3e5,
    timeout: o.timeout ?? 3e4,
    onSuccess: (s) => {
      log?.('sent', s.length);
      o.onSuccess?.(s);
    },
    onFailure,
  });
  const clock = createClock(o.idleTimeout ?? 6e4);
  const timers = createTimers(clock);
  const running = new Map<string, Activity>();
  const pinged = new Map<string, number>();
  const attempts = new Map<string, number>();
  const context = contextFactory(o.context ?? {}, lang);
  const session = () => o.context?.parent ?? { id: pageId(), type: ActivityTypes.page };
  let screen: string | undefined;
  let hiding = false;

  const enqueue = (statement: Statement) => {
    const s = o.beforeSend ? o.beforeSend(statement) : statement;
    if (!s) return null;
    queue.push(s);
    // Recorded while the page is going away (e.g. terminate() in a pagehide listener): send at once.
    if (hiding) sender.hide();
    else sender.schedule();
    log?.(s.verb.id, s);
    return s;
  };
  const emit = (
    verb: VerbName,
    object: Activity,
    res?: Result,
    ext?: Extensions,
    ping?: boolean,
    own?: StatementContextInput,
  ) => {
    if (!enabled || (ping && !sampled)) return null;
    if (!/^[a-z][\w+.-]*:/i.test(object.id)) warn?.(`activity id "${object.id}" is not an absolute IRI`);
    const s: Statement = {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor,
      verb: Verbs[verb],
      object,
      context: context(object, ext, own),
    };
    if (res) s.result = res;
    return enqueue(s);
  };
  const timeResult = (t: Totals | undefined, base: Result = {}): Result =>
    t
      ? {
          ...base,
          duration: toDuration(t.active),
          extensions: { ...base.extensions, [X.idleSeconds]: Math.round(t.idle / 1e3) },
        }
      : base;
  const start = (a: Activity) => {
    timers.start(a.id);
    running.set(a.id, a);
    pinged.delete(a.id);
  };
  const stop = (id: string) => {
    running.delete(id);
    return timers.stop(id);
  };
  const ping = () => {
    for (const [id, a] of running) {
      const t = timers.read(id)!;
      if (t.active - (pinged.get(id) ?? 0) < 1e3) continue;
      pinged.set(id, t.active);
      emit('progressed', a, timeResult(t), undefined, true);
    }
  };
  const lifecycle = (verb: VerbName, input: ActivityInput | undefined, begin: boolean) => {
    const a = toActivity(input ?? session(), lang);
    const s = emit(verb, a, begin ? undefined : timeResult(stop(a.id)));
    if (begin) start(a);
    return s;
  };
  const attemptExt = (id: string): Extensions | undefined => {
    const n = attempts.get(id);
    return n ? { [X.attempt]: n } : undefined;
  };
  const scored = (verb: VerbName, input: ActivityInput, base: Result, extra?: ResultInput) => {
    const a = toActivity(input, lang);
    return emit(
      verb,
      a,
      result(timeResult(timers.read(a.id), base), extra),
      attemptExt(a.id),
      false,
      extra?.context,
    );
  };

  const heartbeat = o.heartbeat ?? 3e4;
  const interval = heartbeat > 0 ? setInterval(ping, heartbeat) : undefined;
  const onPageHide = () => {
    hiding = true;
    ping();
    sender.hide();
  };
  const onHide = () => {
    if (document.visibilityState === 'hidden') onPageHide();
    else hiding = false;
  };
  const onOnline = () => sender.resume();
  document.addEventListener('visibilitychange', onHide);
  addEventListener('pagehide', onPageHide);
  addEventListener('online', onOnline);
  // Drain what earlier page loads (or other tabs) left in the queue.
  if (enabled) sender.flush();

  return {
    initialize: (a) => lifecycle('initialized', a, true),
    resume: (a) => lifecycle('resumed', a, true),
    terminate: (a) => lifecycle('terminated', a, false),
    suspend: (a) => lifecycle('suspended', a, false),
    attempt(input, extra) {
      const a = toActivity(input, lang);
      attempts.set(a.id, (attempts.get(a.id) ?? 0) + 1);
      start(a);
      return emit('attempted', a, undefined, attemptExt(a.id), false, extra?.context);
    },
    answer(q, response, extra) {
      const a = toInteraction(q, lang);
      const success = isCorrect(q, response);
      const base: Result = { response: formatResponse(response) };
      if (success !== undefined) base.success = success;
      return emit(
        'answered',
        a,
        result(timeResult(timers.read(a.id), base), extra),
        attemptExt(a.id),
        false,
        extra?.context,
      );
    },
    complete(input, extra) {
      const a = toActivity(input, lang);
      return emit(
        'completed',
        a,
        result(timeResult(stop(a.id), { completion: true }), extra),
        attemptExt(a.id),
        false,
        extra?.context,
      );
    },
    pass: (a, extra) => scored('passed', a, { success: true }, extra),
    fail: (a, extra) => scored('failed', a, { success: false }, extra),
    progress: (a, fraction) => scored('progressed', a, { extensions: { [X.progress]: fraction } }),
    experience: (a) => emit('experienced', toActivity(a, lang)),
    navigate(input, from = screen) {
      const a = toActivity(input, lang, ActivityTypes.screen);
      const prev = from && timers.stop(`nav ${from}`);
      timers.start(`nav ${a.id}`);
      screen = a.id;
      const ext: Extensions = { [X.navigationTo]: a.id };
      if (from) ext[X.navigationFrom] = from;
      const res = prev
        ? { extensions: { [X.timeOnPrevious]: Math.round(prev.active / 10) / 100 } }
        : undefined;
      return emit('experienced', a, res, ext);
    },
    send: (s) => (enabled ? enqueue({ id: uuid(), timestamp: new Date().toISOString(), actor, ...s }) : null),
    time: (a) => timers.read(idOf(a))?.active,
    flush: () => sender.flush(),
    consent(granted) {
      writeConsent(ls, name, granted);
      enabled = granted;
      if (granted) sender.flush();
      else queue.load().then((items) => queue.remove(items));
    },
    setToken(t) {
      token = t;
      sender.resume();
    },
    destroy() {
      enabled = false;
      clearInterval(interval);
      clock.stop();
      sender.stop();
      document.removeEventListener('visibilitychange', onHide);
      removeEventListener('pagehide', onPageHide);
      removeEventListener('online', onOnline);
    },
    get enabled() {
      return enabled;
    },
  };
}
