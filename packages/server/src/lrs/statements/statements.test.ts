import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../../test/support/app.js';
import { recordStoreFactories } from '../../../../../test/support/record-stores.js';
import { mintToken } from '../../auth/tokens.js';

const learner = (name: string) => ({
  objectType: 'Agent',
  account: { homePage: 'https://lms.example', name },
});
const statement = (over: Record<string, unknown> = {}): Record<string, unknown> & { id?: string } => ({
  actor: learner('alice'),
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
  object: { objectType: 'Activity', id: 'https://course.example/q1' },
  ...over,
});

for (const [backend, open] of recordStoreFactories) {
  describe(`xAPI statements on ${backend}`, () => {
    let app: TestApp;
    let auth: string;
    const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
      fetch(`${app.url}${path}`, {
        ...init,
        headers: {
          authorization: auth,
          'x-experience-api-version': '2.0.0',
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
      });
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      call('/xapi/statements', { method: 'POST', body: JSON.stringify(body), headers });
    const getJson = async (path: string, headers: Record<string, string> = {}) => {
      const res = await call(path, { headers });
      return { res, body: (await res.json()) as any };
    };

    beforeAll(async () => {
      const record = await open();
      if (!record) throw new Error(`${backend} unavailable`);
      app = await startTestApp(record, { KAIROS_BODY_LIMIT: '200kb' });
      auth = await app.basic(['all']);
    });
    afterAll(async () => app?.close());

    it('serves /xapi/about without credentials or version header', async () => {
      const res = await fetch(`${app.url}/xapi/about`);
      expect(res.status).toBe(200);
      expect((await res.json()).version).toEqual(expect.arrayContaining(['1.0.3', '2.0.0']));
    });

    it('requires a supported version header and valid credentials', async () => {
      const noVersion = await fetch(`${app.url}/xapi/statements`, { headers: { authorization: auth } });
      expect(noVersion.status).toBe(400);
      expect(noVersion.headers.get('x-experience-api-version')).toBe('2.0.0');
      expect(
        (await call('/xapi/statements', { headers: { 'x-experience-api-version': '3.0.0' } })).status,
      ).toBe(400);
      const v102 = await call('/xapi/statements?limit=1', {
        headers: { 'x-experience-api-version': '1.0.2' },
      });
      expect(v102.status).toBe(200);
      expect(v102.headers.get('x-experience-api-version')).toBe('1.0.3');
      const anonymous = await fetch(`${app.url}/xapi/statements`, {
        headers: { 'x-experience-api-version': '2.0.0' },
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
      const wrong = await call('/xapi/statements', { headers: { authorization: 'Basic a2tfeDp5' } });
      expect(wrong.status).toBe(401);
    });

    it('stores a POSTed statement with the LRS properties set, and serves it back', async () => {
      const res = await post(statement());
      expect(res.status).toBe(200);
      const [id] = (await res.json()) as string[];
      expect(res.headers.get('x-experience-api-consistent-through')).toMatch(/^\d{4}-/);
      const { res: got, body } = await getJson(`/xapi/statements?statementId=${id}`);
      expect(got.status).toBe(200);
      expect(got.headers.get('last-modified')).toBeTruthy();
      expect(body).toMatchObject({ id, actor: learner('alice'), version: '2.0.0' });
      expect(body.stored).toMatch(/Z$/);
      expect(body.timestamp).toBe(body.stored);
      expect(body.authority.account.homePage).toBe('http://lrs.test');
    });

    it('PUT is idempotent for equal content and 409 for different content', async () => {
      const id = randomUUID();
      const s = statement({ id, timestamp: '2026-03-01T10:00:00.000+02:00' });
      const put = (body: unknown) =>
        call(`/xapi/statements?statementId=${id}`, { method: 'PUT', body: JSON.stringify(body) });
      expect((await put(s)).status).toBe(204);
      // the same instant written in UTC is the same statement
      expect((await put({ ...s, timestamp: '2026-03-01T08:00:00Z' })).status).toBe(204);
      const clash = await put({ ...s, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } });
      expect(clash.status).toBe(409);
      expect((await clash.json()).code).toBe('statement_conflict');
      expect(
        (
          await call(`/xapi/statements?statementId=${randomUUID()}`, {
            method: 'PUT',
            body: JSON.stringify(s),
          })
        ).status,
      ).toBe(400);
    });

    it('rejects a whole batch when one statement is invalid, naming the path', async () => {
      const good = statement({ id: randomUUID() });
      const res = await post([good, statement({ actor: { mbox: 'alice@example.com' } })]);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.message).toMatch(/statement\[1\]\.actor\.mbox/);
      expect((await call(`/xapi/statements?statementId=${good.id}`)).status).toBe(404);
    });

    it('answers malformed JSON, wrong content types, unknown parameters and big bodies with 4xx', async () => {
      const malformed = await call('/xapi/statements', {
        method: 'POST',
        body: '{"actor":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      const text = await call('/xapi/statements', {
        method: 'POST',
        body: JSON.stringify(statement()),
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(400);
      expect((await call('/xapi/statements?verbb=x')).status).toBe(400);
      const big = Array.from({ length: 2000 }, () => statement());
      const tooBig = await post(big);
      expect(tooBig.status).toBe(413);
      expect((await tooBig.json()).code).toBe('body_too_large');
    });

    it('voids synchronously: the target leaves queries and is served only by voidedStatementId', async () => {
      const activity = `https://course.example/void-${randomUUID()}`;
      const [target] = (await (await post(statement({ object: { id: activity } }))).json()) as string[];
      const voiding = statement({
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } },
        object: { objectType: 'StatementRef', id: target },
      });
      const posted = await post(voiding);
      expect(posted.status).toBe(200);
      const [voidingId] = (await posted.json()) as string[];
      expect((await call(`/xapi/statements?statementId=${target}`)).status).toBe(404);
      expect((await getJson(`/xapi/statements?voidedStatementId=${target}`)).body.id).toBe(target);
      // the voided target leaves the results; the voiding statement matches through it (StatementRef rule)
      const q = await getJson(`/xapi/statements?activity=${encodeURIComponent(activity)}`);
      expect(q.body.statements.map((s: { id: string }) => s.id)).toEqual([voidingId]);
    });

    it('filters by agent, verb, activity, registration and time, and pages with more', async () => {
      const who = learner(`bob-${randomUUID()}`);
      const registration = randomUUID();
      const activity = `https://course.example/a-${randomUUID()}`;
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const s = statement({
          actor: who,
          object: { id: activity },
          context: { registration, contextActivities: { parent: [{ id: 'https://course.example/unit' }] } },
          verb: {
            id: i % 2 ? 'http://adlnet.gov/expapi/verbs/passed' : 'http://adlnet.gov/expapi/verbs/failed',
          },
        });
        ids.push(((await (await post(s)).json()) as string[])[0]!);
      }
      const agent = encodeURIComponent(JSON.stringify(who));
      const all = await getJson(`/xapi/statements?agent=${agent}&ascending=true`);
      expect(all.body.statements.map((s: any) => s.id)).toEqual(ids);
      const passed = await getJson(
        `/xapi/statements?agent=${agent}&verb=${encodeURIComponent('http://adlnet.gov/expapi/verbs/passed')}`,
      );
      expect(passed.body.statements.map((s: any) => s.id)).toEqual([ids[5], ids[3], ids[1]]);
      const reg = await getJson(`/xapi/statements?registration=${registration}&limit=100`);
      expect(reg.body.statements).toHaveLength(7);
      const related = await getJson(
        `/xapi/statements?activity=${encodeURIComponent('https://course.example/unit')}&related_activities=true&agent=${agent}`,
      );
      expect(related.body.statements).toHaveLength(7);
      const direct = await getJson(
        `/xapi/statements?activity=${encodeURIComponent('https://course.example/unit')}&agent=${agent}`,
      );
      expect(direct.body.statements).toHaveLength(0);
      // paging: 3 + 3 + 1, no statement twice or missing
      const seen: string[] = [];
      let next = `/xapi/statements?agent=${agent}&limit=3`;
      let pages = 0;
      while (next) {
        const page = await getJson(next);
        expect(page.res.status).toBe(200);
        seen.push(...page.body.statements.map((s: any) => s.id));
        next = page.body.more;
        if (next) expect(next).toMatch(/^\/xapi\/statements\?more=/);
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
      // since is exclusive and until inclusive, by stored
      const third = (await getJson(`/xapi/statements?statementId=${ids[2]}`)).body.stored;
      const since = await getJson(
        `/xapi/statements?agent=${agent}&since=${encodeURIComponent(third)}&ascending=true`,
      );
      expect(since.body.statements.every((s: any) => s.stored > third)).toBe(true);
      const until = await getJson(
        `/xapi/statements?agent=${agent}&until=${encodeURIComponent(third)}&ascending=true`,
      );
      expect(until.body.statements.map((s: any) => s.id)).toContain(ids[2]);
      expect(until.body.statements.every((s: any) => s.stored <= third)).toBe(true);
      // a tampered cursor is refused
      const first = await getJson(`/xapi/statements?agent=${agent}&limit=3`);
      expect((await call(`${first.body.more}x`)).status).toBe(400);
    });

    it('matches statements that reference a matching statement (StatementRef rule)', async () => {
      const activity = `https://course.example/ref-${randomUUID()}`;
      const [target] = (await (await post(statement({ object: { id: activity } }))).json()) as string[];
      const [ref] = (await (
        await post(
          statement({
            actor: learner('teacher'),
            verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
            object: { objectType: 'StatementRef', id: target },
          }),
        )
      ).json()) as string[];
      const q = await getJson(`/xapi/statements?activity=${encodeURIComponent(activity)}&ascending=true`);
      expect(q.body.statements.map((s: any) => s.id)).toEqual([target, ref]);
    });

    it('formats ids and canonical', async () => {
      const s = statement({
        verb: {
          id: 'http://adlnet.gov/expapi/verbs/answered',
          display: { 'en-US': 'answered', fr: 'a répondu' },
        },
      });
      const [id] = (await (await post(s)).json()) as string[];
      const canonical = await getJson(`/xapi/statements?statementId=${id}&format=canonical`, {
        'accept-language': 'fr',
      });
      expect(canonical.body.verb.display).toEqual({ fr: 'a répondu' });
      const ids = await getJson(`/xapi/statements?statementId=${id}&format=ids`);
      expect(ids.body.verb).toEqual({ id: 'http://adlnet.gov/expapi/verbs/answered' });
    });

    it('confines learner tokens to their own statements', async () => {
      const tenantId = `tenant-${randomUUID()}`;
      const me = learner('me');
      const token = await mintToken(app.secret, {
        tenantId,
        scopes: ['statements/write', 'statements/read/mine'],
        actor: me as never,
        role: 'learner',
      });
      const bearer = { authorization: `Bearer ${token}` };
      expect((await post(statement({ actor: me }), bearer)).status).toBe(200);
      const other = await post(statement({ actor: learner('you') }), bearer);
      expect(other.status).toBe(403);
      // someone else's statement in the same tenant, written with a key
      const key = await app.basic(['all'], tenantId);
      const [theirs] = (await (
        await post(statement({ actor: learner('you') }), { authorization: key })
      ).json()) as string[];
      const mine = await getJson('/xapi/statements', bearer);
      expect(mine.body.statements.map((s: any) => s.actor.account.name)).toEqual(['me']);
      expect((await call(`/xapi/statements?statementId=${theirs}`, { headers: bearer })).status).toBe(404);
      // and to their tenant
      expect((await getJson('/xapi/statements', { authorization: key })).body.statements).toHaveLength(2);
      expect((await call(`/xapi/statements?statementId=${theirs}`)).status).toBe(404);
      // an expired token
      const expired = await mintToken(app.secret, { tenantId, scopes: ['all'] }, -60);
      const late = await call('/xapi/statements', { headers: { authorization: `Bearer ${expired}` } });
      expect(late.status).toBe(401);
      expect((await late.json()).code).toBe('token_expired');
    });

    it('gives statements/read/mine keys only what they wrote, and enforces scopes', async () => {
      const tenantId = `tenant-${randomUUID()}`;
      const writer = await app.basic(['statements/write', 'statements/read/mine'], tenantId);
      const other = await app.basic(['statements/write'], tenantId);
      const [mine] = (await (await post(statement(), { authorization: writer })).json()) as string[];
      await post(statement(), { authorization: other });
      const got = await getJson('/xapi/statements', { authorization: writer });
      expect(got.body.statements.map((s: any) => s.id)).toEqual([mine]);
      expect((await call('/xapi/statements', { headers: { authorization: other } })).status).toBe(403);
      const reader = await app.basic(['statements/read'], tenantId);
      expect((await post(statement(), { authorization: reader })).status).toBe(403);
    });

    it('accepts beacons with the token in a text/plain body', async () => {
      const tenantId = `tenant-${randomUUID()}`;
      const me = learner('beacon');
      const token = await mintToken(app.secret, {
        tenantId,
        scopes: ['statements/write', 'statements/read/mine'],
        actor: me as never,
        role: 'learner',
      });
      const s = statement({ id: randomUUID(), actor: me });
      const beacon = () =>
        fetch(`${app.url}/xapi/beacon`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          body: JSON.stringify({ token, version: '2.0.0', statements: [s] }),
        });
      expect((await beacon()).status).toBe(204);
      expect((await beacon()).status).toBe(204);
      const got = await getJson('/xapi/statements', { authorization: `Bearer ${token}` });
      expect(got.body.statements.map((x: any) => x.id)).toEqual([s.id]);
      const bad = await fetch(`${app.url}/xapi/beacon`, {
        method: 'POST',
        body: JSON.stringify({ token: 'nope', statements: [s] }),
      });
      expect(bad.status).toBe(401);
    });
    it('rejects a batch that repeats an id, even with identical content', async () => {
      const s = statement({ id: randomUUID() });
      const res = await post([s, s]);
      expect(res.status).toBe(400);
      expect((await res.json()).message).toMatch(/statement\[1\]\.id: .* appears more than once/);
    });

    it('stores 2.0 timestamps in UTC', async () => {
      const s = statement({ id: randomUUID(), timestamp: '2023-05-04T12:00:00-05:00' });
      await post(s);
      const { body } = await getJson(`/xapi/statements?statementId=${s.id}`);
      expect(body.timestamp).toBe('2023-05-04T17:00:00.000Z');
    });

    it('lets voiding statements match through the statement they void', async () => {
      const verb = `https://verbs.example/v-${randomUUID()}`;
      const [target] = (await (await post(statement({ verb: { id: verb } }))).json()) as string[];
      const [voiding] = (await (
        await post(
          statement({
            verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
            object: { objectType: 'StatementRef', id: target },
          }),
        )
      ).json()) as string[];
      const q = await getJson(`/xapi/statements?verb=${encodeURIComponent(verb)}`);
      expect(q.body.statements.map((x: { id: string }) => x.id)).toEqual([voiding]);
    });

    it('supports the 1.0.3 alternate request syntax and refuses it in 2.0', async () => {
      const id = randomUUID();
      const form = (version: string) =>
        new URLSearchParams({
          statementId: id,
          content: JSON.stringify(statement()),
          Authorization: auth,
          'X-Experience-API-Version': version,
        });
      const alt = (body: URLSearchParams) =>
        fetch(`${app.url}/xapi/statements?method=PUT`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
      expect((await alt(form('2.0.0'))).status).toBe(400);
      expect((await alt(form('1.0.3'))).status).toBe(204);
      const get = await fetch(`${app.url}/xapi/statements?method=GET`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          statementId: id,
          Authorization: auth,
          'X-Experience-API-Version': '1.0.3',
        }),
      });
      expect(get.status).toBe(200);
      expect(((await get.json()) as { id: string }).id).toBe(id);
    });
  });
}
