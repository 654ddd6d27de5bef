import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsLayouts, answered, HAND_COURSE, store } from '../../../../../test/support/learning.js';
import { createLogger } from '../../logger.js';
import type { Stores } from '../../storage/types.js';
import { Projector } from './projector.js';

const open = analyticsLayouts.find(([layout]) => layout === 'PGlite')![1];

describe('passEveryMs: live passes are spaced, and nothing asked for is left behind', () => {
  let stores: Stores;
  /** When each live pass began on the tenant under test (ms since the test began). */
  let passes: number[];
  let began: number;
  let tenant = '';
  beforeAll(async () => {
    stores = await open();
  });
  afterAll(async () => {
    await stores?.close();
  });

  const projector = (passEveryMs: number) => {
    const p = new Projector(stores, {
      horizon: () => new Date(Date.now() + 1000),
      settleMs: 0,
      passEveryMs,
      pollMs: 600_000,
      logger: createLogger('silent'),
    });
    // a live pass catches up each tenant it was woken for
    const inside = p as unknown as { catchUp(tenantId: string): Promise<void> };
    const catchUp = inside.catchUp.bind(p);
    inside.catchUp = (tenantId) => {
      if (tenantId === tenant) passes.push(performance.now() - began);
      return catchUp(tenantId);
    };
    return p;
  };

  /** Stores one statement and wakes the projector, `times` times, `everyMs` apart; then waits for lag 0. */
  async function trickle(p: Projector, times: number, everyMs: number): Promise<number> {
    passes = [];
    began = performance.now();
    for (const step of HAND_COURSE.slice(0, times)) {
      await store(stores, tenant, [answered(step)]);
      p.wake(tenant);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await expect.poll(async () => (await p.lag(tenant)).statements, { timeout: 5000, interval: 50 }).toBe(0);
    return performance.now() - began;
  }

  it('with 300 ms, a write every 40 ms gets a pass at most every 300 ms, and all of them are projected', async () => {
    const p = projector(300);
    await p.start();
    try {
      tenant = `pi-${Date.now().toString(36)}`;
      const took = await trickle(p, 8, 40);
      for (let i = 1; i < passes.length; i++) expect(passes[i]! - passes[i - 1]!).toBeGreaterThanOrEqual(290);
      // 8 writes, 40 ms apart and each taking its own time: at most one pass per 300 ms of that
      expect(passes.length).toBeLessThanOrEqual(Math.ceil(took / 300) + 1);
      expect(passes.length).toBeLessThan(8);
    } finally {
      await p.stop();
    }
  });

  it('with 0 (no interval), every wake-up that finds the projector idle gets a pass at once', async () => {
    const p = projector(0);
    await p.start();
    try {
      tenant = `pz-${Date.now().toString(36)}`;
      await trickle(p, 4, 150);
      expect(passes.length).toBeGreaterThanOrEqual(4);
    } finally {
      await p.stop();
    }
  });

  it('stop() does not wait out a pass put off by the interval', async () => {
    const p = projector(2000);
    await p.start();
    tenant = `ps-${Date.now().toString(36)}`;
    passes = [];
    began = performance.now();
    await store(stores, tenant, [answered(HAND_COURSE[0]!)]);
    p.wake(tenant);
    await expect.poll(async () => (await p.lag(tenant)).statements, { timeout: 5000, interval: 20 }).toBe(0);
    p.wake(tenant); // put off for up to 2 s
    const t0 = performance.now();
    await p.stop();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(passes).toHaveLength(1);
  });
});
