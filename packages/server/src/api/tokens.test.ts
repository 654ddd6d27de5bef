import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { SqlRecordStore } from '../storage/record/sql/record-store.js';
import { openPglite } from '../storage/sql/database.js';

const actor = { objectType: 'Agent', account: { homePage: 'https://site.example', name: 'user-7' } };

describe('POST /api/v1/tokens', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
  });
  afterAll(async () => app?.close());

  const mint = (auth: string, body: unknown) =>
    fetch(`${app.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('mints a learner token that writes only about its learner', async () => {
    const key = await app.basic(['all']);
    const res = await mint(key, { role: 'learner', actor, ttl: 600 });
    expect(res.status).toBe(201);
    const { token, expiresIn, endpoint } = (await res.json()) as {
      token: string;
      expiresIn: number;
      endpoint: string;
    };
    expect(expiresIn).toBe(600);
    expect(endpoint).toBe('http://lrs.test/xapi');
    const post = (who: unknown) =>
      fetch(`${app.url}/xapi/statements`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'x-experience-api-version': '2.0.0',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          actor: who,
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
          object: { id: 'https://site.example/a' },
        }),
      });
    expect((await post(actor)).status).toBe(200);
    expect((await post({ ...actor, account: { ...actor.account, name: 'user-8' } })).status).toBe(403);
  });

  it('never grants more than the key holds, and rejects bad requests clearly', async () => {
    const writer = await app.basic(['statements/write', 'statements/read/mine']);
    expect((await mint(writer, { role: 'learner', actor })).status).toBe(201);
    const wider = await mint(writer, { role: 'instructor' });
    expect(wider.status).toBe(403);
    expect((await wider.json()).message).toMatch(/cannot grant statements\/read, analytics\/read/);
    const noActor = await mint(writer, { role: 'learner' });
    expect(noActor.status).toBe(400);
    const badActor = await mint(writer, { role: 'learner', actor: { mbox: 'bob' } });
    expect(badActor.status).toBe(400);
    expect((await badActor.json()).message).toMatch(/actor\.mbox/);
    expect((await mint(writer, { role: 'learner', actor, ttl: 5 })).status).toBe(400);
    expect((await mint('Basic eDp5', { role: 'learner', actor })).status).toBe(401);
  });
});

describe('GET /sdk/kairos.js', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
  });
  afterAll(async () => app?.close());

  it('serves the built SDK bundle for script tags', async () => {
    const res = await fetch(`${app.url}/sdk/kairos.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toMatch(/Kairos/);
  });
});
