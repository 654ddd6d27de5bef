import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPlatform,
  type LaunchSpec,
  type TestPlatform,
} from '../../../../test/lti-platform/index.js';
import { type LtiKairos, registerByHand, startLtiKairos } from '../../../../test/lti-platform/kairos.js';

// Requests the fuzzer (test/security/fuzz.test.ts) found answered with a 500 or a 502 where the input was
// at fault; each is now a 4xx page naming its error code.
const TOKEN = 'registration-token-0123456789-abcdef';
const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';

describe('LTI routes refuse bad input with a 4xx', () => {
  let kairos: LtiKairos;
  let lms: TestPlatform;
  beforeAll(async () => {
    kairos = await startLtiKairos({
      env: { KAIROS_REGISTRATION: 'token', KAIROS_REGISTRATION_TOKEN: TOKEN },
    });
    lms = await createTestPlatform();
    await lms.start();
    await registerByHand(lms, kairos);
  });
  afterAll(async () => {
    await kairos.close();
    await lms.close();
  });

  const codeOf = (html: string) => /Error <code>([a-z_]+)<\/code>/.exec(html)?.[1];

  const launch = async (tamper: LaunchSpec['tamper'], user = lms.users.instructor) => {
    const spec: LaunchSpec = { user, course: lms.course, resourceLink: { id: 'rl-input' }, tamper };
    const login = await fetch(lms.loginUrl(spec), { redirect: 'manual' });
    const auth = new URL(login.headers.get('location')!);
    const res = await fetch(`${kairos.url}/lti/launch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: login.headers.getSetCookie()[0]!.split(';')[0]!,
      },
      body: new URLSearchParams({
        id_token: await lms.idToken(spec, auth.searchParams.get('nonce')!),
        state: auth.searchParams.get('state')!,
      }),
    });
    return { status: res.status, html: await res.text() };
  };

  it('a launch whose roles claim holds something else than strings', async () => {
    const r = await launch((c) => {
      c[`${LTI}roles`] = [1, { role: 'Instructor' }];
    });
    expect([r.status, codeOf(r.html)]).toEqual([400, 'missing_claim']);
  });

  it('a launch with a NUL in a claim Kairos stores (it reached PostgreSQL: a 500)', async () => {
    const r = await launch((c) => {
      (c[`${LTI}context`] as Record<string, unknown>).title = 'Maths\u0000';
    });
    expect([r.status, codeOf(r.html)]).toEqual([400, 'invalid_claim']);
  });

  it('a resource link title or custom value that is no string is ignored (esc() threw on a number)', async () => {
    const r = await launch((c) => {
      c[`${LTI}resource_link`] = { id: 'rl-input', title: 42 };
      c[`${LTI}custom`] = { activity: 7, other: { x: 1 } };
    }, lms.users.learner);
    expect(r.status).toBe(200);
    expect(r.html).toContain('<h1>Activity</h1>');
  });

  it('a login parameter too long to send back, or with a NUL (a 16 kB redirect, a 500)', async () => {
    const { params } = lms.loginParams({ user: lms.users.learner, course: lms.course });
    for (const [k, v] of [
      ['login_hint', 'x'.repeat(5000)],
      ['lti_message_hint', 'a\u0000b'],
    ]) {
      const res = await fetch(`${kairos.url}/lti/login?${new URLSearchParams({ ...params, [k!]: v! })}`, {
        redirect: 'manual',
      });
      expect([res.status, codeOf(await res.text())]).toEqual([400, 'invalid_login_parameter']);
    }
  });

  it('a form body in a content encoding it is not in', async () => {
    const res = await fetch(`${kairos.url}/lti/deep-link/quiz`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'br' },
      body: 'session=x&action=add',
    });
    expect(res.status).toBe(400);
    expect(codeOf(await res.text())).toBe('bad_request');
  });

  it('a registration URL that is damaged', async () => {
    const register = async (query: string) => {
      const res = await fetch(`${kairos.url}/lti/register?${query}`);
      return [res.status, codeOf(await res.text())];
    };
    const config = encodeURIComponent(`${lms.issuer}/.well-known/openid-configuration`);
    // not an http(s) URL: nothing to fetch, the URL is wrong (was a 502)
    expect(await register(`token=${TOKEN}&openid_configuration=ht%20tp%3A%2F%2Fx.invalid`)).toEqual([
      400,
      'registration_failed',
    ]);
    // a registration token given twice was joined into one Authorization header (was a 502)
    expect(
      await register(
        `token=${TOKEN}&openid_configuration=${config}&registration_token=a&registration_token=b`,
      ),
    ).toEqual([400, 'registration_failed']);
    // a registration token that cannot be an Authorization header (fetch threw: a 502)
    expect(await register(`token=${TOKEN}&openid_configuration=${config}&registration_token=a%00b`)).toEqual([
      400,
      'registration_failed',
    ]);
    // a token of the right length in characters but not in bytes (timingSafeEqual threw: a 500)
    expect(
      await register(`token=${encodeURIComponent('ä'.repeat(TOKEN.length))}&openid_configuration=${config}`),
    ).toEqual([403, 'registration_failed']);
  });
});
