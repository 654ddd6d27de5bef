import { describe, expect, it } from 'vitest';
import { SqlRecordStore } from '../storage/record/sql/record-store.js';
import { openPglite } from '../storage/sql/database.js';
import { scoreOf } from './ags.js';
import { type AgsScore, backoffMs, ScoreQueue, UNREACHABLE_CAP_MS } from './ags-queue.js';

const score = (timestamp: string, scoreGiven: number): AgsScore => ({
  userId: 'u1',
  scoreGiven,
  scoreMaximum: 10,
  timestamp,
  activityProgress: 'Completed',
  gradingProgress: 'FullyGraded',
});
const job = (s: AgsScore) => ({
  tenantId: 't',
  contextId: 'c',
  resourceLinkId: 'l',
  lineItemUrl: 'https://lms/li/1',
  score: s,
});

describe('ScoreQueue', () => {
  it('keeps one job per line item and learner; an older score never replaces a newer one', async () => {
    const store = new SqlRecordStore(await openPglite('memory://'));
    await store.migrate();
    const q = new ScoreQueue(store.keyed);
    expect(await q.enqueue(job(score('2026-01-01T10:00:00.000Z', 5)))).toBe(true);
    expect(await q.enqueue(job(score('2026-01-01T09:00:00.000Z', 9)))).toBe(false);
    expect(await q.enqueue(job(score('2026-01-01T11:00:00.000Z', 7)))).toBe(true);
    const [due] = await q.due();
    expect(due!.score.scoreGiven).toBe(7);
    expect(await q.claim(due!)).toBe(true);
    expect(await q.claim(due!)).toBe(false); // another sender lost the race
    await q.settle({ ...due!, status: 'sending' }, { ok: false, error: 'HTTP 503' });
    const [failed] = await q.ofContext('t', 'c');
    expect(failed).toMatchObject({ status: 'retrying', attempts: 1, lastError: 'HTTP 503' });
    expect(await q.due()).toHaveLength(0); // backing off
    expect(await q.retryNow('t', 'c')).toBe(1);
    const [again] = await q.due();
    await q.claim(again!);
    await q.settle({ ...again!, status: 'sending' }, { ok: true });
    expect((await q.ofContext('t', 'c'))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    await store.close();
  });

  it('backs off exponentially, capped at an hour', () => {
    expect(backoffMs(1, () => 0.5)).toBe(5000);
    expect(backoffMs(3, () => 0.5)).toBe(20_000);
    expect(backoffMs(40, () => 0.5)).toBe(3_600_000);
  });

  it('tries a score again within 5 min (+25 %) while its platform is unreachable, however long the outage', async () => {
    expect(backoffMs(40, () => 0.5, UNREACHABLE_CAP_MS)).toBe(300_000);
    expect(backoffMs(40, () => 1, UNREACHABLE_CAP_MS)).toBe(375_000);
    const store = new SqlRecordStore(await openPglite('memory://'));
    await store.migrate();
    const q = new ScoreQueue(store.keyed);
    await q.enqueue(job(score('2026-01-01T10:00:00.000Z', 5)));
    await q.enqueue({
      ...job(score('2026-01-01T10:00:00.000Z', 5)),
      contextId: 'c2',
      lineItemUrl: 'https://lms/li/2',
    });
    const settleAfter = async (lineItemUrl: string, attempts: number, unreachable: boolean) => {
      const [j] = (await q.ofContext('t', lineItemUrl.endsWith('1') ? 'c' : 'c2'))!;
      await q.claim(j!);
      await q.settle({ ...j!, status: 'sending', attempts }, { ok: false, error: 'x', unreachable });
      const [after] = await q.ofContext('t', lineItemUrl.endsWith('1') ? 'c' : 'c2');
      return Date.parse(after!.nextAttemptAt) - Date.now();
    };
    // the 20th failure in a row: an unreachable platform is tried again within the cap, a refusal in an hour
    expect(await settleAfter('https://lms/li/1', 19, true)).toBeLessThanOrEqual(375_000);
    expect(await settleAfter('https://lms/li/2', 19, false)).toBeGreaterThan(2_000_000);
    // its platform back, every retrying score of the tenant is due, whatever its context
    expect(await q.retryNow('t')).toBe(2);
    expect(await q.due()).toHaveLength(2);
    expect((await q.unsent()).map((c) => [c.tenantId, c.status, c.count])).toEqual([['t', 'retrying', 2]]);
    await store.close();
  });
});

describe('scoreOf', () => {
  it('sends scoreMaximum with scoreGiven, from raw/max, credit, or success', () => {
    const at = '2026-01-01T10:00:00.000Z';
    const base = { ts: at, completion: true };
    expect(scoreOf({ ...base, score: { raw: 7, max: 10 }, credit: 0.7 }, 'u', 20)).toMatchObject({
      scoreGiven: 7,
      scoreMaximum: 10,
      timestamp: at,
    });
    expect(scoreOf({ ...base, credit: 0.5 }, 'u', 20)).toMatchObject({ scoreGiven: 10, scoreMaximum: 20 });
    expect(scoreOf({ ...base, success: true }, 'u')).toMatchObject({
      scoreGiven: 1,
      scoreMaximum: 1,
      gradingProgress: 'FullyGraded',
    });
    expect(scoreOf({ ts: at, completion: false }, 'u')).toMatchObject({
      activityProgress: 'Completed',
      gradingProgress: 'Pending',
    });
  });
});
