import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/server/src/auth/api-keys.js';
import { mintToken } from '../../packages/server/src/auth/tokens.js';
import { DEMO_DEFAULTS, demoCourseIri } from '../../packages/server/src/demo/index.js';
import { courseIri } from '../../packages/server/src/iris.js';
import { tenantIdOf } from '../../packages/server/src/lti/registry.js';
import type { AuditEntry } from '../../packages/server/src/privacy/audit.js';
import type { LearnerExport } from '../../packages/server/src/privacy/export.js';
import type { ForgetSummary } from '../../packages/server/src/privacy/forget.js';
import { learnerDigest } from '../../packages/server/src/privacy/identity.js';
import type { RetentionSummary } from '../../packages/server/src/privacy/retention.js';
import type {
  RetentionSetting,
  RetentionStatus,
} from '../../packages/server/src/privacy/retention-settings.js';
import { MemoryCache } from '../../packages/server/src/storage/cache/memory.js';
import { recordStoreFactories } from '../support/record-stores.js';
import { type AppOnStores, startAppOn, storesOf, TEST_SECRET } from '../support/stores-app.js';

/*
 * The authorization matrix of issue 8, extended by issue 12 to every endpoint added since (analytics, live
 * feed, forwarding, demo, the whole of /admin/v1 with forget, export and audit): every endpoint against
 * every kind of credential, with the exact status each cell must answer. A row is one request; its target
 * (agent, statement, course) is the credential's own data, except in the "other learner" and "other
 * context" columns, which aim the same request at another learner's or another course's data. Beyond the
 * status, list and lookup cells check that nothing of someone else's leaks into a 200.
 */

const PUBLIC_URL = 'http://lrs.test';
const TENANT = 'tenant-a';
const OTHER_TENANT = 'tenant-b';
const REGISTRATION_TOKEN = 'registration-token-0123456789';
const ADMIN_TOKEN = randomBytes(32).toString('base64url');
const OLD_ADMIN_TOKEN = randomBytes(32).toString('base64url');
const Q = 'https://course.example/q1';
const account = (name: string) => ({ homePage: 'https://lms.example', name });
const ALICE = { objectType: 'Agent', name: 'Alice Anders', account: account('alice') };
const BOB = { objectType: 'Agent', name: 'Bob Brown', account: account('bob') };
const C1 = courseIri(PUBLIC_URL, TENANT, 'c1');
const C2 = courseIri(PUBLIC_URL, TENANT, 'c2');
/** The learner ID of the privacy commands for an account of the LMS. */
const learnerId = (name: string) => `account:https://lms.example|${name}`;
const ALICE_ID = learnerId('alice');
/** Where the admin rows act: a tenant no other row reads. */
const ADMIN_TENANT = 'tenant-admin';
const ADMIN_PLATFORM = {
  issuer: 'https://lms-admin.example',
  clientId: 'matrix',
  name: 'Admin LMS',
  authEndpoint: 'https://lms-admin.example/auth',
  tokenEndpoint: 'https://lms-admin.example/token',
  jwksUrl: 'https://lms-admin.example/jwks',
  deploymentIds: ['1'],
};
const ADMIN_PLATFORM_TENANT = tenantIdOf(ADMIN_PLATFORM.issuer, ADMIN_PLATFORM.clientId);

/** The columns: who calls, and whose data the request aims at. */
const COLUMNS = [
  'none',
  'wrong secret',
  'full key',
  'read-only key',
  'other tenant key',
  'revoked key',
  'token of revoked key',
  'learner: own',
  'learner: other learner',
  'instructor: own context',
  'instructor: other context',
  'expired token',
  'tampered token',
  'token without exp',
  'admin token',
  'old admin token',
  'registration token',
] as const;
type Column = (typeof COLUMNS)[number];

/** A credential as a request presents it. */
interface Credential {
  header?: string;
  /** The token itself, for the endpoints that take it in the body or the query. */
  token?: string;
}

/** The data a cell aims at. */
interface Target {
  agent: typeof ALICE;
  statementId: string;
  voidedId: string;
  course: string;
  /** Whether the credential may see `statementId` (list and lookup leak checks). */
  sees: boolean;
}

interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Content type of `body` (JSON when absent). */
  type?: string;
}

interface Row {
  name: string;
  /** Expected status per column, in {@link COLUMNS} order. */
  expect: number[];
  /** Whether the xAPI version header goes with it. */
  xapi?: boolean;
  call(target: Target, credential: Credential, column: Column): Promise<Call> | Call;
  /** A leak found in the response (or the stores) after a 2xx, if any. */
  check?(response: Response, target: Target, column: Column): Promise<string | undefined>;
  /** Run `check` after refusals too. */
  checkAll?: boolean;
}

const q = encodeURIComponent;
const json = JSON.stringify;
const fresh = (actor: unknown, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  actor,
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: Q },
  ...extra,
});
// Cells write without names, so a name in a Person can only come from the seeded statements.
const nameless = (agent: typeof ALICE) => ({ objectType: 'Agent', account: agent.account });
const inCourse = (course: string) => ({ context: { contextActivities: { grouping: [{ id: course }] } } });
const form = (fields: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();

for (const [backend, open] of recordStoreFactories) {
  describe(`authorization matrix on ${backend}`, () => {
    let app: AppOnStores;
    const credentials = {} as Record<Column, Credential>;
    const seeded = {} as Record<'alice' | 'bob' | 'aliceVoided' | 'bobVoided', string>;
    let fullKey: string;
    let moreOfFullKey: string;
    // what an admin row's 2xx cell created, for the rows after it
    let adminForwarder: string | undefined;
    let reprojectJob: string | undefined;
    let forgetting = '';
    let forgotten = '';

    const send = (call: Call, auth: Credential, xapi: boolean) =>
      fetch(`${app.url}${call.path}`, {
        method: call.method ?? 'GET',
        redirect: 'manual',
        headers: {
          ...(auth.header ? { authorization: auth.header } : {}),
          ...(xapi ? { 'x-experience-api-version': '2.0.0' } : {}),
          ...(call.body !== undefined ? { 'content-type': call.type ?? 'application/json' } : {}),
          ...call.headers,
        },
        body: call.body,
      });
    const asFullKey = (call: Call) => send(call, { header: fullKey }, true);
    const statementVisible = async (id: string) =>
      (await asFullKey({ path: `/xapi/statements?statementId=${id}` })).status === 200;

    beforeAll(async () => {
      const record = await open();
      if (!record) throw new Error(`${backend} unavailable`);
      app = await startAppOn(await storesOf(record, new MemoryCache()), {
        adminToken: ADMIN_TOKEN,
        env: { KAIROS_REGISTRATION: 'token', KAIROS_REGISTRATION_TOKEN: REGISTRATION_TOKEN },
      });
      const key = async (scopes: string[], tenantId = TENANT) => {
        const { record: c, secret } = await createApiKey(app.stores.record.credentials, {
          tenantId,
          name: 'matrix',
          scopes,
        });
        return { id: c.key, secret, header: `Basic ${Buffer.from(`${c.key}:${secret}`).toString('base64')}` };
      };
      const full = await key(['all']);
      fullKey = full.header;
      const mint = async (by: string, body: unknown) => {
        const res = await fetch(`${app.url}/api/v1/tokens`, {
          method: 'POST',
          headers: { authorization: by, 'content-type': 'application/json' },
          body: json(body),
        });
        expect(res.status).toBe(201);
        return ((await res.json()) as { token: string }).token;
      };
      const learnerScopes = ['statements/write', 'statements/read/mine', 'state', 'profile'];
      const learner = await mint(full.header, { role: 'learner', actor: ALICE, scopes: learnerScopes });
      // the token an instructor launch mints (lti/resource-launch.ts)
      const instructor = await mintToken(TEST_SECRET, {
        tenantId: TENANT,
        scopes: ['statements/read', 'analytics/read', 'analytics/write'],
        contextId: 'c1',
        actor: { objectType: 'Agent', account: account('teacher') },
        role: 'instructor',
      });
      const revoked = await key(['all']);
      const ofRevoked = await mint(revoked.header, { role: 'learner', actor: ALICE, scopes: learnerScopes });
      const dropped = await fetch(`${app.url}/admin/v1/keys/${revoked.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(dropped.status).toBe(200);
      const expired = await mintToken(TEST_SECRET, { tenantId: TENANT, scopes: ['all'] }, -120);
      const [head, , signature] = instructor.split('.');
      const widened = Buffer.from(
        json({
          ...JSON.parse(Buffer.from(instructor.split('.')[1]!, 'base64url').toString()),
          scp: ['all'],
          ctx: undefined,
        }),
      ).toString('base64url');
      const tampered = `${head}.${widened}.${signature}`;
      const noExp = await new SignJWT({ tid: TENANT, scp: ['all'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('kairos')
        .setAudience('kairos-api')
        .setIssuedAt()
        .sign(new TextEncoder().encode(`kairos-token:${TEST_SECRET}`));
      const bearer = (token: string): Credential => ({ header: `Bearer ${token}`, token });
      Object.assign(credentials, {
        none: {},
        'wrong secret': { header: `Basic ${Buffer.from(`${full.id}:not-the-secret`).toString('base64')}` },
        'full key': { header: full.header },
        'read-only key': { header: (await key(['all/read'])).header },
        'other tenant key': { header: (await key(['all'], OTHER_TENANT)).header },
        'revoked key': { header: revoked.header },
        'token of revoked key': bearer(ofRevoked),
        'learner: own': bearer(learner),
        'learner: other learner': bearer(learner),
        'instructor: own context': bearer(instructor),
        'instructor: other context': bearer(instructor),
        'expired token': bearer(expired),
        'tampered token': bearer(tampered),
        'token without exp': bearer(noExp),
        'admin token': bearer(ADMIN_TOKEN),
        // the channel token of an earlier run of the server: as long as the current one, not it
        'old admin token': bearer(OLD_ADMIN_TOKEN),
        'registration token': bearer(REGISTRATION_TOKEN),
      } satisfies Record<Column, Credential>);

      // alice in course 1, bob in course 2; one voided statement each; their documents
      const alice = fresh(ALICE, inCourse(C1));
      const bob = fresh(BOB, inCourse(C2));
      const aliceVoided = fresh(ALICE, inCourse(C1));
      const bobVoided = fresh(BOB, inCourse(C2));
      const post = (body: unknown) =>
        asFullKey({ method: 'POST', path: '/xapi/statements', body: json(body) });
      expect((await post([alice, bob, aliceVoided, bobVoided])).status).toBe(200);
      const voiding = (target: string) =>
        fresh(ALICE, {
          verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
          object: { objectType: 'StatementRef', id: target },
        });
      expect((await post([voiding(aliceVoided.id), voiding(bobVoided.id)])).status).toBe(200);
      Object.assign(seeded, {
        alice: alice.id,
        bob: bob.id,
        aliceVoided: aliceVoided.id,
        bobVoided: bobVoided.id,
      });
      for (const who of [ALICE, BOB]) {
        const put = (path: string) =>
          asFullKey({
            method: 'PUT',
            path,
            body: json({ who: who.account.name }),
            headers: { 'if-none-match': '*' },
          });
        expect(
          (await put(`/xapi/activities/state?activityId=${q(Q)}&agent=${q(json(who))}&stateId=bookmark`))
            .status,
        ).toBe(204);
        expect((await put(`/xapi/agents/profile?agent=${q(json(who))}&profileId=prefs`)).status).toBe(204);
      }
      expect(
        (
          await asFullKey({
            method: 'PUT',
            path: `/xapi/activities/profile?activityId=${q(Q)}&profileId=config`,
            body: '{}',
            headers: { 'if-none-match': '*' },
          })
        ).status,
      ).toBe(204);
      const page = (await (await asFullKey({ path: '/xapi/statements?limit=1' })).json()) as { more: string };
      moreOfFullKey = page.more;
      // the analytics rows read the projection, which runs in the background
      for (let i = 0; i < 100; i++) {
        const r = await asFullKey({ path: `/api/v1/courses/${q(C2)}/learners` });
        if (((await r.json()) as { learners?: unknown[] }).learners?.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    afterAll(async () => {
      await app?.close();
      await app?.stores.close();
    });

    const agentQuery = (t: Target) => q(json(t.agent));
    // Each row lists the 17 statuses in COLUMNS order:
    //   none wrng full read othT revk rvTk lrnO lrnX insO insX expd tamp noEx admn oldA regT
    const rows: Row[] = [
      {
        name: 'GET /xapi/about',
        expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        call: () => ({ path: '/xapi/about' }),
      },
      {
        name: 'GET /xapi/profile',
        expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        call: () => ({ path: '/xapi/profile' }),
      },
      {
        name: 'GET /xapi/statements?agent=…',
        xapi: true,
        expect: [401, 401, 200, 200, 200, 401, 401, 200, 200, 200, 200, 401, 401, 401, 401, 401, 401],
        call: (t) => ({ path: `/xapi/statements?agent=${agentQuery(t)}` }),
        async check(res, t) {
          const ids = ((await res.json()) as { statements: { id: string }[] }).statements.map((s) => s.id);
          if (ids.includes(t.statementId) !== t.sees)
            return `${t.sees ? 'misses' : 'leaks'} ${t.statementId}`;
        },
      },
      {
        name: 'GET /xapi/statements?statementId=…',
        xapi: true,
        expect: [401, 401, 200, 200, 404, 401, 401, 200, 404, 200, 404, 401, 401, 401, 401, 401, 401],
        call: (t) => ({ path: `/xapi/statements?statementId=${t.statementId}` }),
      },
      {
        name: 'GET /xapi/statements?voidedStatementId=…',
        xapi: true,
        expect: [401, 401, 200, 200, 404, 401, 401, 200, 404, 200, 404, 401, 401, 401, 401, 401, 401],
        call: (t) => ({ path: `/xapi/statements?voidedStatementId=${t.voidedId}` }),
      },
      {
        name: 'GET /xapi/statements?more=… (a cursor of the full key)',
        xapi: true,
        expect: [401, 401, 200, 200, 403, 401, 401, 403, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: () => ({ path: moreOfFullKey }),
      },
      {
        name: 'PUT /xapi/statements',
        xapi: true,
        expect: [401, 401, 204, 403, 204, 401, 401, 204, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => {
          const s = fresh(nameless(t.agent), inCourse(t.course));
          return { method: 'PUT', path: `/xapi/statements?statementId=${s.id}`, body: json(s) };
        },
      },
      {
        name: 'POST /xapi/statements',
        xapi: true,
        expect: [401, 401, 200, 403, 200, 401, 401, 200, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({
          method: 'POST',
          path: '/xapi/statements',
          body: json(fresh(nameless(t.agent), inCourse(t.course))),
        }),
      },
      {
        name: 'POST /xapi/statements (voiding)',
        xapi: true,
        expect: [401, 401, 200, 403, 200, 401, 401, 200, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        async call(t) {
          // a fresh target each time: a voided statement cannot be voided twice
          const target = fresh(nameless(t.agent), inCourse(t.course));
          expect(
            (await asFullKey({ method: 'POST', path: '/xapi/statements', body: json(target) })).status,
          ).toBe(200);
          t.statementId = target.id;
          // alice (the learner column's own agent) voids: her own statement, or bob's
          const voiding = fresh(nameless(ALICE), {
            verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
            object: { objectType: 'StatementRef', id: target.id },
          });
          return { method: 'POST', path: '/xapi/statements', body: json(voiding) };
        },
        checkAll: true,
        async check(res, t, column) {
          const voided = !(await statementVisible(t.statementId));
          const should = res.status === 200 && column !== 'other tenant key';
          if (voided !== should)
            return `target ${voided ? 'voided' : 'kept'} (expected ${should ? 'voided' : 'kept'})`;
        },
      },
      {
        name: 'GET /xapi/activities/state',
        xapi: true,
        expect: [401, 401, 200, 200, 404, 401, 401, 200, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({
          path: `/xapi/activities/state?activityId=${q(Q)}&agent=${agentQuery(t)}&stateId=bookmark`,
        }),
      },
      {
        name: 'PUT /xapi/activities/state',
        xapi: true,
        expect: [401, 401, 204, 403, 204, 401, 401, 204, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({
          method: 'PUT',
          path: `/xapi/activities/state?activityId=${q(Q)}&agent=${agentQuery(t)}&stateId=${randomUUID()}`,
          body: '{"page":3}',
        }),
      },
      {
        name: 'DELETE /xapi/activities/state',
        xapi: true,
        expect: [401, 401, 204, 403, 204, 401, 401, 204, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({
          method: 'DELETE',
          path: `/xapi/activities/state?activityId=${q(Q)}&agent=${agentQuery(t)}&stateId=${randomUUID()}`,
        }),
      },
      {
        name: 'GET /xapi/activities/profile',
        xapi: true,
        expect: [401, 401, 200, 200, 404, 401, 401, 200, 200, 403, 403, 401, 401, 401, 401, 401, 401],
        call: () => ({ path: `/xapi/activities/profile?activityId=${q(Q)}&profileId=config` }),
      },
      {
        name: 'PUT /xapi/activities/profile',
        xapi: true,
        expect: [401, 401, 204, 403, 204, 401, 401, 403, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: () => ({
          method: 'PUT',
          path: `/xapi/activities/profile?activityId=${q(Q)}&profileId=${randomUUID()}`,
          body: '{}',
          headers: { 'if-none-match': '*' },
        }),
      },
      {
        name: 'GET /xapi/agents/profile',
        xapi: true,
        expect: [401, 401, 200, 200, 404, 401, 401, 200, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({ path: `/xapi/agents/profile?agent=${agentQuery(t)}&profileId=prefs` }),
      },
      {
        name: 'PUT /xapi/agents/profile',
        xapi: true,
        expect: [401, 401, 204, 403, 204, 401, 401, 204, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({
          method: 'PUT',
          path: `/xapi/agents/profile?agent=${agentQuery(t)}&profileId=${randomUUID()}`,
          body: '{}',
          headers: { 'if-none-match': '*' },
        }),
      },
      {
        name: 'GET /xapi/agents',
        xapi: true,
        expect: [401, 401, 200, 200, 200, 401, 401, 200, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        // the request names no one, so a name in the Person comes from the tenant's statements
        call: (t) => ({ path: `/xapi/agents?agent=${q(json({ account: t.agent.account }))}` }),
        async check(res, t) {
          const names = ((await res.json()) as { name?: string[] }).name ?? [];
          if (names.includes(t.agent.name) !== t.sees)
            return `${t.sees ? 'misses' : 'leaks'} ${t.agent.name}`;
        },
      },
      {
        name: 'GET /xapi/activities',
        xapi: true,
        expect: [401, 401, 200, 200, 200, 401, 401, 200, 200, 403, 403, 401, 401, 401, 401, 401, 401],
        call: () => ({ path: `/xapi/activities?activityId=${q(Q)}` }),
      },
      {
        name: 'POST /xapi/beacon',
        expect: [401, 401, 401, 401, 401, 401, 401, 204, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t, c) => ({
          method: 'POST',
          path: '/xapi/beacon',
          type: 'text/plain;charset=UTF-8',
          body: json({
            token: c.token,
            version: '2.0.0',
            statements: [fresh(nameless(t.agent), inCourse(t.course))],
          }),
        }),
      },
      {
        name: 'POST /api/v1/tokens',
        expect: [401, 401, 201, 403, 201, 401, 401, 403, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({
          method: 'POST',
          path: '/api/v1/tokens',
          body: json({ role: 'learner', actor: t.agent }),
        }),
      },
      {
        name: 'GET /lti/register?token=…',
        // past the registration token, the request lacks openid_configuration: 400
        expect: [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 400],
        call: (_t, c) => ({ path: `/lti/register${c.token ? `?token=${q(c.token)}` : ''}` }),
      },
      {
        name: 'GET /lti/login (unknown platform)',
        expect: [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400],
        call: (_t, c) => ({
          path: `/lti/login?iss=${q('https://evil.example')}&login_hint=${q(c.token ?? 'x')}&target_link_uri=${q(`${PUBLIC_URL}/lti/launch`)}`,
        }),
      },
      {
        name: 'POST /lti/launch (forged id_token)',
        expect: [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400],
        call: (_t, c) => ({
          method: 'POST',
          path: '/lti/launch',
          type: 'application/x-www-form-urlencoded',
          body: form({ id_token: c.token ?? 'x.y.z', state: randomUUID() }),
        }),
      },
      {
        name: 'POST /lti/deep-link (forged session)',
        expect: [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400],
        call: (_t, c) => ({
          method: 'POST',
          path: '/lti/deep-link',
          type: 'application/x-www-form-urlencoded',
          body: form({ session: c.token ?? 'x', items: 'quiz' }),
        }),
      },
      {
        name: 'POST /lti/deep-link/quiz (forged session)',
        // only the signed picker session authorizes the quiz editor: no credential opens it
        expect: [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400],
        call: (_t, c) => ({
          method: 'POST',
          path: '/lti/deep-link/quiz',
          type: 'application/x-www-form-urlencoded',
          body: form({ session: c.token ?? 'x', action: 'save', title: 'Q', 'q0.type': 'true-false' }),
        }),
      },
      {
        name: 'GET /elements/kairos-dashboard.js',
        // the bundles are public: any origin may load them, whoever asks
        expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        call: () => ({ path: '/elements/kairos-dashboard.js' }),
      },
      {
        name: 'GET /demo (demo mode, course not seeded yet)',
        // the embedded store's demo mode: public, but no token is minted before the demo course exists
        // (test/e2e/demo.test.ts covers the seeded course, and demo mode off)
        expect: [503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503],
        call: () => ({ path: '/demo' }),
        async check(res) {
          if ((await res.text()).includes('eyJ')) return 'a token in the page';
        },
      },
      {
        name: 'POST /admin/v1/demo (seeds the demo tenant)',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 202, 401, 401],
        call: () => ({ method: 'POST', path: '/admin/v1/demo', body: json({ learners: 5, days: 3 }) }),
      },
      {
        name: 'GET /dashboard (Bearer)',
        // a dashboard shows the token's own course: there is no way to ask for another. It authenticates like
        // the API: a key is a valid credential (403: it is no instructor token), a bad one is a 401
        expect: [401, 401, 403, 403, 403, 401, 401, 403, 403, 200, 200, 401, 401, 401, 401, 401, 401],
        call: () => ({ path: '/dashboard', headers: { accept: 'application/json' } }),
        async check(res) {
          const id = ((await res.json()) as { context: { id: string } }).context.id;
          if (id !== 'c1') return `shows context ${id}`;
        },
      },
      {
        name: 'POST /dashboard (form token)',
        expect: [401, 401, 403, 403, 403, 401, 401, 403, 403, 200, 200, 401, 401, 401, 401, 401, 401],
        call: (_t, c) => ({
          method: 'POST',
          path: '/dashboard',
          type: 'application/x-www-form-urlencoded',
          body: form({ token: c.token }),
        }),
      },
      {
        name: 'POST /dashboard/grades/retry',
        expect: [401, 401, 403, 403, 403, 401, 401, 403, 403, 200, 200, 401, 401, 401, 401, 401, 401],
        call: (_t, c) => ({
          method: 'POST',
          path: '/dashboard/grades/retry',
          type: 'application/x-www-form-urlencoded',
          body: form({ token: c.token }),
        }),
      },
      {
        name: 'GET /admin/v1/keys',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ path: '/admin/v1/keys' }),
      },
      {
        name: 'POST /admin/v1/keys',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 201, 401, 401],
        call: () => ({
          method: 'POST',
          path: '/admin/v1/keys',
          body: json({ tenantId: TENANT, name: 'from-admin', scopes: ['statements/read'] }),
        }),
      },
      {
        name: 'DELETE /admin/v1/keys/:key (unknown key)',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 404, 401, 401],
        call: () => ({ method: 'DELETE', path: '/admin/v1/keys/kk_unknown' }),
      },
      // analytics (issue 9): a key of the tenant reads every course; a token only its course; a learner only
      // itself; writes need analytics/write; another tenant's key sees an empty course of its own tenant
      {
        name: 'GET /api/v1/courses',
        expect: [401, 401, 200, 200, 200, 401, 401, 403, 403, 200, 200, 401, 401, 401, 401, 401, 401],
        call: () => ({ path: '/api/v1/courses' }),
        async check(res, _t, column) {
          const ids = ((await res.json()) as { courses: { iri: string }[] }).courses.map((c) => c.iri);
          // another tenant sees its own courses (cells write statements into it); an instructor only its own
          if (column.startsWith('instructor') && json(ids) !== json([C1])) return `lists ${ids.join(', ')}`;
          if (
            column.endsWith('key') &&
            column !== 'other tenant key' &&
            json([...ids].sort()) !== json([C1, C2])
          )
            return `lists ${ids.join(', ')}`;
        },
      },
      ...['overview', 'stuck-points', 'competencies', 'learners', 'productions', 'transitions'].map(
        (what): Row => ({
          name: `GET /api/v1/courses/{course}/${what}`,
          expect: [401, 401, 200, 200, 200, 401, 401, 403, 403, 200, 403, 401, 401, 401, 401, 401, 401],
          call: (t) => ({ path: `/api/v1/courses/${q(t.course)}/${what}` }),
          async check(res, _t, column) {
            // another tenant's course of the same IRI is its own: nothing of this tenant's statements in it
            const body = await res.text();
            if (column === 'other tenant key' && [seeded.alice, seeded.bob].some((id) => body.includes(id)))
              return 'shows statements of another tenant';
          },
        }),
      ),
      {
        name: 'GET /api/v1/courses/{course}/learners/{learner}',
        // another tenant reads the learner of the same name in its own course (cells wrote there), never this one's
        expect: [401, 401, 200, 200, 200, 401, 401, 200, 403, 200, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({
          path: `/api/v1/courses/${q(t.course)}/learners/${q(`account:https://lms.example|${t.agent.account.name}`)}`,
        }),
        async check(res, t, column) {
          const ids = ((await res.json()) as { timeline: { statementId: string }[] }).timeline.map(
            (f) => f.statementId,
          );
          if (ids.includes(t.statementId) !== (column !== 'other tenant key'))
            return `timeline ${ids.join(', ')}`;
        },
      },
      {
        name: 'GET /api/v1/courses/{course}/activities/{activity}',
        expect: [401, 401, 200, 200, 200, 401, 401, 403, 403, 200, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({ path: `/api/v1/courses/${q(t.course)}/activities/${q(Q)}` }),
      },
      {
        name: 'GET /api/v1/courses/{course}/events (live)',
        expect: [401, 401, 200, 200, 200, 401, 401, 403, 403, 200, 403, 401, 401, 401, 401, 401, 401],
        call: (t) => ({ path: `/api/v1/courses/${q(t.course)}/events` }),
      },
      ...(
        [
          ['PUT', 'settings', {}, 200],
          ['PUT', 'structure', { sequences: [] }, 200],
          ['PUT', 'roster', { learners: [] }, 200],
          [
            'POST',
            'assessments',
            // a learner of the course (an unknown one is a 404 learner_not_found)
            (t: Target) => ({
              learner: `account:https://lms.example|${t.agent.account.name}`,
              competency: 'https://c.example/k',
              level: 'acquis',
            }),
            201,
          ],
        ] as const
      ).map(
        ([method, what, body, ok]): Row => ({
          name: `${method} /api/v1/courses/{course}/${what}`,
          expect: [401, 401, ok, 403, ok, 401, 401, 403, 403, ok, 403, 401, 401, 401, 401, 401, 401],
          call: (t) => ({
            method,
            path: `/api/v1/courses/${q(t.course)}/${what}`,
            body: json(typeof body === 'function' ? body(t) : body),
          }),
        }),
      ),
      {
        name: 'GET /api/v1/frameworks',
        expect: [401, 401, 200, 200, 200, 401, 401, 403, 403, 200, 200, 401, 401, 401, 401, 401, 401],
        call: () => ({ path: '/api/v1/frameworks' }),
      },
      {
        name: 'POST /api/v1/frameworks (CSV)',
        expect: [401, 401, 201, 403, 201, 401, 401, 403, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: () => ({
          method: 'POST',
          path: '/api/v1/frameworks?framework=f1',
          type: 'text/csv',
          body: 'code,title\nK1,One\n',
        }),
      },
      ...(
        [
          ['/api/v1/alignments', { alignments: [] }],
          ['/api/v1/settings/mastery', {}],
        ] as const
      ).map(
        ([path, body]): Row => ({
          name: `PUT ${path}`,
          expect: [401, 401, 200, 403, 200, 401, 401, 403, 403, 403, 403, 401, 401, 401, 401, 401, 401],
          call: () => ({ method: 'PUT', path, body: json(body) }),
        }),
      ),
      {
        name: 'POST /api/v1/forwarders',
        expect: [401, 401, 201, 403, 201, 401, 401, 403, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: () => ({
          method: 'POST',
          path: '/api/v1/forwarders',
          body: json({ endpoint: 'https://lrs.invalid/xapi/', username: 'k', password: 'forward-secret' }),
        }),
        check: async (res) =>
          (await res.text()).includes('forward-secret') ? 'the answer shows the secret' : undefined,
      },
      {
        name: 'GET /api/v1/forwarders',
        expect: [401, 401, 200, 403, 200, 401, 401, 403, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: () => ({ path: '/api/v1/forwarders' }),
        check: async (res, _t, column) => {
          const { forwarders } = (await res.json()) as { forwarders: { tenantId: string }[] };
          const own = column === 'other tenant key' ? OTHER_TENANT : TENANT;
          return forwarders.some((f) => f.tenantId !== own) ? 'another tenant’s forwarder listed' : undefined;
        },
      },
      {
        name: 'DELETE /api/v1/forwarders/{id}',
        expect: [401, 401, 404, 403, 404, 401, 401, 403, 403, 403, 403, 401, 401, 401, 401, 401, 401],
        call: () => ({ method: 'DELETE', path: `/api/v1/forwarders/${randomUUID()}` }),
      },
      {
        name: 'GET /api/v1/openapi.json',
        expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        call: () => ({ path: '/api/v1/openapi.json' }),
      },
      {
        name: 'GET /admin/v1/platforms',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ path: '/admin/v1/platforms' }),
      },
      {
        name: 'POST /admin/v1/import',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({
          method: 'POST',
          path: '/admin/v1/import',
          body: json({ tenantId: TENANT, statements: [fresh(nameless(ALICE))], version: '2.0.0' }),
        }),
      },
      // the rest of /admin/v1 (issue 12): the admin channel's token only, and a refused command leaves no
      // trace (no forwarder, platform, job or audit entry). They act on ADMIN_TENANT, which no other row
      // reads; export and forget on TENANT name one learner and their tenant
      {
        name: 'POST /admin/v1/forwarders',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 201, 401, 401],
        call: () => ({
          method: 'POST',
          path: '/admin/v1/forwarders',
          body: json({
            tenantId: ADMIN_TENANT,
            endpoint: 'https://lrs.invalid/xapi/',
            username: 'k',
            password: 'forward-secret',
          }),
        }),
        async check(res) {
          const body = await res.text();
          adminForwarder = (JSON.parse(body) as { id: string }).id;
          if (body.includes('forward-secret')) return 'the answer shows the secret';
        },
      },
      {
        name: 'GET /admin/v1/forwarders',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ path: `/admin/v1/forwarders?tenant=${ADMIN_TENANT}` }),
        async check(res) {
          const body = await res.text();
          if (body.includes('forward-secret')) return 'the answer shows the secret';
          const ids = (JSON.parse(body) as { id: string }[]).map((f) => f.id);
          if (json(ids) !== json([adminForwarder])) return `lists ${ids.join(', ')}`;
        },
      },
      {
        name: 'DELETE /admin/v1/forwarders/:tenant/:id',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ method: 'DELETE', path: `/admin/v1/forwarders/${ADMIN_TENANT}/${adminForwarder}` }),
        // the refused cells ran first: the forwarder was still there for the admin token to remove
        check: async (res) =>
          ((await res.json()) as { removed: boolean }).removed ? undefined : 'nothing removed',
      },
      {
        name: 'POST /admin/v1/platforms',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 201, 401, 401],
        call: () => ({ method: 'POST', path: '/admin/v1/platforms', body: json(ADMIN_PLATFORM) }),
        check: async (res) =>
          ((await res.json()) as { tenantId: string }).tenantId === ADMIN_PLATFORM_TENANT
            ? undefined
            : 'another tenant',
      },
      {
        name: 'POST /admin/v1/platforms/:tenant/rotate-key',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ method: 'POST', path: `/admin/v1/platforms/${ADMIN_PLATFORM_TENANT}/rotate-key` }),
      },
      {
        name: 'DELETE /admin/v1/platforms/:tenant',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ method: 'DELETE', path: `/admin/v1/platforms/${ADMIN_PLATFORM_TENANT}` }),
      },
      {
        name: 'POST /admin/v1/frameworks',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({
          method: 'POST',
          path: '/admin/v1/frameworks',
          body: json({
            tenantId: ADMIN_TENANT,
            framework: {
              framework: 'f-admin',
              title: 'Admin',
              source: 'csv',
              competencies: [{ competency: 'https://c.example/admin/k1', code: 'K1', title: 'One' }],
            },
          }),
        }),
        check: async (res) => {
          const { imported } = (await res.json()) as { imported: number };
          return imported === 1 ? undefined : `${imported} imported`;
        },
      },
      {
        name: 'POST /admin/v1/reproject',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 202, 401, 401],
        call: () => ({ method: 'POST', path: '/admin/v1/reproject', body: json({ tenantId: ADMIN_TENANT }) }),
        async check(res) {
          reprojectJob = ((await res.json()) as { id?: string }).id;
          return reprojectJob ? undefined : 'no job id';
        },
      },
      {
        name: 'GET /admin/v1/reproject/:id',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ path: `/admin/v1/reproject/${reprojectJob}` }),
      },
      {
        name: 'GET /admin/v1/demo?course=… (the course the demo row seeds)',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({
          path: `/admin/v1/demo?course=${q(demoCourseIri({ ...DEMO_DEFAULTS, learners: 5, days: 3 }))}`,
        }),
      },
      {
        name: 'POST /admin/v1/privacy/export',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({
          method: 'POST',
          path: '/admin/v1/privacy/export',
          body: json({ learner: ALICE_ID, tenantId: TENANT }),
        }),
        async check(res) {
          const data = (await res.json()) as LearnerExport;
          const tenants = data.tenants.map((t) => t.tenantId);
          if (json(tenants) !== json([TENANT])) return `exports tenants ${tenants.join(', ')}`;
          const ids = data.tenants[0]!.statements.map((s) => (s as { id: string }).id);
          if (!ids.includes(seeded.alice)) return `misses ${seeded.alice}`;
          const others = [seeded.bob, seeded.bobVoided].filter((id) => ids.includes(id));
          if (others.length > 0) return `exports bob's ${others.join(', ')}`;
        },
      },
      {
        name: 'POST /admin/v1/privacy/forget (a learner of this cell)',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        async call(t) {
          // each cell forgets a learner of its own, with one statement: no other row's data goes
          forgetting = `gone-${randomUUID()}`;
          const s = fresh({ objectType: 'Agent', account: account(forgetting) });
          expect((await asFullKey({ method: 'POST', path: '/xapi/statements', body: json(s) })).status).toBe(
            200,
          );
          t.statementId = s.id;
          return {
            method: 'POST',
            path: '/admin/v1/privacy/forget',
            body: json({ learner: learnerId(forgetting), tenantId: TENANT }),
          };
        },
        checkAll: true,
        async check(res, t) {
          const erased = !(await statementVisible(t.statementId));
          if (erased !== (res.status === 200)) return `statement ${erased ? 'erased' : 'kept'}`;
          if (!(await statementVisible(seeded.alice))) return 'erased alice’s statement';
          if (res.status !== 200) return;
          forgotten = forgetting;
          const body = await res.text();
          if (body.includes(forgetting)) return 'the answer names the learner in clear';
          const { learner, tenants } = JSON.parse(body) as ForgetSummary;
          if (learner !== learnerDigest(TEST_SECRET, learnerId(forgetting))) return `learner ${learner}`;
          const counts = tenants.map((x) => [x.tenantId, x.statements]);
          if (json(counts) !== json([[TENANT, 1]])) return `erased ${json(counts)}`;
        },
      },
      // retention on the tenant of the cells: every statement here is younger than ten years, so a run
      // purges nothing — the rows prove who may set, read, run and clear it, not what it deletes
      {
        name: 'PUT /admin/v1/retention/:tenant',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ method: 'PUT', path: `/admin/v1/retention/${TENANT}`, body: json({ months: 120 }) }),
        async check(res) {
          const set = (await res.json()) as RetentionSetting;
          if (set.tenantId !== TENANT || set.months !== 120) return `set ${json(set)}`;
        },
      },
      {
        name: 'GET /admin/v1/retention',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ path: '/admin/v1/retention' }),
        async check(res) {
          const list = (await res.json()) as RetentionStatus[];
          if (json(list.map((r) => [r.tenantId, r.months])) !== json([[TENANT, 120]]))
            return `lists ${json(list)}`;
        },
      },
      {
        name: 'POST /admin/v1/retention/run (dry run)',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({
          method: 'POST',
          path: '/admin/v1/retention/run',
          body: json({ tenantId: TENANT, dryRun: true }),
        }),
        async check(res) {
          const run = (await res.json()) as RetentionSummary;
          const counts = run.tenants.map((x) => [x.tenantId, x.statements, x.documents]);
          if (!run.dryRun || json(counts) !== json([[TENANT, 0, 0]])) return `ran ${json(run)}`;
          if (!(await statementVisible(seeded.alice))) return 'a dry run erased alice’s statement';
        },
      },
      {
        name: 'DELETE /admin/v1/retention/:tenant',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ method: 'DELETE', path: `/admin/v1/retention/${TENANT}` }),
        async check(res) {
          const { cleared } = (await res.json()) as { cleared: boolean };
          if (!cleared) return 'nothing cleared';
        },
      },
      {
        name: 'GET /admin/v1/audit',
        expect: [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 401, 401],
        call: () => ({ path: '/admin/v1/audit' }),
        async check(res) {
          const body = await res.text();
          for (const name of [ALICE.account.name, forgotten].filter(Boolean))
            if (body.includes(`|${name}`)) return `the log names ${name} in clear`;
          const entries = JSON.parse(body) as AuditEntry[];
          // one entry each: the refused cells left none
          const of = (action: string) =>
            entries
              .filter((e) => e.action === action)
              .map((e) => `${e.actor} ${e.tenantId} ${e.target}`)
              .join('; ');
          const by = 'cli (admin channel)';
          const digest = (id: string) => learnerDigest(TEST_SECRET, id);
          if (of('export') !== `${by} ${TENANT} learner:${digest(ALICE_ID)}`)
            return `export: ${of('export')}`;
          if (of('forget') !== `${by} ${TENANT} learner:${digest(learnerId(forgotten))}`)
            return `forget: ${of('forget')}`;
          if (of('forwarder.add') !== `${by} ${ADMIN_TENANT} ${adminForwarder}`)
            return `forwarder.add: ${of('forwarder.add')}`;
        },
      },
    ];

    it('answers the expected status in every cell, and leaks nothing into a 200', async () => {
      const wrong: string[] = [];
      const leaks: string[] = [];
      let cells = 0;
      for (const row of rows) {
        expect(row.expect, row.name).toHaveLength(COLUMNS.length);
        for (const [i, column] of COLUMNS.entries()) {
          const other = column === 'learner: other learner' || column === 'instructor: other context';
          const target: Target = {
            agent: other ? BOB : ALICE,
            statementId: other ? seeded.bob : seeded.alice,
            voidedId: other ? seeded.bobVoided : seeded.aliceVoided,
            course: other ? C2 : C1,
            sees: ['full key', 'read-only key', 'learner: own', 'instructor: own context'].includes(column),
          };
          const credential = credentials[column];
          const res = await send(await row.call(target, credential, column), credential, row.xapi ?? false);
          cells++;
          if (res.status !== row.expect[i]) {
            const body = (await res.text()).slice(0, 160);
            wrong.push(`${row.name} × ${column}: ${res.status}, expected ${row.expect[i]} — ${body}`);
            continue;
          }
          const checked = row.check && (res.status < 300 || row.checkAll);
          const leak = checked ? await row.check!(res, target, column) : undefined;
          if (leak) leaks.push(`${row.name} × ${column}: ${leak}`);
          if (!res.bodyUsed) await res.body?.cancel();
        }
      }
      console.log(
        `authorization matrix on ${backend}: ${rows.length} endpoints × ${COLUMNS.length} credentials = ${cells} cells, ${wrong.length} wrong statuses, ${leaks.length} leaks`,
      );
      expect(cells).toBe(rows.length * COLUMNS.length);
      expect(wrong).toEqual([]);
      expect(leaks).toEqual([]);
    });
  });
}
