import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFactory } from '../../packages/sdk/src/tracker/statements.js';
import {
  createTestPlatform,
  newSigningKey,
  type TestPlatform,
  type ToolRegistration,
} from '../lti-platform/index.js';
import {
  bootstrapOf,
  formOf,
  type LtiKairos,
  launchOverHttp,
  postForm,
  registerByHand,
  startLtiKairos,
} from '../lti-platform/kairos.js';

const VERB = (v: string) => ({ id: `http://adlnet.gov/expapi/verbs/${v}`, display: { en: v } });

describe('LTI 1.3 launches over HTTP', () => {
  let lms: TestPlatform;
  let kairos: LtiKairos;
  let tool: ToolRegistration;
  beforeAll(async () => {
    lms = await createTestPlatform();
    await lms.start();
    kairos = await startLtiKairos();
    tool = await registerByHand(lms, kairos);
  });
  afterAll(async () => {
    await kairos?.close();
    await lms?.close();
  });

  const learnerSpec = () => ({
    user: lms.users.learner,
    course: lms.course,
    resourceLink: { id: 'link-quiz', title: 'Fractions quiz' },
    custom: { activity: 'fractions-quiz' },
  });

  it('publishes the tool keys at /lti/keys (ltijs keyset route over our plugin)', async () => {
    const res = await fetch(`${kairos.url}/lti/keys`);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: { kid: string; alg: string }[] };
    const registration = await kairos.lti.registry.find(lms.issuer, tool.clientId);
    expect(keys.map((k) => k.kid)).toContain(registration!.kid);
  });

  it('learner launch → activity page with the SDK bootstrap → statements accepted with the minted token', async () => {
    const launched = await launchOverHttp(lms.loginUrl(learnerSpec()));
    expect(launched.status).toBe(200);
    expect(launched.html).toContain('/elements/kairos-learner.js');
    expect(launched.html).toContain('<kairos-quiz');
    expect(launched.html).toContain('<kairos-progress>');
    const boot = bootstrapOf(launched.html);
    expect(boot.endpoint).toBe(`${kairos.url}/xapi`);
    expect(boot.actor).toEqual({
      objectType: 'Agent',
      account: { homePage: lms.issuer, name: lms.users.learner.id },
    });
    // context.course and context.parent are xAPI Activities as they are (Moodle run: a bare {id, name} was not)
    expect(boot.context.course).toEqual({
      objectType: 'Activity',
      id: expect.stringContaining('/contexts/course-101'),
      definition: { type: 'http://adlnet.gov/expapi/activities/course', name: { fr: 'Algebra 101' } },
    });
    expect(boot.context.parent).toEqual({
      objectType: 'Activity',
      id: expect.stringContaining('/links/link-quiz'),
      definition: { name: { fr: 'Fractions quiz' } },
    });
    expect(boot.language).toBe('fr');
    // the SDK puts them into statements unchanged
    const sdkContext = contextFactory(
      boot.context,
      boot.language,
    )({
      objectType: 'Activity',
      id: 'https://x/q',
    });
    expect(sdkContext.contextActivities).toMatchObject({
      grouping: [boot.context.course],
      parent: [boot.context.parent],
    });
    const statement = {
      actor: boot.actor,
      verb: VERB('passed'),
      object: { id: `${boot.context.parent.id}/q1`, definition: { name: { en: 'Fractions quiz' } } },
      result: { score: { raw: 8, max: 10, scaled: 0.8 }, success: true, completion: true },
      context: {
        registration: boot.context.registration,
        contextActivities: {
          parent: [boot.context.parent],
          grouping: [boot.context.course],
        },
      },
    };
    const res = await fetch(boot.endpoint.replace(/\/$/, '') + '/statements', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${boot.token}`,
        'content-type': 'application/json',
        'x-experience-api-version': '1.0.3',
      },
      body: JSON.stringify(statement),
    });
    expect(res.status).toBe(200);
    const other = {
      ...statement,
      actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: 'someone-else' } },
    };
    const refused = await fetch(`${boot.endpoint}/statements`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${boot.token}`,
        'content-type': 'application/json',
        'x-experience-api-version': '1.0.3',
      },
      body: JSON.stringify(other),
    });
    expect(refused.status).toBe(403);
  });

  it('instructor launch → /dashboard shows the context learners, what they launched, latest statement and score', async () => {
    const launched = await launchOverHttp(
      lms.loginUrl({
        user: lms.users.instructor,
        course: lms.course,
        resourceLink: { id: 'link-dash', title: 'Dashboard' },
        custom: { activity: 'dashboard' },
      }),
    );
    expect(launched.status).toBe(200);
    const form = formOf(launched.html);
    expect(form.action).toBe(`${kairos.url}/dashboard`);
    // the projection runs in the background: the learner's statement shows once it is projected
    const viewOf = async () =>
      (await (
        await fetch(`${kairos.url}/dashboard`, {
          headers: { authorization: `Bearer ${form.fields.token}`, accept: 'application/json' },
        })
      ).json()) as { rows: { userId: string; statements: number; role: string }[] };
    for (let i = 0; i < 150; i++) {
      if ((await viewOf()).rows.find((r) => r.userId === lms.users.learner.id)?.statements) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await postForm(form.action, form.fields);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Algebra 101');
    expect(page.html).toContain('Ada Lovelace');
    expect(page.html).toContain('Fractions quiz ×1');
    expect(page.html).toContain('passed');
    expect(page.html).toContain('8 / 10');
    const view = await viewOf();
    expect(view.rows.find((r) => r.userId === lms.users.learner.id)?.statements).toBe(1);
    expect(view.rows.find((r) => r.userId === lms.users.instructor.id)?.role).toBe('instructor');
  });

  it('GET /lti/launch (Moodle fetches it when a teacher saves the activity) answers a small HTML page', async () => {
    const res = await fetch(`${kairos.url}/lti/launch`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('launch address of Kairos');
  });

  it('a learner token cannot open the dashboard', async () => {
    const boot = bootstrapOf((await launchOverHttp(lms.loginUrl(learnerSpec()))).html);
    const res = await fetch(`${kairos.url}/dashboard`, {
      headers: { authorization: `Bearer ${boot.token}` },
    });
    expect(res.status).toBe(403);
  });

  describe('bad input: a clear page, a 4xx, nothing half-created', () => {
    const intruder = () => ({
      user: { ...lms.users.learner, id: `intruder-${Math.random()}` },
      course: lms.course,
      resourceLink: { id: 'link-x' },
    });
    const expectRefused = async (
      res: { status: number; html: string },
      status: number,
      code: string,
      userId?: string,
    ) => {
      expect(res.status).toBe(status);
      expect(res.html).toContain(`<code>${code}</code>`);
      expect(res.html).not.toMatch(/at .+\.(ts|js):\d+/);
      if (userId) {
        const members = await kairos.stores.analytics.roster!.members(
          (await kairos.lti.registry.find(lms.issuer, tool.clientId))!.tenantId,
          lms.course.id,
        );
        expect(members.map((m) => m.userId)).not.toContain(userId);
      }
    };

    it('a replayed launch', async () => {
      const first = await launchOverHttp(lms.loginUrl(learnerSpec()));
      expect(first.status).toBe(200);
      const again = await postForm(`${kairos.url}/lti/launch`, first.posted, first.cookie);
      await expectRefused(again, 400, 'unknown_state');
    });

    it('a forged token (signed by another key)', async () => {
      const spec = intruder();
      const attacker = await newSigningKey(lms.key.kid);
      const login = await fetch(lms.loginUrl(spec), { redirect: 'manual' });
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
      const auth = new URL(login.headers.get('location')!);
      const idToken = await lms.idToken(spec, auth.searchParams.get('nonce')!, attacker);
      const res = await postForm(
        `${kairos.url}/lti/launch`,
        { id_token: idToken, state: auth.searchParams.get('state')! },
        cookie,
      );
      await expectRefused(res, 401, 'bad_signature', spec.user.id);
    });

    it('a token whose nonce belongs to another login', async () => {
      const spec = intruder();
      const login = await fetch(lms.loginUrl(spec), { redirect: 'manual' });
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
      const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
      const res = await postForm(
        `${kairos.url}/lti/launch`,
        { id_token: await lms.idToken(spec, 'other-nonce'), state },
        cookie,
      );
      await expectRefused(res, 401, 'nonce_mismatch', spec.user.id);
    });

    it('an expired token, tolerating normal clock skew', async () => {
      const spec = intruder();
      const skewed = {
        ...spec,
        tamper: (c: Record<string, unknown>) => {
          c.iat = Math.floor(Date.now() / 1000) - 40;
        },
      };
      expect((await launchOverHttp(lms.loginUrl(skewed))).status).toBe(200);
      const old = {
        ...intruder(),
        tamper: (c: Record<string, unknown>) => {
          c.exp = Math.floor(Date.now() / 1000) - 3600;
        },
      };
      const res = await launchOverHttp(lms.loginUrl(old));
      await expectRefused(res, 401, 'token_expired', old.user.id);
    });

    it('an unknown issuer', async () => {
      const res = await fetch(
        `${kairos.url}/lti/login?iss=https://evil.test&login_hint=x&target_link_uri=${kairos.url}/lti/launch`,
      );
      await expectRefused({ status: res.status, html: await res.text() }, 400, 'unregistered_platform');
    });

    it('an unknown deployment', async () => {
      const spec = {
        ...intruder(),
        tamper: (c: Record<string, unknown>) => {
          c['https://purl.imsglobal.org/spec/lti/claim/deployment_id'] = '999';
        },
      };
      await expectRefused(await launchOverHttp(lms.loginUrl(spec)), 403, 'unknown_deployment', spec.user.id);
    });

    it('missing claims', async () => {
      const spec = {
        ...intruder(),
        tamper: (c: Record<string, unknown>) =>
          void delete c['https://purl.imsglobal.org/spec/lti/claim/roles'],
      };
      await expectRefused(await launchOverHttp(lms.loginUrl(spec)), 400, 'missing_claim', spec.user.id);
      const noContext = { ...intruder(), course: undefined };
      await expectRefused(
        await launchOverHttp(lms.loginUrl(noContext)),
        400,
        'missing_claim',
        noContext.user.id,
      );
    });

    it('a launch without state or token', async () => {
      await expectRefused(await postForm(`${kairos.url}/lti/launch`, {}), 400, 'missing_launch_parameters');
    });
  });
});

describe('platform keys', () => {
  it('are cached across launches and refetched when the platform signs with a new kid', async () => {
    const lms = await createTestPlatform();
    await lms.start();
    const kairos = await startLtiKairos({ lti: { jwksCooldownMs: 0 } });
    try {
      await registerByHand(lms, kairos);
      const spec = { user: lms.users.learner, course: lms.course };
      expect((await launchOverHttp(lms.loginUrl(spec))).status).toBe(200);
      expect((await launchOverHttp(lms.loginUrl(spec))).status).toBe(200);
      expect(lms.jwksFetches).toBe(1);
      await lms.rotateKey();
      expect((await launchOverHttp(lms.loginUrl(spec))).status).toBe(200);
      expect(lms.jwksFetches).toBe(2);
    } finally {
      await kairos.close();
      await lms.close();
    }
  });
});
