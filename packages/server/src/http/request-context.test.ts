import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LtiKairos, startLtiKairos } from '../../../../test/lti-platform/kairos.js';

const REGISTRATION_JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6Im1vb2RsZSJ9.eyJzdWIiOiJjbGllbnQtMTIzIiwic2NvcGUiOiJyZWcifQ.bW9vZGxlLXNpZ25hdHVyZQ';
const OPERATOR_TOKEN = 'operator-registration-token-4f9a2c';

/** Every log line the server writes, as text (what an operator's log collector would store). */
function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, text: () => lines.join('\n'), lines };
}

describe('request logs never carry secrets', () => {
  const logs = captureLogs();
  let kairos: LtiKairos;
  beforeAll(async () => {
    kairos = await startLtiKairos({
      log: 'info',
      logTo: logs.stream,
      env: { KAIROS_REGISTRATION: 'token', KAIROS_REGISTRATION_TOKEN: OPERATOR_TOKEN },
    });
  });
  afterAll(async () => kairos?.close());

  const settle = () => new Promise((r) => setTimeout(r, 50));

  it('Moodle registration: registration_token and ?token= are redacted, the path stays', async () => {
    // The openid configuration cannot be read (port 9 refuses): the refusal is logged with its reason too.
    const url =
      `${kairos.url}/lti/register?token=${OPERATOR_TOKEN}` +
      `&openid_configuration=${encodeURIComponent('http://127.0.0.1:9/mod/lti/openid-configuration.php')}` +
      `&registration_token=${REGISTRATION_JWT}`;
    expect((await fetch(url)).status).toBe(502);
    await settle();
    const text = logs.text();
    expect(text).toContain('/lti/register?token=[redacted]');
    expect(text).toContain('registration_token=[redacted]');
    expect(text).toContain('LTI request refused');
    expect(text).not.toContain(OPERATOR_TOKEN);
    expect(text).not.toContain(REGISTRATION_JWT);
    expect(text).not.toContain(REGISTRATION_JWT.split('.')[1]);
  });

  it('OIDC login and xAPI URLs: hints, states and tokens are redacted', async () => {
    const hint = 'moodle-launch-hint-8c1e77';
    const login = `${kairos.url}/lti/login?iss=https%3A%2F%2Flms.test&login_hint=user-42&lti_message_hint=${hint}&target_link_uri=${encodeURIComponent(`${kairos.url}/lti/launch`)}`;
    expect((await fetch(login)).status).toBe(400);
    await fetch(`${kairos.url}/xapi/statements?access_token=xapi-secret-123456&state=oidc-state-9876`);
    await fetch(`${kairos.url}/lti/keys?ltik=${REGISTRATION_JWT}`);
    await settle();
    const text = logs.text();
    for (const secret of [hint, 'user-42', 'xapi-secret-123456', 'oidc-state-9876', REGISTRATION_JWT])
      expect(text).not.toContain(secret);
    expect(text).toContain('/lti/login?iss=https%3A%2F%2Flms.test&login_hint=[redacted]');
    expect(logs.lines.length).toBeGreaterThan(3);
  });
});
