import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { SqlRecordStore } from '../storage/record/sql/record-store.js';
import { openPglite } from '../storage/sql/database.js';

describe('rate limit (KAIROS_RATE_LIMIT)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')), { KAIROS_RATE_LIMIT: '3' });
  });
  afterAll(async () => app?.close());

  it('answers 429 with Retry-After past the per-credential limit, and counts each credential apart', async () => {
    const first = await app.basic(['all']);
    const second = await app.basic(['all']);
    const get = (auth: string) =>
      fetch(`${app.url}/xapi/statements?limit=1`, {
        headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(first)).status);
    // a window boundary may fall inside the loop; then the count restarts and all four pass
    if (statuses.includes(429)) {
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await get(first);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await limited.json()).code).toBe('rate_limited');
    } else expect(statuses).toEqual([200, 200, 200, 200]);
    expect((await get(second)).status).toBe(200);
  });
});
