import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqlRecordStore } from '../storage/record/sql/record-store.js';
import { openPglite } from '../storage/sql/database.js';
import { gradePassback, scoreQueueMetrics } from './ags.js';
import type { AgsScore } from './ags-queue.js';
import type { LtiDeps } from './deps.js';

type Post = (user: string) => Promise<unknown>;

let store: SqlRecordStore;
beforeAll(async () => {
  store = new SqlRecordStore(await openPglite('memory://'));
  await store.migrate();
});
afterAll(() => store.close());
afterEach(() => store.keyed.delete('kairos:ags-score', {}));

/** Grade passback on a real record store, with a fake platform registry and a fake AGS client `post`. */
function passback(post: Post, postTimeoutMs = 200) {
  const warnings: Record<string, unknown>[] = [];
  const deps = {
    keyed: store.keyed,
    registry: {
      list: async () => [],
      get: async (tenantId: string) => ({ tenantId, issuer: `https://${tenantId}`, clientId: 'c' }),
    },
    stores: { analytics: { exclusive: async (_: string, fn: () => Promise<unknown>) => fn() } },
    lti: { Grade: { submitScore: (token: { user: string }) => post(token.user) } },
    logger: { warn: (o: Record<string, unknown>) => warnings.push(o) },
  } as unknown as LtiDeps;
  const job = gradePassback(deps, { postTimeoutMs });
  const enqueue = (tenantId: string, user: string) => {
    const score: AgsScore = {
      userId: user,
      scoreGiven: 1,
      scoreMaximum: 1,
      timestamp: new Date().toISOString(),
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    };
    return job.queue.enqueue({
      tenantId,
      contextId: 'c',
      resourceLinkId: 'l',
      lineItemUrl: `https://${tenantId}/li/1`,
      score,
    });
  };
  return { job, warnings, enqueue };
}

const refused = () =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
const httpError = (statusCode: number) =>
  Promise.reject(Object.assign(new Error(`HTTP ${statusCode}`), { response: { statusCode, body: 'no' } }));

describe('grade passback against a platform that is down', () => {
  it('gives up a post that hangs after its deadline, and the pass goes on', async () => {
    const p = passback((user) => (user === 'hangs' ? new Promise(() => {}) : Promise.resolve()));
    await p.enqueue('down', 'hangs');
    await p.enqueue('up', 'u1');
    const t0 = Date.now();
    await p.job.tick();
    expect(Date.now() - t0).toBeLessThan(2000);
    const [hung] = await p.job.queue.ofContext('down', 'c');
    expect(hung).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(hung!.lastError).toMatch(/no answer within 200 ms/);
    expect((await p.job.queue.ofContext('up', 'c'))[0]).toMatchObject({ status: 'sent' });
    // the stop of a process waits for the pass in flight: never longer than a deadline
    await p.job.stop();
  });

  it('tries one score per pass on a platform that does not answer; other platforms are not held', async () => {
    const tried: string[] = [];
    const p = passback(async (user) => {
      tried.push(user);
      if (user.startsWith('down-')) return refused();
    });
    for (const u of ['down-1', 'down-2', 'down-3']) await p.enqueue('down', u);
    await p.enqueue('up', 'up-1');
    await p.job.tick();
    expect(tried.filter((u) => u.startsWith('down-'))).toHaveLength(1);
    expect(tried).toContain('up-1');
    const down = await p.job.queue.ofContext('down', 'c');
    expect(down.map((j) => j.status).sort()).toEqual(['pending', 'pending', 'retrying']);
    expect(p.warnings).toHaveLength(1);
    // a refusal of one score (4xx) says nothing of the platform: the others are still tried
    const q = passback(async (user) => {
      tried.push(user);
      return httpError(400);
    });
    for (const u of ['r-1', 'r-2']) await q.enqueue('t', u);
    await q.job.tick();
    expect(tried.filter((u) => u.startsWith('r-'))).toHaveLength(2);
  });

  it('sends every waiting score as soon as the platform answers again, not at the end of each backoff', async () => {
    let up = false;
    const p = passback(async () => (up ? undefined : httpError(503)));
    for (const u of ['a', 'b', 'c']) await p.enqueue('t', u);
    // three passes: each tries one score, which backs off (5 s and more)
    for (let i = 0; i < 3; i++) await p.job.tick();
    let jobs = await p.job.queue.ofContext('t', 'c');
    expect(jobs.map((j) => j.status)).toEqual(['retrying', 'retrying', 'retrying']);
    expect(await p.job.queue.due()).toHaveLength(0);
    // the platform is back; a new score is the first post it answers, and the others follow in that pass
    up = true;
    await p.enqueue('t', 'd');
    await p.job.tick();
    jobs = await p.job.queue.ofContext('t', 'c');
    expect(jobs.map((j) => j.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('shows the waiting scores on /metrics, per tenant', async () => {
    const p = passback(async () => httpError(503));
    const registry = new Registry();
    scoreQueueMetrics(registry, p.job.queue);
    for (const u of ['a', 'b']) await p.enqueue('t1', u);
    await p.enqueue('t2', 'a');
    await p.job.tick(); // t1: one tried (retrying), one waiting; t2: tried
    const text = await registry.metrics();
    expect(text).toContain('kairos_ags_scores_pending{tenant="t1"} 2');
    expect(text).toContain('kairos_ags_scores_pending{tenant="t2"} 1');
    expect(text).toContain('kairos_ags_scores_retrying{tenant="t1"} 1');
    expect(text).toContain('kairos_ags_scores_retrying{tenant="t2"} 1');
  });
});
