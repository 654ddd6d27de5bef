import { validateStatement } from '@kairos/xapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsLayouts, store } from '../../../../test/support/learning.js';
import { stuckPointsView } from '../analytics/api/views.js';
import { analyseItem } from '../analytics/item-analysis/item-analysis.js';
import { Projector } from '../analytics/projection/projector.js';
import { createLogger } from '../logger.js';
import type { Stores } from '../storage/types.js';
import { simulateClass } from './index.js';

const start = new Date('2026-02-02T08:00:00Z');
const options = { seed: 7, learners: 40, days: 21, start };

describe('class simulator', () => {
  it('is deterministic from its seed, in timestamp order, and every statement is valid xAPI', () => {
    const a = [...simulateClass(options).statements()];
    const b = [...simulateClass(options).statements()];
    expect(b).toEqual(a);
    expect([...simulateClass({ ...options, seed: 8 }).statements()]).not.toEqual(a);
    for (let i = 1; i < a.length; i++) expect(a[i]!.timestamp! >= a[i - 1]!.timestamp!).toBe(true);
    for (const s of a) validateStatement(s, { version: '2.0.0' });
    expect(new Set(a.map((s) => s.id)).size).toBe(a.length);
  });

  it('gives each learner’s own stream (what the SDK driver replays): that learner’s part of the class’s', () => {
    const sim = simulateClass(options);
    const all = [...sim.statements()];
    let n = 0;
    for (const l of sim.learners) {
      const own = [...sim.statementsOf(l.id)];
      expect(own).toEqual(
        all.filter((s) => (s.actor as { account: { name: string } }).account.name === l.id),
      );
      n += own.length;
    }
    expect(n).toBe(all.length);
    expect([...sim.statementsOf('nobody')]).toEqual([]);
  });

  it('has every kind of learner', () => {
    const sim = simulateClass(options);
    const profiles = new Set(sim.learners.map((l) => l.profile));
    expect([...profiles].sort()).toEqual([
      'abandoner',
      'never-starts',
      'rapid-guesser',
      'regular',
      'wheel-spinner',
    ]);
    const actors = new Set(
      [...sim.statements()].map((s) => (s.actor as { account: { name: string } }).account.name),
    );
    for (const l of sim.learners) expect(actors.has(l.id)).toBe(l.profile !== 'never-starts');
  });
});

describe('a simulated class, projected', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await analyticsLayouts[0]![1]();
  });
  afterAll(async () => stores?.close());

  it('makes the simulator’s stuck activity the top stuck point and flags its wheel-spinners', async () => {
    const sim = simulateClass(options);
    const all = [...sim.statements()];
    for (let i = 0; i < all.length; i += 500) await store(stores, 'sim', all.slice(i, i + 500));
    const projector = new Projector(stores, {
      horizon: () => new Date(Date.now() + 1000),
      settleMs: 0,
      logger: createLogger('silent'),
    });
    await projector.settle('sim');
    const gen = (await projector.activeGeneration('sim')).gen;
    const asOf = new Date(start.getTime() + 21 * 86_400_000);
    const scope = {
      analytics: stores.analytics,
      tenantId: 'sim',
      gen,
      course: { iri: sim.course.iri },
      settings: {},
      asOf,
      pop: {},
      names: false,
    };
    const stuck = await stuckPointsView(scope);
    expect(stuck.activities[0]!.activity).toBe(sim.course.stuckActivity);
    expect(stuck.activities[0]!.flagged).toBe(true);
    const learners = await stores.analytics.queries.learners('sim', gen, sim.course.iri, {}, 10);
    const spinners = sim.learners
      .filter((l) => l.profile === 'wheel-spinner')
      .map((l) => `account:https://lms.example.edu|${l.id}`);
    expect(spinners.length).toBeGreaterThan(0);
    for (const key of spinners)
      expect(learners.find((l) => l.learner === key)?.wheelSpinning).toBeGreaterThan(0);
    const flaggedSpinners = learners.filter((l) => l.wheelSpinning > 0).map((l) => l.learner);
    expect(flaggedSpinners).toEqual(expect.arrayContaining(spinners));
    // the course refresh's item analysis (SQL) equals the reference definition (analyseItem) on every item
    const activities = (await stores.analytics.queries.activities('sim', gen, sim.course.iri)).filter(
      (a) => a.facility !== undefined,
    );
    expect(activities.length).toBeGreaterThan(10);
    for (const a of activities) {
      const attempts = await stores.analytics.queries.firstAttempts('sim', gen, sim.course.iri, a.sequence);
      const ref = analyseItem(a.activity, attempts);
      expect(a.facility).toBeCloseTo(ref.facility!, 10);
      if (ref.discrimination === null) expect(a.discrimination).toBeUndefined();
      else expect(a.discrimination).toBeCloseTo(ref.discrimination, 10);
      expect(a.scores).toEqual(ref.scores);
    }
  });
});
