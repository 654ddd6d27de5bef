import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../../test/support/app.js';
import { recordStoreFactories } from '../../../../../test/support/record-stores.js';
import { mintToken } from '../../auth/tokens.js';

const agent = (name: string) => ({
  objectType: 'Agent' as const,
  account: { homePage: 'https://lms.example', name },
});
const ACT = 'https://course.example/activities/unit-1';
const sha1 = (b: string | Buffer) => `"${createHash('sha1').update(b).digest('hex')}"`;
const qs = (params: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ).toString();

for (const [backend, open] of recordStoreFactories) {
  describe(`xAPI document resources on ${backend}`, () => {
    let app: TestApp;
    let auth: string;
    const call = (
      path: string,
      init: {
        method?: string;
        body?: string | Buffer;
        headers?: Record<string, string>;
        version?: string;
      } = {},
    ) =>
      fetch(`${app.url}/xapi${path}`, {
        method: init.method ?? 'GET',
        body:
          typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body),
        headers: {
          authorization: auth,
          'x-experience-api-version': init.version ?? '2.0.0',
          ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
      });
    /** State params of a fresh document. */
    const state = (over: Record<string, unknown> = {}) => ({
      activityId: ACT,
      agent: agent('alice'),
      stateId: `s-${randomUUID()}`,
      ...over,
    });
    const statePath = (p: Record<string, unknown>) => `/activities/state?${qs(p)}`;

    beforeAll(async () => {
      const record = await open();
      if (!record) throw new Error(`${backend} unavailable`);
      app = await startTestApp(record, { KAIROS_BODY_LIMIT: '64kb' });
      auth = await app.basic(['all']);
    });
    afterAll(async () => app?.close());

    it('stores any content type and serves the bytes verbatim with ETag and Last-Modified', async () => {
      const p = state();
      const bytes = Buffer.from([0, 159, 146, 150, 0x7b]);
      const put = await call(statePath(p), {
        method: 'PUT',
        body: bytes,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(put.status).toBe(204);
      const got = await call(statePath(p));
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/octet-stream');
      expect(got.headers.get('etag')).toBe(sha1(bytes));
      expect(Date.parse(got.headers.get('last-modified')!)).toBeGreaterThan(Date.now() - 60_000);
      expect(Buffer.compare(Buffer.from(await got.arrayBuffer()), bytes)).toBe(0);
      // JSON too: spacing and key order survive, and the ETag is the SHA-1 of those exact bytes
      const json = '{ "z": 1,\n  "a": [1, 2.50] }';
      const p2 = state();
      expect((await call(statePath(p2), { method: 'PUT', body: json })).status).toBe(204);
      const got2 = await call(statePath(p2));
      expect(await got2.text()).toBe(json);
      expect(got2.headers.get('etag')).toBe(sha1(json));
      // HEAD: same headers, no body
      const head = await call(statePath(p2), { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('etag')).toBe(sha1(json));
      expect(await head.text()).toBe('');
      expect((await call(statePath(state()))).status).toBe(404);
    });

    it('merges JSON objects on POST (one level deep) and refuses to merge anything else', async () => {
      const p = state();
      expect(
        (await call(statePath(p), { method: 'POST', body: '{"car":"Honda","deep":{"a":1}}' })).status,
      ).toBe(204);
      expect(
        (await call(statePath(p), { method: 'POST', body: '{"type":"Civic","deep":{"b":2}}' })).status,
      ).toBe(204);
      expect(await (await call(statePath(p))).json()).toEqual({
        car: 'Honda',
        type: 'Civic',
        deep: { b: 2 },
      });
      const notJson = await call(statePath(p), {
        method: 'POST',
        body: 'abc',
        headers: { 'content-type': 'text/plain' },
      });
      expect(notJson.status).toBe(400);
      expect((await notJson.json()).code).toBe('document_not_mergeable');
      expect((await call(statePath(p), { method: 'POST', body: '[1,2]' })).status).toBe(400);
      expect((await call(statePath(p), { method: 'POST', body: '{"broken":' })).status).toBe(400);
      // stored non-JSON is never merged into
      const bin = state();
      await call(statePath(bin), { method: 'PUT', body: 'raw', headers: { 'content-type': 'text/plain' } });
      expect((await call(statePath(bin), { method: 'POST', body: '{"a":1}' })).status).toBe(400);
      expect(await (await call(statePath(bin))).text()).toBe('raw');
      // PUT of application/json must be JSON
      expect((await call(statePath(state()), { method: 'PUT', body: '{nope' })).status).toBe(400);
    });

    it('honours If-Match and If-None-Match with 412, and never changes the document then', async () => {
      const p = { activityId: ACT, profileId: `p-${randomUUID()}` };
      const path = `/activities/profile?${qs(p)}`;
      expect(
        (await call(path, { method: 'PUT', body: '{"v":1}', headers: { 'if-none-match': '*' } })).status,
      ).toBe(204);
      const etag = (await call(path)).headers.get('etag')!;
      expect(
        (await call(path, { method: 'PUT', body: '{"v":2}', headers: { 'if-none-match': '*' } })).status,
      ).toBe(412);
      for (const method of ['PUT', 'POST', 'DELETE']) {
        const res = await call(path, {
          method,
          body: method === 'DELETE' ? undefined : '{"v":3}',
          headers: { 'if-match': '"1234"' },
        });
        expect(res.status, method).toBe(412);
        expect((await res.json()).code).toBe('precondition_failed');
      }
      expect(await (await call(path)).json()).toEqual({ v: 1 });
      expect(
        (await call(path, { method: 'PUT', body: '{"v":4}', headers: { 'if-match': etag } })).status,
      ).toBe(204);
      const etag4 = (await call(path)).headers.get('etag')!;
      expect(etag4).toBe(sha1('{"v":4}'));
      expect(
        (await call(path, { method: 'POST', body: '{"w":5}', headers: { 'if-match': etag4 } })).status,
      ).toBe(204);
      const etag5 = (await call(path)).headers.get('etag')!;
      expect((await call(path, { method: 'DELETE', headers: { 'if-match': etag4 } })).status).toBe(412);
      expect(
        (await call(path, { method: 'DELETE', headers: { 'if-match': `W/${etag5}, "x"` } })).status,
      ).toBe(204);
      expect((await call(path)).status).toBe(404);
      // If-Match on a missing document fails too
      expect((await call(path, { method: 'PUT', body: '{}', headers: { 'if-match': '*' } })).status).toBe(
        412,
      );
    });

    it('answers 409 to a PUT over an existing document without a precondition (2.0: State too)', async () => {
      const p = state();
      expect((await call(statePath(p), { method: 'PUT', body: '{"a":1}' })).status).toBe(204);
      const again = await call(statePath(p), { method: 'PUT', body: '{"a":2}' });
      expect(again.status).toBe(409);
      expect((await again.json()).message).toMatch(/If-Match/);
      expect(await (await call(statePath(p))).json()).toEqual({ a: 1 });
      // 1.0.3: State is exempt (plain overwrite)
      expect((await call(statePath(p), { method: 'PUT', body: '{"a":3}', version: '1.0.3' })).status).toBe(
        204,
      );
      expect(await (await call(statePath(p))).json()).toEqual({ a: 3 });
      // profiles: 409 in both versions over an existing one; 1.0.3 also wants a header on a new one
      const ap = `/agents/profile?${qs({ agent: agent('bob'), profileId: 'prefs' })}`;
      expect((await call(ap, { method: 'PUT', body: '{}', version: '1.0.3' })).status).toBe(400);
      expect((await call(ap, { method: 'PUT', body: '{}' })).status).toBe(204);
      expect((await call(ap, { method: 'PUT', body: '{}', version: '1.0.3' })).status).toBe(409);
      expect((await call(ap, { method: 'PUT', body: '{}' })).status).toBe(409);
    });

    it('lists ids with since, by registration, and deletes a State scope', async () => {
      const who = agent(`list-${randomUUID()}`);
      const reg = randomUUID();
      const before = new Date(Date.now() - 1000).toISOString();
      await call(statePath({ activityId: ACT, agent: who, stateId: 'one' }), { method: 'POST', body: '{}' });
      await call(statePath({ activityId: ACT, agent: who, stateId: 'two', registration: reg }), {
        method: 'POST',
        body: '{}',
      });
      const list = async (p: Record<string, unknown>) => (await call(statePath(p))).json();
      expect(await list({ activityId: ACT, agent: who })).toEqual(['one', 'two']);
      expect(await list({ activityId: ACT, agent: who, registration: reg.toUpperCase() })).toEqual(['two']);
      expect(await list({ activityId: ACT, agent: who, since: before })).toEqual(['one', 'two']);
      expect(
        await list({ activityId: ACT, agent: who, since: new Date(Date.now() + 60_000).toISOString() }),
      ).toEqual([]);
      expect(await list({ activityId: ACT, agent: agent('nobody-here') })).toEqual([]);
      expect(
        (await call(statePath({ activityId: ACT, agent: who, registration: reg }), { method: 'DELETE' }))
          .status,
      ).toBe(204);
      expect(await list({ activityId: ACT, agent: who })).toEqual(['one']);
      expect((await call(statePath({ activityId: ACT, agent: who }), { method: 'DELETE' })).status).toBe(204);
      expect(await list({ activityId: ACT, agent: who })).toEqual([]);
      // profile ids, with since
      const ap = (profileId?: string, extra: Record<string, unknown> = {}) =>
        `/agents/profile?${qs({ agent: who, ...(profileId ? { profileId } : {}), ...extra })}`;
      await call(ap('x'), { method: 'POST', body: '{}' });
      expect(await (await call(ap())).json()).toEqual(['x']);
      expect(await (await call(ap(undefined, { since: before }))).json()).toEqual(['x']);
      const act = `https://course.example/${randomUUID()}`;
      await call(`/activities/profile?${qs({ activityId: act, profileId: 'cfg' })}`, {
        method: 'POST',
        body: '{}',
      });
      expect(await (await call(`/activities/profile?${qs({ activityId: act })}`)).json()).toEqual(['cfg']);
      expect(await (await call(`/activities/profile?${qs({ activityId: ACT })}`)).json()).not.toContain(
        'cfg',
      );
    });

    it('validates query parameters with clear 400s', async () => {
      const cases: [string, string, RegExp][] = [
        ['GET', statePath({ agent: agent('a'), stateId: 's' }), /activityId/],
        ['PUT', statePath({ activityId: ACT, stateId: 's' }), /agent/],
        [
          'GET',
          `/activities/state?activityId=${encodeURIComponent(ACT)}&agent=not%20JSON`,
          /agent must be JSON/,
        ],
        ['GET', statePath({ activityId: ACT, agent: true }), /agent/],
        ['GET', statePath({ activityId: ACT, agent: { objectType: 'Agent', name: 'x' } }), /identifier/],
        ['GET', statePath({ activityId: ACT, agent: { mbox: 'bob@example.com' } }), /mailto/],
        ['GET', statePath({ activityId: 'not an iri', agent: agent('a') }), /IRI/],
        ['GET', statePath({ ...state(), registration: 'nope' }), /UUID/],
        ['GET', statePath({ activityId: ACT, agent: agent('a'), since: 'yesterday' }), /since/],
        ['GET', statePath({ ...state(), since: new Date().toISOString() }), /since/],
        ['PUT', statePath({ activityId: ACT, agent: agent('a') }), /stateId/],
        ['GET', statePath({ ...state(), extra: 1 }), /unknown query parameter "extra"/],
        ['GET', statePath({ ...state(), StateId: 'x' }), /case-sensitive/],
        [
          'DELETE',
          statePath({ ...state(), since: new Date().toISOString() }),
          /unknown query parameter "since"/,
        ],
        ['DELETE', `/activities/profile?${qs({ activityId: ACT })}`, /profileId/],
        [
          'PUT',
          `/activities/profile?${qs({ activityId: ACT, agent: agent('a'), profileId: 'p' })}`,
          /"agent"/,
        ],
        ['POST', `/agents/profile?${qs({ profileId: 'p' })}`, /agent/],
        ['GET', '/agents', /agent/],
        ['GET', '/activities', /activityId/],
        ['GET', `/activities?${qs({ activityId: 'x' })}`, /IRI/],
      ];
      for (const [method, path, message] of cases) {
        const res = await call(path, {
          method,
          body: method === 'PUT' || method === 'POST' ? '{}' : undefined,
        });
        expect(res.status, `${method} ${path}`).toBe(400);
        expect((await res.json()).message, `${method} ${path}`).toMatch(message);
      }
      // cachebuster (@xapi/xapi) is ignored
      expect((await call(statePath({ ...state(), cachebuster: '1' }))).status).toBe(404);
    });

    it('answers 400, never 500, to NUL and unpaired surrogates in identifying parameters (issue 8)', async () => {
      const nul = await call(statePath(state({ stateId: 'bookmark\u0000' })), { method: 'PUT', body: '{}' });
      expect(nul.status).toBe(400);
      expect((await nul.json()).message).toBe(
        'stateId: contains U+0000 (NUL) at position 8, which cannot be stored: remove it (send binary data as an attachment, or encode it, e.g. base64)',
      );
      const lone = await call(statePath(state({ agent: agent('al\uD800ice') })), {
        method: 'PUT',
        body: '{}',
      });
      expect(lone.status).toBe(400);
      expect((await lone.json()).message).toMatch(
        /^agent\.account\.name: contains an unpaired UTF-16 surrogate/,
      );
      const profile = `/agents/profile?${qs({ agent: agent('b\u0000b'), profileId: 'p' })}`;
      expect((await call(profile, { method: 'POST', body: '{}' })).status).toBe(400);
      // the content is opaque: any bytes, NUL included, are stored as sent
      const p = state();
      expect((await call(statePath(p), { method: 'PUT', body: '{"a":"\\u0000\\ud800"}' })).status).toBe(204);
      expect(await (await call(statePath(p))).text()).toBe('{"a":"\\u0000\\ud800"}');
    });

    it('reads since by the statement timestamp rule: a real date, an offset in 2.0', async () => {
      const p = state();
      await call(statePath(p), { method: 'PUT', body: '{}' });
      const list = (since: string, version = '2.0.0') =>
        call(statePath({ activityId: ACT, agent: p.agent, since }), { version });
      const feb30 = await list('2026-02-30T00:00:00Z');
      expect(feb30.status).toBe(400);
      expect((await feb30.json()).message).toBe(
        'since is not a real calendar date, e.g. 2026-01-31T12:00:00Z; got "2026-02-30T00:00:00Z"',
      );
      expect((await list('2026-01-01T00:00:00-00:00')).status).toBe(400);
      expect((await list('2020-01-01T00:00:00')).status).toBe(400);
      expect((await list('2020-01-01T00:00:00', '1.0.3')).status).toBe(200);
      expect(await (await list('2020-02-29T00:00:00+01:00')).json()).toContain(p.stateId);
    });

    it('answers 400 to a document nested too deep to re-serialise through the alternate syntax', async () => {
      const form = new URLSearchParams({
        ...Object.fromEntries(
          Object.entries(state()).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        ),
        'X-Experience-API-Version': '1.0.3',
        Authorization: auth,
        'Content-Type': 'application/json',
        content: `${'['.repeat(5000)}${']'.repeat(5000)}`,
      });
      const res = await fetch(`${app.url}/xapi/activities/state?method=PUT`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).message).toMatch(/^content\[0\]\[0\].*more than 64 levels deep/);
    });

    it('keeps tenants apart and enforces the state/profile scopes', async () => {
      const p = state();
      await call(statePath(p), { method: 'POST', body: '{"mine":true}' });
      const other = await app.basic(['all'], `t-${randomUUID()}`);
      expect((await call(statePath(p), { headers: { authorization: other } })).status).toBe(404);
      const stateOnly = await app.basic(['state']);
      const profileOnly = await app.basic(['profile']);
      const readAll = await app.basic(['all/read']);
      const statementsOnly = await app.basic(['statements/write', 'statements/read']);
      const ap = `/activities/profile?${qs({ activityId: ACT, profileId: `p-${randomUUID()}` })}`;
      const as = (authorization: string, path: string, method = 'GET') =>
        call(path, { method, body: method === 'POST' ? '{}' : undefined, headers: { authorization } });
      expect((await as(stateOnly, statePath(p))).status).toBe(200);
      expect((await as(stateOnly, statePath(p), 'POST')).status).toBe(204);
      expect((await as(stateOnly, ap, 'POST')).status).toBe(403);
      expect((await as(profileOnly, ap, 'POST')).status).toBe(204);
      expect((await as(profileOnly, statePath(p))).status).toBe(403);
      expect((await as(readAll, statePath(p))).status).toBe(200);
      expect((await as(readAll, ap)).status).toBe(200);
      expect((await as(readAll, statePath(p), 'POST')).status).toBe(403);
      expect((await as(statementsOnly, statePath(p))).status).toBe(403);
      expect((await as(statementsOnly, `/agents?${qs({ agent: agent('alice') })}`)).status).toBe(200);
    });

    it('confines a learner token to its own agent', async () => {
      const me = agent(`learner-${randomUUID()}`);
      const token = await mintToken(app.secret, {
        tenantId: 'default',
        scopes: ['state', 'profile'],
        actor: me,
        role: 'learner',
      });
      const bearer = { authorization: `Bearer ${token}` };
      const mine = statePath({ activityId: ACT, agent: me, stateId: 'bookmark' });
      expect((await call(mine, { method: 'PUT', body: '{"page":3}', headers: bearer })).status).toBe(204);
      expect(await (await call(mine, { headers: bearer })).json()).toEqual({ page: 3 });
      const theirs = statePath({ activityId: ACT, agent: agent('alice'), stateId: 'bookmark' });
      expect((await call(theirs, { headers: bearer })).status).toBe(403);
      expect((await call(theirs, { method: 'DELETE', headers: bearer })).status).toBe(403);
      expect(
        (
          await call(`/agents/profile?${qs({ agent: me, profileId: 'p' })}`, {
            method: 'POST',
            body: '{}',
            headers: bearer,
          })
        ).status,
      ).toBe(204);
      const ap = `/activities/profile?${qs({ activityId: ACT, profileId: 'shared' })}`;
      expect((await call(ap, { method: 'POST', body: '{}', headers: bearer })).status).toBe(403);
      expect((await call(ap, { headers: bearer })).status).toBe(404); // reading is fine
    });

    it('serves a Person for GET /agents, with names seen in statements', async () => {
      const who = { mbox: `mailto:${randomUUID()}@example.com` };
      const post = await call('/statements', {
        method: 'POST',
        body: JSON.stringify({
          actor: { ...who, name: 'Ada' },
          verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
          object: { id: ACT },
        }),
      });
      expect(post.status).toBe(200);
      const res = await call(`/agents?${qs({ agent: who })}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ objectType: 'Person', name: ['Ada'], mbox: [who.mbox] });
      const unknown = await (await call(`/agents?${qs({ agent: agent('ghost') })}`)).json();
      expect(unknown).toEqual({ objectType: 'Person', account: [agent('ghost').account] });
      const head = await call(`/agents?${qs({ agent: who })}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    });

    it('serves the canonical Activity for GET /activities, merging definitions across statements', async () => {
      const id = `https://course.example/quiz/${randomUUID()}`;
      const send = (definition: Record<string, unknown>, where: 'object' | 'parent') =>
        call('/statements', {
          method: 'POST',
          body: JSON.stringify({
            actor: agent('alice'),
            verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
            object:
              where === 'object'
                ? { objectType: 'Activity', id, definition }
                : { id: 'https://course.example/q/other' },
            ...(where === 'parent'
              ? { context: { contextActivities: { parent: [{ id, definition }] } } }
              : {}),
          }),
        });
      expect(
        (
          await send(
            { name: { 'en-US': 'Quiz' }, type: 'http://adlnet.gov/expapi/activities/assessment' },
            'object',
          )
        ).status,
      ).toBe(200);
      expect(
        (await send({ name: { 'fr-FR': 'Quiz (fr)' }, description: { 'en-US': 'A quiz' } }, 'parent')).status,
      ).toBe(200);
      const res = await call(`/activities?${qs({ activityId: id })}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        objectType: 'Activity',
        id,
        definition: {
          name: { 'en-US': 'Quiz', 'fr-FR': 'Quiz (fr)' },
          description: { 'en-US': 'A quiz' },
          type: 'http://adlnet.gov/expapi/activities/assessment',
        },
      });
      const never = `https://course.example/never/${randomUUID()}`;
      expect(await (await call(`/activities?${qs({ activityId: never })}`)).json()).toEqual({
        objectType: 'Activity',
        id: never,
      });
    });

    it('keeps every concurrent POST merge and creates with If-None-Match: * exactly once', async () => {
      const p = state();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          call(statePath(p), { method: 'POST', body: JSON.stringify({ [`k${i}`]: i }) }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(204));
      expect(Object.keys(await (await call(statePath(p))).json())).toHaveLength(10);
      const q = state();
      const creates = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          call(statePath(q), {
            method: 'PUT',
            body: JSON.stringify({ i }),
            headers: { 'if-none-match': '*' },
          }),
        ),
      );
      expect(creates.map((r) => r.status).sort()).toEqual([204, 412, 412, 412, 412, 412]);
    });

    it('accepts documents through the 1.0.3 alternate request syntax', async () => {
      const p = state();
      const form = new URLSearchParams({
        ...Object.fromEntries(
          Object.entries(p).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        ),
        'X-Experience-API-Version': '1.0.3',
        Authorization: auth,
        'Content-Type': 'application/json',
        content: '{"via":"form"}',
      });
      const res = await fetch(`${app.url}/xapi/activities/state?method=PUT`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      expect(res.status).toBe(204);
      expect(await (await call(statePath(p))).json()).toEqual({ via: 'form' });
    });

    it('answers 413 past the body limit', async () => {
      const res = await call(statePath(state()), {
        method: 'PUT',
        body: Buffer.alloc(70 * 1024, 1),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(res.status).toBe(413);
    });
  });
}
