import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { SqlRecordStore } from '../storage/record/sql/record-store.js';
import { openPglite } from '../storage/sql/database.js';

// Found by test/security/fuzz.test.ts: a form field given twice parses as a list; as the Authorization
// header it reached authentication as an array (`header.split is not a function`) and the LRS answered 500.
describe('alternate request syntax', () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
    key = await app.basic(['all']);
  });
  afterAll(() => app.close());

  const post = (fields: [string, string][]) =>
    fetch(`${app.url}/xapi/statements?method=GET`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });

  it('serves a GET sent as a form', async () => {
    const res = await post([
      ['Authorization', key],
      ['X-Experience-API-Version', '1.0.3'],
      ['limit', '1'],
    ]);
    expect(res.status).toBe(200);
  });

  it('refuses a field given twice with a 400 naming it', async () => {
    const base: [string, string][] = [
      ['authorization', key],
      ['x-experience-api-version', '1.0.3'],
      ['limit', '1'],
    ];
    for (const [name, value] of base) {
      const res = await post([...base, [name, value]]);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'alternate_syntax',
        message: `form field "${name}" is given more than once`,
      });
    }
  });
});
