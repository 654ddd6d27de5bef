import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  act,
  analyticsLayouts,
  answered,
  COURSE,
  HAND_COURSE,
  learnerKey,
  shuffled,
  statement,
  store,
} from '../../../../../test/support/learning.js';
import { dumpProjection } from '../../../../../test/support/projection-dump.js';
import { createLogger } from '../../logger.js';
import type { Stores } from '../../storage/types.js';
import { minUuidv7 } from '../../util/uuid.js';
import { BKT_DEFAULTS } from '../mastery/bkt.js';
import { applyBatch } from './batch.js';
import { extract } from './extract.js';
import { Projector } from './projector.js';

for (const [layout, open] of analyticsLayouts) {
  describe(`projection on ${layout}`, () => {
    let stores: Stores;
    let projector: Projector;
    let n = 0;
    const tenant = () => `t${++n}-${Date.now().toString(36)}`;
    beforeAll(async () => {
      stores = await open();
      projector = new Projector(stores, {
        horizon: () => new Date(Date.now() + 1000),
        settleMs: 0,
        batchSize: 7,
        logger: createLogger('silent'),
      });
    });
    afterAll(async () => {
      await stores?.close();
    });

    const activity = async (t: string, a: string) => {
      const gen = (await projector.activeGeneration(t)).gen;
      return (await stores.analytics.queries.activities(t, gen, COURSE)).find((r) => r.activity === a);
    };

    it('projects the hand-computed course', async () => {
      const t = tenant();
      const sent = HAND_COURSE.map(answered);
      await store(stores, t, sent);
      expect(await projector.settle(t)).toBe(sent.length);
      const gen = (await projector.activeGeneration(t)).gen;
      const q1 = await activity(t, act(1));
      // n = 5, first attempts right: ann, dan; ≥ 3 attempts and no success: bob, eve;
      // median active time on q1: 15 (bob), 20, 20, 20, 150 (eve) s → 20 s, and only eve passes 2 × 20 s
      expect(q1).toMatchObject({
        position: 1,
        n: 5,
        assessed: 5,
        firstSuccess: 2,
        repeated: 2,
        slow: 1,
        medianActiveMs: 20_000,
        reference: 'median',
        repeatedLearners: [learnerKey('bob'), learnerKey('eve')],
        slowLearners: [learnerKey('eve')],
      });
      expect((await activity(t, act(2)))?.position).toBe(2);
      expect((await activity(t, act(3)))?.position).toBe(3);
      // D: furthest step q1, not done, inactive since 2026-03-02: bob and eve
      const dropped = await stores.analytics.queries.dropped(t, gen, COURSE, '2026-03-09T09:00:00Z');
      expect(dropped.get(act(1))).toEqual([learnerKey('bob'), learnerKey('eve')]);
      expect(dropped.get(act(3))).toBeUndefined(); // ann answered q3 right: done
      const learners = await stores.analytics.queries.learners(t, gen, COURSE, {}, 10);
      const byName = new Map(learners.map((l) => [l.learner, l]));
      expect(byName.get(learnerKey('bob'))).toMatchObject({
        struggling: 1,
        stuck: 0,
        reached: 1,
        activeMs: 15_000,
      });
      expect(byName.get(learnerKey('eve'))).toMatchObject({ struggling: 1, stuck: 1 });
      expect(byName.get(learnerKey('ann'))).toMatchObject({ reached: 3, completed: 3, succeeded: 3 });
      const mastery = new Map(
        (await stores.analytics.queries.mastery(t, gen, COURSE)).map((m) => [m.learner, m]),
      );
      // the figures: 2 right → 0.874, 3 wrong → 0.115
      expect(mastery.get(learnerKey('ann'))!.p).toBeCloseTo(0.874, 3);
      expect(mastery.get(learnerKey('ann'))).toMatchObject({ evidence: 2, level: 'acquis' });
      expect(mastery.get(learnerKey('bob'))!.p).toBeCloseTo(0.115, 3);
      expect(mastery.get(learnerKey('bob'))).toMatchObject({ evidence: 3, level: 'non_acquis' });
      // cat: wrong (0.2 → 0.1273), right (→ 0.3963 + 0.6037·0.1 = 0.4567): en_cours
      expect(mastery.get(learnerKey('cat'))!.p).toBeCloseTo(0.4567, 3);
      expect(mastery.get(learnerKey('cat'))!.level).toBe('en_cours');
      expect(mastery.get(learnerKey('dan'))).toMatchObject({ evidence: 1, level: undefined });
      const evidence = await stores.analytics.queries.evidence(t, gen, COURSE, learnerKey('bob'));
      expect(evidence.map((e) => [e.pBefore, e.pAfter])).toEqual([
        [0.2, expect.closeTo(0.1273, 3)],
        [expect.closeTo(0.1273, 3), expect.closeTo(0.1161, 3)],
        [expect.closeTo(0.1161, 3), expect.closeTo(0.1145, 3)],
      ]);
    });

    it('gives the same figures whatever the delivery order (late statements with earlier timestamps)', async () => {
      const sent = HAND_COURSE.map(answered);
      const inOrder = tenant();
      await store(stores, inOrder, sent);
      await projector.settle(inOrder);
      for (const seed of [1, 7]) {
        const t = tenant();
        for (const s of shuffled(sent, seed)) await store(stores, t, [s]);
        await projector.settle(t);
        expect(await dumpProjection(stores, t)).toEqual(await dumpProjection(stores, inOrder));
      }
    });

    it('takes a voided statement out of every aggregate, voided before or after projection', async () => {
      const sent = HAND_COURSE.map(answered);
      const target = sent.find((s) => (s.actor as { account: { name: string } }).account.name === 'bob')!;
      const voiding = () =>
        statement('voided', { who: 'teacher', activity: act(1), at: 30 }) as unknown as Record<
          string,
          unknown
        >;
      const voidOf = () => ({ ...voiding(), object: { objectType: 'StatementRef', id: target.id } });
      const without = tenant();
      await store(
        stores,
        without,
        sent.filter((s) => s !== target),
      );
      await projector.settle(without);
      const expected = await dumpProjection(stores, without);
      const after = tenant();
      await store(stores, after, sent);
      await projector.settle(after);
      expect((await activity(after, act(1)))?.repeated).toBe(2);
      await store(stores, after, [voidOf() as never]);
      await projector.settle(after);
      expect((await activity(after, act(1)))?.repeated).toBe(1);
      const before = tenant();
      await store(stores, before, [voidOf() as never]);
      await store(stores, before, sent);
      await projector.settle(before);
      for (const t of [after, before]) {
        const { voided_statements: v, ...rest } = await dumpProjection(stores, t);
        expect(v).toHaveLength(1);
        const { voided_statements: _, ...want } = expected;
        expect(rest).toEqual(want);
      }
    });

    it('reprojects into a new generation with the same figures, answering from the old one until the swap', async () => {
      const t = tenant();
      await store(stores, t, HAND_COURSE.map(answered));
      await projector.settle(t);
      const before = await dumpProjection(stores, t);
      const old = await projector.activeGeneration(t);
      const phases: string[] = [];
      const done = await projector.reproject(t, (p) => {
        phases.push(p.phase);
      });
      expect(done).toMatchObject({
        tenantId: t,
        gen: old.gen + 1,
        phase: 'done',
        projected: HAND_COURSE.length,
        total: HAND_COURSE.length,
      });
      expect(phases[0]).toBe('projecting');
      expect(phases.at(-1)).toBe('done');
      const gens = await stores.analytics.projection.generations(t);
      expect(gens.map((g) => [g.gen, g.state])).toEqual([
        [old.gen + 1, 'active'],
        [old.gen, 'retired'],
      ]);
      expect(await dumpProjection(stores, t)).toEqual(before);
      // the live projection goes on in the new generation
      await store(stores, t, [answered({ who: 'zoe', activity: act(2), at: 90, success: true })]);
      await projector.settle(t);
      expect((await activity(t, act(2)))?.n).toBe(2);
      while ((await stores.analytics.projection.purgeRetired(t, 1000)) > 0);
      expect((await stores.analytics.projection.generations(t)).map((g) => g.gen)).toEqual([old.gen + 1]);
    });

    it('gives the same figures when it catches up on a history (course rows recomputed once at its end)', async () => {
      const sent = HAND_COURSE.map(answered);
      const live = tenant();
      await store(stores, live, sent);
      await projector.settle(live);
      const history = tenant();
      await store(stores, history, sent, { ageMs: 3_600_000 });
      await projector.settle(history);
      expect(await dumpProjection(stores, history)).toEqual(await dumpProjection(stores, live));
    });

    it('changes nothing when a batch is projected twice', async () => {
      const t = tenant();
      await store(stores, t, HAND_COURSE.map(answered));
      await projector.settle(t);
      const once = await dumpProjection(stores, t);
      // replay every statement through a batch, as after a crash between the rows and the checkpoint
      const gen = await projector.activeGeneration(t);
      const records = await stores.record.statements.feed(t, {
        before: minUuidv7(Date.now() + 1000),
        limit: 100,
      });
      const lookup = { courseOfLink: () => undefined, isCourse: () => false };
      const outcome = await stores.analytics.projection.withLock(t, (tx) =>
        applyBatch(
          tx,
          gen.gen,
          records.map((r) => extract(r, lookup)),
          BKT_DEFAULTS,
        ),
      );
      expect(outcome).toMatchObject({ ran: true, value: { inserted: 0 } });
      expect(await dumpProjection(stores, t)).toEqual(once);
    });
  });
}
