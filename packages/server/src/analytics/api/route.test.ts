import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../../test/support/app.js';
import { SqlRecordStore } from '../../storage/record/sql/record-store.js';
import { openPglite } from '../../storage/sql/database.js';

// Found by test/security/fuzz.test.ts: a NUL in a query parameter reached PostgreSQL, which refuses
// U+0000 in text ("invalid byte sequence for encoding UTF8: 0x00"), and the API answered 500.
describe('/api/v1 refuses strings the stores cannot hold', () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
    key = await app.basic(['all']);
  });
  afterAll(() => app.close());

  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${app.url}/api/v1${path}`, {
      ...init,
      headers: { authorization: key, ...init.headers },
    });
    return { status: res.status, body: (await res.json()) as { code: string; message: string } };
  };

  it('a NUL in a query parameter is a 400 naming it', async () => {
    const r = await call('/frameworks?framework=%00x', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'code,title\nNC1,Comparer\n',
    });
    expect(r).toMatchObject({ status: 400, body: { code: 'invalid_query' } });
    expect(r.body.message).toMatch(/^query\.framework: contains U\+0000/);
  });

  it('a NUL in a path parameter, a CSV body or a JSON body is a 400', async () => {
    expect((await call('/courses/c%00/overview')).status).toBe(400);
    // the live feed is mounted beside the router: its course went to the store unchecked
    expect(await call('/courses/c%00/events')).toMatchObject({
      status: 400,
      body: { code: 'invalid_query' },
    });
    const csv = await call('/alignments', {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: 'activity,competency,weight\nhttps://a.example/\u0000,NC1,1\n',
    });
    expect(csv).toMatchObject({ status: 400, body: { code: 'invalid_body' } });
    const json = await call('/settings/mastery', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ levels: ['\u0000'] }),
    });
    expect(json).toMatchObject({ status: 400, body: { code: 'invalid_body' } });
  });
});
