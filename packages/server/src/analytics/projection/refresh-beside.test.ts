import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyticsLayouts,
  answered,
  HAND_COURSE,
  shuffled,
  store,
} from '../../../../../test/support/learning.js';
import { dumpProjection } from '../../../../../test/support/projection-dump.js';
import { createLogger } from '../../logger.js';
import type { Stores } from '../../storage/types.js';
import { BKT_DEFAULTS } from '../mastery/bkt.js';
import { Projector } from './projector.js';

// PostgreSQL only: embedded PGlite has one connection, so a refresh and a batch take turns there anyway
const open = analyticsLayouts.find(([layout]) => layout === 'PostgreSQL')![1];

describe('the course refresh runs beside the batches (PostgreSQL)', () => {
  let stores: Stores;
  let n = 0;
  const tenant = () => `rb${++n}-${Date.now().toString(36)}`;
  const projector = (batchSize: number) =>
    new Projector(stores, {
      horizon: () => new Date(Date.now() + 1000),
      settleMs: 0,
      batchSize,
      logger: createLogger('silent'),
    });
  beforeAll(async () => {
    stores = await open();
  });
  afterAll(async () => {
    await stores?.close();
  });

  it('projects a batch while a refresh holds its lock', async () => {
    const t = tenant();
    const p = projector(100);
    await store(stores, t, HAND_COURSE.slice(0, 3).map(answered));
    await p.settle(t);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const refresh = stores.analytics.projection.withLock(
      t,
      async () => {
        entered();
        await gate;
      },
      'refresh',
    );
    await inside;
    try {
      await store(stores, t, HAND_COURSE.slice(3).map(answered));
      const gen = await p.activeGeneration(t);
      const r = await p.projectBatch(gen, BKT_DEFAULTS);
      // a refresh sharing the batches' lock made this undefined (blocked) for as long as it ran
      expect(r?.read).toBe(HAND_COURSE.length - 3);
      // and a second refresh waits for the first one: it does not run beside it
      const second = await stores.analytics.projection.withLock(t, async () => 1, 'refresh');
      expect(second.ran).toBe(false);
    } finally {
      release();
      await refresh;
    }
  });

  it('gives the same figures when refreshes run while small batches commit', async () => {
    const sent = HAND_COURSE.map(answered);
    const plain = tenant();
    await store(stores, plain, sent);
    await projector(1000).settle(plain);
    const t = tenant();
    const p = projector(2);
    const done = { value: false };
    const gen = await p.activeGeneration(t);
    // refreshes back to back, beside batches of 2 statements delivered one at a time in another order
    const refreshing = (async () => {
      while (!done.value) {
        await p.refresh(gen);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      for (const s of shuffled(sent, 3)) {
        await store(stores, t, [s]);
        await p.catchUp(t, false);
      }
    } finally {
      done.value = true;
      await refreshing;
    }
    await p.settle(t);
    expect(await dumpProjection(stores, t)).toEqual(await dumpProjection(stores, plain));
  });
});
