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

  it('a launch whose roles claim holds something else than strings', async () => {
    const spec: LaunchSpec = {
      user: lms.users.instructor,
      course: lms.course,
      resourceLink: { id: 'rl-roles' },
      tamper: (c) => {
        c[`${LTI}roles`] = [1, { role: 'Instructor' }];
      },
    };
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
    expect(res.status).toBe(400);
    expect(codeOf(await res.text())).toBe('missing_claim');
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
    // a token of the right length in characters but not in bytes (timingSafeEqual threw: a 500)
    expect(
      await register(`token=${encodeURIComponent('ä'.repeat(TOKEN.length))}&openid_configuration=${config}`),
    ).toEqual([403, 'registration_failed']);
  });
});
