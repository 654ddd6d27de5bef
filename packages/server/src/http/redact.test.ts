import { describe, expect, it } from 'vitest';
import { REDACTED, redactText, redactUrl, redactValue } from './redact.js';

const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJhYmMiLCJzY29wZSI6InJlZyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('redaction of log text', () => {
  it('hides secret query parameters and keeps the others', () => {
    const url = redactUrl(
      `/lti/register?openid_configuration=https%3A%2F%2Fmoodle.test%2Fmod%2Flti%2Fopenid-configuration.php&registration_token=${JWT}`,
    );
    expect(url).not.toContain(JWT);
    expect(url).toContain(`registration_token=${REDACTED}`);
    expect(url).toContain('openid_configuration=https%3A%2F%2Fmoodle.test');
    for (const name of [
      'token',
      'TOKEN',
      'id_token',
      'lti_message_hint',
      'login_hint',
      'state',
      'code',
      'ltik',
    ])
      expect(redactUrl(`/x?a=1&${name}=s3cr3t-value&b=2`)).toBe(`/x?a=1&${name}=${REDACTED}&b=2`);
  });

  it('hides JWTs and Bearer/Basic credentials wherever they are', () => {
    expect(redactText(`posted ${JWT} to the LMS`)).toBe(`posted ${REDACTED} to the LMS`);
    expect(redactText('authorization: Bearer abcdefgh12345678')).toBe(`authorization: Bearer ${REDACTED}`);
    expect(redactText('Basic a2tfMTIzOnNlY3JldA==')).toBe(`Basic ${REDACTED}`);
    expect(redactUrl(`/lti/x/${JWT}/y`)).toBe(`/lti/x/${REDACTED}/y`);
  });

  // Found by test/security/log-secrets.test.ts: percent-escapes hid secrets from the text rules.
  it('sees through the encoding of a value: a URL inside a URL, a JWT after an escape', () => {
    const nested = encodeURIComponent(`https://site.example/back?token=operator-token-0123456789&x=1`);
    const url = redactUrl(`/lti/login?iss=https%3A%2F%2Flms&target_link_uri=${nested}&b=2`);
    expect(url).not.toContain('operator-token');
    expect(decodeURIComponent(url)).toContain(`back?token=${REDACTED}&x=1`);
    expect(url).toContain('iss=https%3A%2F%2Flms');
    const twice = encodeURIComponent(nested);
    expect(redactUrl(`/x?next=${twice}`)).not.toContain('operator-token');
    expect(redactUrl(`/xapi/agents?agent=%7B%22mbox%22%3A%22mailto%3A${JWT}%22%7D`)).not.toContain(
      JWT.slice(-20),
    );
    expect(redactUrl(`/x?%74oken=s3cr3t-value`)).toBe(`/x?%74oken=${REDACTED}`);
    expect(redactUrl('/x?a=%E0%A4%A&b=2')).toBe('/x?a=%E0%A4%A&b=2');
  });

  it('walks structured data: strings, errors, credential keys; error codes stay', () => {
    const out = redactValue({
      code: 'registration_failed',
      reason: `registration POST to https://lms/register?registration_token=${JWT}`,
      err: new Error(`fetch failed for ?token=operator-token-0123456789`),
      token: 'anything',
    }) as { code: string; err: { message: string } };
    expect(JSON.stringify(out)).not.toMatch(/operator-token|eyJhbGci|anything/);
    expect(out.code).toBe('registration_failed');
    expect(out.err.message).toBe(`fetch failed for ?token=${REDACTED}`);
  });
});
