// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBeacon, fakeFetch, resetPage, setOnline, settle, setVisible } from '../../test/fakes.js';
import { KAIROS_PROFILE_IRI, ProfileExtensions as X } from '../profile.js';
import type { Statement } from '../types.js';
import type { TrackerOptions } from './options.js';
import { createTracker, type Tracker } from './tracker.js';

const actor = { objectType: 'Agent' as const, account: { homePage: 'https://lms.example', name: 'u-42' } };
const trackers: Tracker[] = [];
function make(over: TrackerOptions = {}) {
  const net = fakeFetch();
  const tracker = createTracker({
    endpoint: 'https://kairos.test/xapi/',
    token: 'tok',
    actor,
    language: 'fr',
    storage: 'memory',
    fetch: net.fetch,
    ...over,
  });
  trackers.push(tracker);
  const sent = () => net.calls.flatMap((c) => c.body as Statement[]);
  return { tracker, net, sent };
}
const q1 = {
  id: 'https://example.org/quiz/q1',
  name: 'Q1',
  interactionType: 'choice' as const,
  correct: ['b'],
};

beforeEach(() => {
  resetPage();
  vi.useFakeTimers();
});
afterEach(() => {
  for (const t of trackers.splice(0)) t.destroy();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('statements', () => {
  it('carries id, timestamp, actor, verb, and the Kairos context', async () => {
    const { tracker, sent } = make({
      context: {
        registration: 'f1c2b9d0-0000-4000-8000-000000000001',
        course: { id: 'https://lms.example/course/7', name: 'Maths' },
        parent: 'https://example.org/quiz',
      },
    });
    const s = tracker.attempt({ id: 'https://example.org/quiz/q1', name: 'Question 1' })!;
    expect(s.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.timestamp).toBe(new Date().toISOString());
    expect(s).toMatchObject({
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
      object: { id: 'https://example.org/quiz/q1', definition: { name: { fr: 'Question 1' } } },
      context: {
        registration: 'f1c2b9d0-0000-4000-8000-000000000001',
        language: 'fr',
        contextActivities: {
          parent: [{ id: 'https://example.org/quiz' }],
          grouping: [{ id: 'https://lms.example/course/7', definition: { name: { fr: 'Maths' } } }],
          category: [{ id: KAIROS_PROFILE_IRI }],
        },
        extensions: { [X.sdk]: 'kairos-sdk/0.1.0', [X.attempt]: 1 },
      },
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent()).toEqual([s]);
  });

  it('answers: formats the response, computes success, reports time since the attempt', () => {
    const { tracker } = make();
    tracker.attempt(q1);
    tracker.attempt(q1);
    vi.advanceTimersByTime(12_340);
    const s = tracker.answer(q1, ['a'], { score: 0 })!;
    expect(s.result).toMatchObject({
      response: 'a',
      success: false,
      score: { scaled: 0 },
      duration: 'PT12.34S',
    });
    expect(s.context!.extensions![X.attempt]).toBe(2);
    expect(s.object).toMatchObject({
      definition: { interactionType: 'choice', correctResponsesPattern: ['b'] },
    });
    expect(tracker.answer(q1, ['b'])!.result!.success).toBe(true);
  });

  it('gives one statement its own parent and objectives (a question inside a quiz)', () => {
    const { tracker } = make({
      context: { parent: 'https://example.org/unit', course: 'https://lms.example/course/7' },
    });
    const quiz = { id: 'https://example.org/quiz', name: 'Quiz' };
    const own = {
      parent: quiz,
      objectives: ['https://example.org/c/1', { id: 'https://example.org/c/2', name: 'C2' }],
    };
    const s = tracker.answer(q1, ['b'], { score: 1, context: own })!;
    expect(s.context!.contextActivities).toMatchObject({
      parent: [{ id: 'https://example.org/quiz', definition: { name: { fr: 'Quiz' } } }],
      grouping: [{ id: 'https://lms.example/course/7' }],
      other: [
        {
          id: 'https://example.org/c/1',
          definition: { type: 'http://adlnet.gov/expapi/activities/objective' },
        },
        {
          id: 'https://example.org/c/2',
          definition: { name: { fr: 'C2' }, type: 'http://adlnet.gov/expapi/activities/objective' },
        },
      ],
    });
    expect(s.result).toEqual({ response: 'b', success: true, score: { scaled: 1 } });
    expect(
      tracker.attempt(quiz, { context: { parent: 'https://example.org/lesson' } })!.context!
        .contextActivities!.parent,
    ).toEqual([{ objectType: 'Activity', id: 'https://example.org/lesson', definition: {} }]);
    // without its own context a statement keeps the tracker's parent and has no objectives
    const plain = tracker.complete(quiz)!.context!.contextActivities!;
    expect(plain.parent![0]!.id).toBe('https://example.org/unit');
    expect(plain.other).toBeUndefined();
  });

  it('completes with active time only: hidden and idle periods excluded, idle seconds reported', () => {
    const { tracker } = make({ idleTimeout: 60_000, heartbeat: 0 });
    tracker.attempt('https://example.org/lesson');
    vi.advanceTimersByTime(10_000);
    setVisible(false);
    vi.advanceTimersByTime(600_000);
    setVisible(true);
    vi.advanceTimersByTime(100_000); // 60 s active after coming back, then 40 s idle
    const s = tracker.complete('https://example.org/lesson', { success: true, score: { raw: 8, max: 10 } })!;
    expect(s.result).toEqual({
      completion: true,
      success: true,
      score: { raw: 8, max: 10 },
      duration: 'PT1M10S',
      extensions: { [X.idleSeconds]: 40 },
    });
    expect(tracker.time('https://example.org/lesson')).toBeUndefined();
  });

  it('initialize/terminate default to the parent activity and report the session time', () => {
    const { tracker } = make({ context: { parent: 'https://example.org/unit' }, heartbeat: 0 });
    expect(tracker.initialize()!.object.id).toBe('https://example.org/unit');
    vi.advanceTimersByTime(5000);
    const s = tracker.terminate()!;
    expect(s.verb.id).toBe('http://adlnet.gov/expapi/verbs/terminated');
    expect(s.result!.duration).toBe('PT5S');
    expect(s.context!.contextActivities!.parent).toBeUndefined(); // not its own parent
  });

  it('suspend/resume split the session; pass, fail, progress and experience', () => {
    const { tracker } = make({ heartbeat: 0 });
    tracker.initialize('https://example.org/unit');
    vi.advanceTimersByTime(3000);
    expect(tracker.suspend('https://example.org/unit')!.result!.duration).toBe('PT3S');
    tracker.resume('https://example.org/unit');
    vi.advanceTimersByTime(1000);
    expect(tracker.progress('https://example.org/unit', 0.5)!.result).toMatchObject({
      duration: 'PT1S',
      extensions: { [X.progress]: 0.5 },
    });
    expect(tracker.pass('https://example.org/unit', { score: 0.9 })!.result).toMatchObject({
      success: true,
      score: { scaled: 0.9 },
    });
    expect(tracker.fail('https://example.org/unit')!.result!.success).toBe(false);
    expect(tracker.experience('https://example.org/video')!.verb.id).toBe(
      'http://adlnet.gov/expapi/verbs/experienced',
    );
  });

  it('send() queues a raw statement, adding id, timestamp and actor', async () => {
    const { tracker, sent } = make();
    const s = tracker.send({
      verb: { id: 'http://adlnet.gov/expapi/verbs/interacted' },
      object: { id: 'https://x/1' },
    })!;
    expect(s).toMatchObject({ actor, id: expect.any(String), timestamp: expect.any(String) });
    await tracker.flush();
    expect(sent()).toEqual([s]);
  });
});

describe('navigation', () => {
  it('emits experienced with from/to and the active seconds on the previous screen', () => {
    const { tracker } = make({ heartbeat: 0 });
    const first = tracker.navigate({ id: 'https://app.example/home', name: 'Accueil' })!;
    expect(first.context!.extensions).toMatchObject({ [X.navigationTo]: 'https://app.example/home' });
    expect(first.context!.extensions![X.navigationFrom]).toBeUndefined();
    expect(first.object.definition).toMatchObject({ type: 'https://kairos.dev/xapi/activities/screen' });
    vi.advanceTimersByTime(4500);
    const second = tracker.navigate('https://app.example/lesson/2')!;
    expect(second.context!.extensions).toMatchObject({
      [X.navigationFrom]: 'https://app.example/home',
      [X.navigationTo]: 'https://app.example/lesson/2',
    });
    expect(second.result!.extensions![X.timeOnPrevious]).toBe(4.5);
  });
});

describe('active-time pings', () => {
  it('sends progressed every heartbeat while active, and none while hidden', () => {
    const { tracker } = make({ heartbeat: 30_000 });
    const spy = vi.fn((s: Statement) => s);
    trackers.pop()!.destroy();
    const t = createTracker({ ...baseOpts(), heartbeat: 30_000, beforeSend: spy });
    trackers.push(t, tracker);
    t.attempt('https://example.org/lesson');
    vi.advanceTimersByTime(30_000);
    const pings = () => spy.mock.calls.map((c) => c[0]).filter((s) => s.verb.id.endsWith('progressed'));
    expect(pings().map((s) => s.result!.duration)).toEqual(['PT30S']);
    setVisible(false);
    vi.advanceTimersByTime(120_000);
    expect(pings()).toHaveLength(1);
    setVisible(true);
    vi.advanceTimersByTime(30_000);
    expect(pings().map((s) => s.result!.duration)).toEqual(['PT30S', 'PT1M']);
  });

  it('samples pings deterministically per actor, never other statements', () => {
    const spy = vi.fn((s: Statement) => s);
    const t = createTracker({ ...baseOpts(), sampleRate: 0, beforeSend: spy });
    trackers.push(t);
    t.attempt('https://example.org/lesson');
    vi.advanceTimersByTime(90_000);
    t.complete('https://example.org/lesson');
    expect(spy.mock.calls.map((c) => c[0].verb.id.split('/').pop())).toEqual(['attempted', 'completed']);
  });
});

function baseOpts(): TrackerOptions {
  return {
    endpoint: 'https://kairos.test/xapi',
    token: 'tok',
    actor,
    storage: 'memory',
    fetch: fakeFetch().fetch,
  };
}

describe('privacy and control', () => {
  it('starts disabled with requireConsent until consent(true)', async () => {
    const { tracker, sent } = make({ requireConsent: true, name: 'c1', storage: 'localStorage' });
    expect(tracker.enabled).toBe(false);
    expect(tracker.attempt('https://x/1')).toBeNull();
    tracker.consent(true);
    expect(tracker.attempt('https://x/2')).not.toBeNull();
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent().map((s) => s.object.id)).toEqual(['https://x/2']);
    // Granted consent is remembered on the next page load.
    expect(make({ requireConsent: true, name: 'c1', storage: 'localStorage' }).tracker.enabled).toBe(true);
  });

  it('persists an opt-out, which wins over everything, and empties the queue', async () => {
    const { tracker, net } = make({ name: 'c2', storage: 'localStorage' });
    tracker.attempt('https://x/1');
    tracker.consent(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(net.calls).toHaveLength(0);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('kairos:q:c2:'))).toEqual([]);
    const again = make({ name: 'c2', storage: 'localStorage' });
    expect(again.tracker.enabled).toBe(false);
    expect(again.tracker.answer(q1, ['b'])).toBeNull();
  });

  it('beforeSend enriches or drops statements', async () => {
    const { tracker, sent } = make({
      beforeSend: (s) =>
        String(s.object.id).includes('secret') ? null : { ...s, context: { ...s.context, platform: 'web' } },
    });
    expect(tracker.experience('https://x/secret')).toBeNull();
    tracker.experience('https://x/public');
    await tracker.flush();
    expect(sent().map((s) => [s.object.id, s.context!.platform])).toEqual([['https://x/public', 'web']]);
  });

  it('reports success and failure through callbacks', async () => {
    const onSuccess = vi.fn();
    const onFailure = vi.fn();
    const { tracker, net } = make({ onSuccess, onFailure });
    net.next({ status: 400, body: { message: 'statement[0].verb: bad' } });
    tracker.experience('https://x/1');
    await tracker.flush();
    expect(onFailure).toHaveBeenCalledWith(
      expect.objectContaining({
        code: 'rejected',
        status: 400,
        message: 'statement[0].verb: bad',
        willRetry: false,
      }),
    );
    tracker.experience('https://x/2');
    await tracker.flush();
    expect(onSuccess).toHaveBeenCalledWith([
      expect.objectContaining({ object: expect.objectContaining({ id: 'https://x/2' }) }),
    ]);
  });

  it('warns on the console when statements are dropped, with the server code and message, even without debug', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const onFailure = vi.fn();
    const { tracker, net } = make({ onFailure });
    const message = 'statement[0].actor.account.name: contains U+0000 (NUL) at position 3';
    net.next({ status: 400, body: { code: 'invalid_statement', message } }, 503);
    tracker.experience('https://x/1');
    await tracker.flush();
    expect(onFailure).toHaveBeenLastCalledWith(
      expect.objectContaining({ code: 'rejected', status: 400, serverCode: 'invalid_statement', message }),
    );
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      `[kairos] dropped 1 statement(s): rejected 400 invalid_statement: ${message}`,
    ]);
    // kept and retried: no warning
    tracker.experience('https://x/2');
    await tracker.flush();
    expect(onFailure).toHaveBeenLastCalledWith(
      expect.objectContaining({ code: 'transient', willRetry: true }),
    );
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('warns about likely mistakes only in debug mode', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    make({ actor: { mbox: 'mailto:ada@example.org' } }).tracker.experience('not-an-iri');
    expect(warn).not.toHaveBeenCalled();
    make({ actor: { mbox: 'mailto:ada@example.org' }, debug: true }).tracker.experience('not-an-iri');
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining('e-mail or name'),
      expect.stringContaining('not an absolute IRI'),
    ]);
  });
});

describe('page lifecycle', () => {
  it('on pagehide, pings running activities and sends them with keepalive, synchronously', () => {
    fakeBeacon();
    const { tracker, net } = make();
    tracker.attempt('https://example.org/lesson');
    vi.advanceTimersByTime(1500);
    dispatchEvent(new Event('pagehide'));
    expect(net.calls).toHaveLength(1);
    expect(net.calls[0]!.init.keepalive).toBe(true);
    expect(net.calls[0]!.body.map((s) => (s as Statement).verb.id.split('/').pop())).toEqual([
      'attempted',
      'progressed',
    ]);
  });

  it('sends a statement recorded in a later pagehide listener at once', () => {
    fakeBeacon();
    const { tracker, net } = make({ heartbeat: 0 });
    tracker.initialize('https://example.org/unit');
    addEventListener('pagehide', () => tracker.terminate('https://example.org/unit'), { once: true });
    dispatchEvent(new Event('pagehide'));
    const verbs = net.calls.flatMap((c) => c.body.map((s) => (s as Statement).verb.id.split('/').pop()));
    expect(verbs).toEqual(['initialized', 'terminated']);
    setVisible(true); // back from the bfcache: normal batching again
    tracker.experience('https://x/1');
    expect(net.calls).toHaveLength(2);
  });

  it('flushes when the tab becomes hidden', () => {
    const { tracker, net } = make();
    tracker.experience('https://x/1');
    setVisible(false);
    expect(net.calls).toHaveLength(1);
  });

  it('pauses offline and sends when the browser is back online', async () => {
    const { tracker, net } = make();
    setOnline(false);
    tracker.experience('https://x/1');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(net.calls).toHaveLength(0);
    setOnline(true);
    await settle();
    expect(net.calls).toHaveLength(1);
  });

  it('resumes after a 401 with setToken', async () => {
    const { tracker, net } = make();
    net.next(401);
    tracker.experience('https://x/1');
    await tracker.flush();
    tracker.setToken('fresh');
    await settle();
    expect(net.calls.map((c) => (c.init.headers as Record<string, string>).Authorization)).toEqual([
      'Bearer tok',
      'Bearer fresh',
    ]);
  });
});

describe('setup', () => {
  it('reads endpoint, token, actor, context and language from the launch page', async () => {
    const el = document.createElement('script');
    el.type = 'application/json';
    el.id = 'kairos-launch';
    el.textContent = JSON.stringify({
      endpoint: 'https://kairos.test/xapi',
      token: 'launch-token',
      actor,
      context: {
        registration: 'r-1',
        course: { id: 'https://lms.example/c/1' },
        parent: { id: 'https://x/unit' },
      },
      language: 'en',
    });
    document.head.append(el);
    const net = fakeFetch();
    const t = createTracker({ launch: true, fetch: net.fetch, storage: 'memory' });
    trackers.push(t);
    const s = t.experience({ id: 'https://x/page', name: 'Page' })!;
    expect(s).toMatchObject({
      actor,
      object: { definition: { name: { en: 'Page' } } },
      context: { registration: 'r-1', contextActivities: { parent: [{ id: 'https://x/unit' }] } },
    });
    await t.flush();
    expect(net.calls[0]!.url).toBe('https://kairos.test/xapi/statements');
    expect((net.calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer launch-token');
    el.remove();
  });

  it('lets several trackers coexist, each with its own queue and token', async () => {
    const a = make({ storage: 'localStorage' });
    const b = make({
      storage: 'localStorage',
      token: 'tok-b',
      actor: { account: { homePage: 'https://lms', name: 'b' } },
    });
    a.tracker.experience('https://x/a');
    b.tracker.experience('https://x/b');
    await vi.advanceTimersByTimeAsync(2000);
    expect(a.sent().map((s) => s.object.id)).toEqual(['https://x/a']);
    expect(b.sent().map((s) => s.object.id)).toEqual(['https://x/b']);
    expect((b.net.calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer tok-b');
  });

  it('drains statements a previous page load left behind', async () => {
    const first = make({ storage: 'localStorage' });
    setOnline(false);
    first.tracker.experience('https://x/left-behind');
    await settle();
    first.tracker.destroy();
    setOnline(true);
    const second = make({ storage: 'localStorage' });
    await settle();
    expect(second.sent().map((s) => s.object.id)).toEqual(['https://x/left-behind']);
  });
});
