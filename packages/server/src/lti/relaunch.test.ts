import { describe, expect, it } from 'vitest';
import type { LoginState } from './login.js';
import { newWindowPage, relaunchTarget } from './relaunch.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const KAIROS = 'https://kairos.example.edu';

const login = (params: Record<string, string>): LoginState => ({
  state: 's',
  tenantId: 't',
  nonce: 'n',
  bindHash: 'h',
  params: { iss: 'x', login_hint: '7', target_link_uri: `${KAIROS}/lti/launch`, ...params },
  platformOrigin: 'https://lms',
});

const claims = (iss: string, extra: Record<string, unknown> = {}) => ({
  iss,
  [`${LTI}message_type`]: 'LtiResourceLinkRequest',
  [`${LTI}deployment_id`]: '3',
  [`${LTI}context`]: { id: '12' },
  ...extra,
});

describe('where the "open in a new window" fallback restarts a launch', () => {
  it("Moodle activity: launch.php with the cmid from Moodle's JSON hint (the old hint is spent)", () => {
    const hint = JSON.stringify({ cmid: 42, launchid: 'ltilaunch5_123' });
    expect(
      relaunchTarget(claims('https://school.edu/moodle'), login({ lti_message_hint: hint }), KAIROS),
    ).toEqual({ lms: 'moodle', url: 'https://school.edu/moodle/mod/lti/launch.php?id=42' });
  });

  it('older Moodle (bare cmid hint), recognised by its product family', () => {
    const moodle = claims('https://old.moodle', {
      [`${LTI}tool_platform`]: { product_family_code: 'moodle' },
    });
    expect(relaunchTarget(moodle, login({ lti_message_hint: '17' }), KAIROS).url).toBe(
      'https://old.moodle/mod/lti/launch.php?id=17',
    );
  });

  it('Moodle deep linking: contentitem.php with the tool type (deployment) and course ids', () => {
    const hint = JSON.stringify({ launchid: 'ltilaunch_ContentItemSelectionRequest99' });
    const dl = claims('https://moodle.test', {
      [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
      [`${LTI}tool_platform`]: { product_family_code: 'moodle' },
    });
    expect(relaunchTarget(dl, login({ lti_message_hint: hint }), KAIROS).url).toBe(
      'https://moodle.test/mod/lti/contentitem.php?id=3&course=12',
    );
  });

  it('never builds a URL from a hint that is not a plain id', () => {
    const hint = JSON.stringify({ cmid: '1&evil=1', launchid: 'x' });
    expect(relaunchTarget(claims('https://moodle.test'), login({ lti_message_hint: hint }), KAIROS)).toEqual({
      lms: 'moodle',
    });
  });

  it('Canvas: no URL restarts a launch unframed; the page says what to do', () => {
    const canvas = claims('https://canvas.instructure.com', {
      [`${LTI}tool_platform`]: { product_family_code: 'canvas' },
    });
    const target = relaunchTarget(canvas, login({ lti_message_hint: 'eyJhbGciOi.x.y' }), KAIROS);
    expect(target).toEqual({ lms: 'canvas' });
    const html = newWindowPage(target, { publicUrl: KAIROS });
    expect(html).toContain('Load in a new tab');
    expect(html).toContain('kairos.example.edu');
    expect(html).not.toContain('id="kairos-new-window"');
  });

  it('another LMS: what to do, and the old login once more (some LMSs accept a hint twice)', () => {
    const target = relaunchTarget(claims('https://lms.other'), login({ lti_message_hint: 'abc' }), KAIROS);
    expect(target.lms).toBe('other');
    expect(target.retryUrl).toMatch(/^https:\/\/kairos\.example\.edu\/lti\/login\?.*lti_message_hint=abc/);
    const html = newWindowPage(target, { publicUrl: KAIROS });
    expect(html).toContain('id="kairos-new-window"');
    expect(html).toContain('Prevent cross-site tracking');
  });
});
