import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { recordStoreFactories } from '../../../../test/support/record-stores.js';
import { localOperations } from '../admin/operations.js';
import { courseIri } from '../iris.js';
import { mintToken } from './tokens.js';

// Issue 8: the authorization holes of the landed LRS, one describe per hole, on every record store.

const agent = (name: string) => ({ objectType: 'Agent', account: { homePage: 'https://lms.example', name } });
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const said = (actor: unknown, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  actor,
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: 'https://course.example/q1' },
  ...extra,
});
const voiding = (actor: unknown, target: string) => ({
  actor,
  verb: { id: VOIDED },
  object: { objectType: 'StatementRef', id: target },
});
const inCourse = (iri: string) => ({ context: { contextActivities: { grouping: [{ id: iri }] } } });

for (const [backend, open] of recordStoreFactories) {
  describe(`authorization (issue 8) on ${backend}`, () => {
    let app: TestApp;
    const xapi = (auth: string, path: string, init: RequestInit = {}) =>
      fetch(`${app.url}/xapi${path}`, {
        ...init,
        headers: {
          authorization: auth,
          'x-experience-api-version': '2.0.0',
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
      });
    const post = (auth: string, body: unknown) =>
      xapi(auth, '/statements', { method: 'POST', body: JSON.stringify(body) });
    const read = async (auth: string, query = '') => {
      const res = await xapi(auth, `/statements${query}`);
      expect(res.status).toBe(200);
      return (await res.json()) as {
        statements: { id: string; authority: { objectType: string; account: { name: string } } }[];
        more: string;
      };
    };
    const ids = async (auth: string, query = '') => (await read(auth, query)).statements.map((s) => s.id);
    /** A token minted by `key` through POST /api/v1/tokens. */
    const mint = async (key: string, body: Record<string, unknown>) => {
      const res = await fetch(`${app.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: key, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return `Bearer ${((await res.json()) as { token: string }).token}`;
    };
    const code = async (res: Response) => ((await res.json()) as { code: string }).code;

    beforeAll(async () => {
      const record = await open();
      if (!record) throw new Error(`${backend} unavailable`);
      app = await startTestApp(record);
    });
    afterAll(async () => app?.close());

    describe('voiding by learner tokens', () => {
      it('a learner token voids its own statements, never another learner’s or an unknown one', async () => {
        const tenantId = `t-${randomUUID()}`;
        const key = await app.basic(['all'], tenantId);
        const alice = await mint(key, { role: 'learner', actor: agent('alice') });
        const bob = await mint(key, { role: 'learner', actor: agent('bob') });
        const mine = said(agent('alice'));
        const theirs = said(agent('bob'));
        expect((await post(alice, mine)).status).toBe(200);
        expect((await post(bob, theirs)).status).toBe(200);

        const refused = await post(alice, voiding(agent('alice'), theirs.id));
        expect(refused.status).toBe(403);
        expect(await code(refused)).toBe('forbidden_void');
        const unknown = await post(alice, voiding(agent('alice'), randomUUID()));
        expect(unknown.status).toBe(403);
        expect(await code(unknown)).toBe('forbidden_void');
        // nothing stored: bob's statement is still served, and no voiding statement was kept
        expect(await ids(key)).toEqual([theirs.id, mine.id]);

        expect((await post(alice, voiding(agent('alice'), mine.id))).status).toBe(200);
        expect(await ids(alice)).not.toContain(mine.id);
        expect((await xapi(alice, `/statements?voidedStatementId=${mine.id}`)).status).toBe(200);
        // a batch may carry the learner's statement and its voiding together
        const fresh = said(agent('alice'));
        expect((await post(alice, [fresh, voiding(agent('alice'), fresh.id)])).status).toBe(200);
        expect((await xapi(key, `/statements?voidedStatementId=${fresh.id}`)).status).toBe(200);
      });

      it('an API key with statements/write still voids any statement of its tenant', async () => {
        const tenantId = `t-${randomUUID()}`;
        const key = await app.basic(['all'], tenantId);
        const writer = await app.basic(['statements/write'], tenantId);
        const bob = await mint(key, { role: 'learner', actor: agent('bob') });
        const theirs = said(agent('bob'));
        expect((await post(bob, theirs)).status).toBe(200);
        expect((await post(writer, voiding(agent('admin'), theirs.id))).status).toBe(200);
        expect(await ids(key)).not.toContain(theirs.id);
        // an unknown target is fine for a key: the voiding may arrive before its target
        expect((await post(writer, voiding(agent('admin'), randomUUID()))).status).toBe(200);
      });
    });

    describe('context-scoped tokens', () => {
      it('an instructor launch token reads only the statements of its course', async () => {
        const tenantId = `t-${randomUUID()}`;
        const key = await app.basic(['all'], tenantId);
        const c1 = courseIri('http://lrs.test', tenantId, 'c1');
        const c2 = courseIri('http://lrs.test', tenantId, 'c2');
        const a = said(agent('alice'), inCourse(c1));
        const b = said(agent('bob'), inCourse(c2));
        const c = said(agent('carol'), {
          context: { contextActivities: { parent: [{ id: c1 }], other: [{ id: c2 }] } },
        });
        const loose = said(agent('dave'));
        // outside c1, but referencing a c1 statement: it inherits c1's index terms, and must not leak
        const ref = said(agent('erin'), { object: { objectType: 'StatementRef', id: a.id } });
        expect((await post(key, [a, b, c, loose, ref])).status).toBe(200);

        const launch = await mintToken(app.secret, {
          tenantId,
          scopes: ['statements/read', 'analytics/read'],
          contextId: 'c1',
          role: 'instructor',
        });
        const teacher = `Bearer ${launch}`;
        expect(await ids(teacher)).toEqual([c.id, a.id]);
        expect(await ids(teacher, `?agent=${encodeURIComponent(JSON.stringify(agent('bob')))}`)).toEqual([]);
        expect((await xapi(teacher, `/statements?statementId=${a.id}`)).status).toBe(200);
        expect((await xapi(teacher, `/statements?statementId=${b.id}`)).status).toBe(404);
        expect((await xapi(teacher, `/statements?statementId=${ref.id}`)).status).toBe(404);
        // paging with more never leaves the course
        const first = await read(teacher, '?limit=1');
        expect(first.statements.map((s) => s.id)).toEqual([c.id]);
        const second = await read(teacher, first.more.replace(/^\/xapi\/statements/, ''));
        expect(second.statements.map((s) => s.id)).toEqual([a.id]);
        // a cursor of the whole tenant is refused to the course token
        const wide = await read(key, '?limit=1');
        const stolen = await xapi(teacher, wide.more.replace(/^\/xapi/, ''));
        expect(stolen.status).toBe(403);
        // voided targets of other courses stay hidden
        expect((await post(key, voiding(agent('admin'), b.id))).status).toBe(200);
        expect((await xapi(teacher, `/statements?voidedStatementId=${b.id}`)).status).toBe(404);
      });

      it('a contextId that is an absolute IRI is the course IRI (tokens of a site backend)', async () => {
        const tenantId = `t-${randomUUID()}`;
        const key = await app.basic(['all'], tenantId);
        const course = 'https://site.example/courses/9';
        const inside = said(agent('alice'), inCourse(course));
        const outside = said(agent('alice'), inCourse(courseIri('http://lrs.test', tenantId, 'c1')));
        expect((await post(key, [inside, outside])).status).toBe(200);
        const teacher = await mint(key, { role: 'instructor', contextId: course });
        expect(await ids(teacher)).toEqual([inside.id]);
        const lti = await mint(key, { role: 'instructor', contextId: 'c1' });
        expect(await ids(lti)).toEqual([outside.id]);
      });

      it('refuses documents, /agents and /activities to a context token (they are not tied to a course)', async () => {
        const tenantId = `t-${randomUUID()}`;
        const key = await app.basic(['all'], tenantId);
        const teacher = await mint(key, { role: 'instructor', contextId: 'c1', scopes: ['all/read'] });
        const who = encodeURIComponent(JSON.stringify(agent('alice')));
        const activity = encodeURIComponent('https://course.example/q1');
        for (const path of [
          `/activities/state?activityId=${activity}&agent=${who}&stateId=s`,
          `/activities/profile?activityId=${activity}&profileId=p`,
          `/agents/profile?agent=${who}&profileId=p`,
          `/agents?agent=${who}`,
          `/activities?activityId=${activity}`,
        ]) {
          const res = await xapi(teacher, path);
          expect([path, res.status]).toEqual([path, 403]);
          expect(await code(res)).toBe('forbidden_context');
        }
      });
    });

    describe('revoked keys', () => {
      it('stop their Basic credentials and the tokens they minted at once', async () => {
        const tenantId = `t-${randomUUID()}`;
        const key = await app.basic(['all'], tenantId);
        const token = await mint(key, { role: 'learner', actor: agent('alice') });
        expect((await xapi(key, '/statements')).status).toBe(200);
        expect((await xapi(token, '/statements')).status).toBe(200);
        const keyId = Buffer.from(key.slice(6), 'base64').toString().split(':')[0]!;
        await localOperations(app.stores, 'http://lrs.test').revokeKey(keyId);
        const basic = await xapi(key, '/statements');
        expect(basic.status).toBe(401);
        const bearer = await xapi(token, '/statements');
        expect(bearer.status).toBe(401);
        expect(await code(bearer)).toBe('key_revoked');
        const beacon = await fetch(`${app.url}/xapi/beacon`, {
          method: 'POST',
          body: JSON.stringify({
            token: token.slice(7),
            version: '2.0.0',
            statements: [said(agent('alice'))],
          }),
        });
        expect(beacon.status).toBe(401);
      });
    });

    describe('statements/read/mine', () => {
      it('means this key and the tokens it minted, not every token of the tenant', async () => {
        const tenantId = `t-${randomUUID()}`;
        const k1 = await app.basic(['statements/write', 'statements/read/mine'], tenantId);
        const k2 = await app.basic(['statements/write', 'statements/read/mine'], tenantId);
        const scopes = ['statements/write', 'statements/read/mine'];
        const t1 = await mint(k1, { role: 'instructor', scopes });
        const t2 = await mint(k2, { role: 'instructor', scopes });
        const lti = `Bearer ${await mintToken(app.secret, { tenantId, scopes, role: 'instructor' })}`;
        const s1 = said(agent('alice'));
        const s2 = said(agent('bob'));
        const s3 = said(agent('carol'));
        const s4 = said(agent('dave'));
        expect((await post(t1, s1)).status).toBe(200);
        expect((await post(t2, s2)).status).toBe(200);
        expect((await post(k1, s3)).status).toBe(200);
        expect((await post(lti, s4)).status).toBe(200);
        expect(await ids(t1)).toEqual([s3.id, s1.id]);
        expect(await ids(k1)).toEqual([s3.id, s1.id]);
        expect(await ids(t2)).toEqual([s2.id]);
        expect(await ids(lti)).toEqual([s4.id]);
        // authorities stay xAPI Agents: the key's for its tokens, a distinct one for launch tokens
        const k1Id = Buffer.from(k1.slice(6), 'base64').toString().split(':')[0];
        const [w3, w1] = (await read(k1)).statements;
        expect(w1!.authority).toEqual(w3!.authority);
        expect(w1!.authority).toMatchObject({ objectType: 'Agent', account: { name: k1Id } });
        const [w4] = (await read(lti)).statements;
        expect(w4!.authority.objectType).toBe('Agent');
        expect(w4!.authority.account.name).not.toBe(k1Id);
        expect(w4!.authority.account.name).not.toMatch(/^kk_/);
      });
    });

    describe('token lifetime', () => {
      const sign = (claims: Record<string, unknown>, set: (j: SignJWT) => SignJWT) =>
        set(
          new SignJWT(claims)
            .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
            .setIssuer('kairos')
            .setAudience('kairos-api'),
        ).sign(new TextEncoder().encode(`kairos-token:${app.secret}`));

      it('refuses a validly signed token without exp or iat, or living longer than 24 h', async () => {
        const claims = { tid: `t-${randomUUID()}`, scp: ['all'] };
        const now = Math.floor(Date.now() / 1000);
        const tokens = {
          noExp: await sign(claims, (j) => j.setIssuedAt()),
          noIat: await sign(claims, (j) => j.setExpirationTime(now + 600)),
          tooLong: await sign(claims, (j) => j.setIssuedAt().setExpirationTime(now + 25 * 3600)),
        };
        for (const [name, token] of Object.entries(tokens)) {
          const res = await xapi(`Bearer ${token}`, '/statements');
          expect([name, res.status]).toEqual([name, 401]);
          expect(await code(res)).toBe('token_lifetime');
        }
        const fine = await sign(claims, (j) => j.setIssuedAt().setExpirationTime(now + 24 * 3600));
        expect((await xapi(`Bearer ${fine}`, '/statements')).status).toBe(200);
      });
    });
  });
}
