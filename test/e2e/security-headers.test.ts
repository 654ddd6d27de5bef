import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import {
  formOf,
  type LtiKairos,
  launchOverHttp,
  postForm,
  registerByHand,
  startLtiKairos,
} from '../lti-platform/kairos.js';
import { launchChromium, skipBrowserTests } from '../support/browser.js';

// The headers of issue 12 ("headers"): Kairos's HTML pages carry one CSP whose frame-ancestors name the
// registered LTI platforms and nothing else (pages outside the LMS: 'self'), inline scripts run by nonce;
// no CORS answer pairs a wildcard origin with credentials. docs/security.md, "Headers".

const STRANGER = 'https://evil.example';

/** The directives of a CSP header. */
function directives(csp: string | null): Map<string, string[]> {
  expect(csp, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    csp!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('security headers of the real app', () => {
  let lms: TestPlatform;
  let kairos: LtiKairos;

  const instructorLaunch = () =>
    lms.loginUrl({
      user: lms.users.instructor,
      course: lms.course,
      resourceLink: { id: 'link-dash', title: 'Dashboard' },
      custom: { activity: 'dashboard' },
    });
  const learnerLaunch = () =>
    lms.loginUrl({
      user: lms.users.learner,
      course: lms.course,
      resourceLink: { id: 'link-quiz', title: 'Fractions — quiz' },
      custom: { activity: 'fractions-quiz' },
    });

  /** The dashboard page an instructor launch opens (the launch's form post to /dashboard). */
  async function dashboardAnswer() {
    const launched = await launchOverHttp(instructorLaunch());
    expect(launched.status).toBe(200);
    const form = formOf(launched.html);
    expect(form.action).toBe(`${kairos.url}/dashboard`);
    return { launched, dashboard: await postForm(form.action, form.fields) };
  }

  beforeAll(async () => {
    lms = await createTestPlatform();
    await lms.start();
    kairos = await startLtiKairos();
    await registerByHand(lms, kairos);
  }, 60_000);
  afterAll(async () => {
    await kairos?.close();
    await lms?.close();
  });

  it('after an instructor launch, /dashboard is framed by the test platform only', async () => {
    const { launched, dashboard } = await dashboardAnswer();
    expect(dashboard.status).toBe(200);
    expect(dashboard.html).toContain('<kairos-dashboard');
    for (const answer of [launched, dashboard]) {
      const csp = directives(answer.headers.get('content-security-policy'));
      expect(csp.get('frame-ancestors')).toEqual(["'self'", new URL(lms.issuer).origin]);
      expect(csp.get('frame-ancestors')).not.toContain(STRANGER);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('connect-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
    // the hand-off page's auto-submit script carries the answer's nonce
    const nonce = directives(launched.headers.get('content-security-policy'))
      .get('script-src')!
      .find((v) => v.startsWith("'nonce-"))!
      .slice(7, -1);
    expect(launched.html).toContain(`<script nonce="${nonce}">`);
  });

  it('the learner page after a launch likewise, its inline module script by nonce', async () => {
    const launched = await launchOverHttp(learnerLaunch());
    expect(launched.status).toBe(200);
    expect(launched.html).toContain('<kairos-quiz');
    const csp = directives(launched.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(["'self'", new URL(lms.issuer).origin]);
    const nonce = csp
      .get('script-src')!
      .find((v) => v.startsWith("'nonce-"))!
      .slice(7, -1);
    for (const tag of launched.html.match(/<script(?![^>]*(?:\bsrc=|type="application\/json"))[^>]*>/g) ?? [])
      expect(tag).toContain(`nonce="${nonce}"`);
  });

  it('each answer gets its own nonce', async () => {
    const a = await fetch(`${kairos.url}/lti/launch`);
    const b = await fetch(`${kairos.url}/lti/launch`);
    expect(a.headers.get('content-security-policy')).not.toBe(b.headers.get('content-security-policy'));
  });

  it('a platform added or removed shows in frame-ancestors at once', async () => {
    const other = { issuer: 'https://moodle.school.example', token: 'https://canvas-like.school.example' };
    const added = await kairos.lti.registry.add({
      issuer: other.issuer,
      clientId: 'client-other',
      name: 'Other LMS',
      authEndpoint: `${other.issuer}/mod/lti/auth.php`,
      tokenEndpoint: `${other.token}/login/oauth2/token`,
      jwksUrl: `${other.issuer}/mod/lti/certs.php`,
      deploymentIds: ['1'],
    });
    const withOther = directives(
      (await fetch(`${kairos.url}/lti/launch`)).headers.get('content-security-policy'),
    ).get('frame-ancestors');
    // the token endpoint's host is where a cloud Canvas school frames from (--canvas-domain)
    expect(withOther).toEqual(
      expect.arrayContaining([other.issuer, other.token, new URL(lms.issuer).origin]),
    );
    await kairos.lti.registry.remove(added.tenantId);
    const after = directives(
      (await fetch(`${kairos.url}/lti/launch`)).headers.get('content-security-policy'),
    ).get('frame-ancestors');
    expect(after).toEqual(["'self'", new URL(lms.issuer).origin]);
  });

  it('pages outside the LMS (landing, demo-like pages) are framed by Kairos alone', async () => {
    const landing = await fetch(`${kairos.url}/`, { headers: { accept: 'text/html' } });
    expect(landing.status).toBe(200);
    expect(directives(landing.headers.get('content-security-policy')).get('frame-ancestors')).toEqual([
      "'self'",
    ]);
    // an HTML 404 elsewhere carries no platform either; JSON answers carry no CSP, only nosniff
    const json = await fetch(`${kairos.url}/xapi/about`);
    expect(json.headers.get('content-security-policy')).toBeNull();
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('no CORS answer pairs Access-Control-Allow-Origin: * with credentials', async () => {
    const origin = STRANGER;
    const paths = [
      '/xapi/about',
      '/xapi/profile',
      '/xapi/statements',
      '/xapi/activities/state?activityId=https%3A%2F%2Fx.example&agent=%7B%7D&stateId=s',
      '/api/v1/courses',
      '/api/v1/courses/c/stream',
      '/elements/kairos-dashboard.js',
      '/elements/kairos-learner.js',
      '/sdk/kairos.js',
      '/lti/keys',
      '/lti/launch',
      '/dashboard',
      '/',
    ];
    const answers: { what: string; acao: string | null; acac: string | null }[] = [];
    for (const path of paths) {
      for (const method of ['GET', 'OPTIONS']) {
        const res = await fetch(`${kairos.url}${path}`, {
          method,
          headers: {
            origin,
            ...(method === 'OPTIONS'
              ? { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' }
              : {}),
          },
        });
        await res.arrayBuffer();
        answers.push({
          what: `${method} ${path} → ${res.status}`,
          acao: res.headers.get('access-control-allow-origin'),
          acac: res.headers.get('access-control-allow-credentials'),
        });
      }
    }
    const wildcardWithCredentials = answers.filter((a) => a.acao === '*' && a.acac === 'true');
    expect(wildcardWithCredentials).toEqual([]);
    // nor an echoed stranger origin with credentials (the same hole by another road)
    expect(answers.filter((a) => a.acao === origin && a.acac === 'true')).toEqual([]);
    // the CORS families do answer cross-origin callers (bearer credentials, never cookies)
    for (const family of ['/xapi/', '/api/v1/', '/elements/', '/sdk/'])
      expect(
        answers.some((a) => a.what.includes(` ${family}`) && a.acao === '*'),
        family,
      ).toBe(true);
  });
});

describe.skipIf(skipBrowserTests)('the CSP in Chromium: framed by the LMS, refused elsewhere', () => {
  let lms: TestPlatform;
  let kairos: LtiKairos;
  let browser: Browser;
  let stranger: Server;
  let strangerUrl: string;

  beforeAll(async () => {
    lms = await createTestPlatform();
    await lms.start();
    kairos = await startLtiKairos();
    await registerByHand(lms, kairos);
    // a site that is no registered platform, framing Kairos's LTI pages
    stranger = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><iframe id="k" src="${kairos.url}/lti/launch"></iframe>`);
    }).listen(0, '127.0.0.1');
    await new Promise((r) => stranger.once('listening', r));
    strangerUrl = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => stranger?.close(r));
    await kairos?.close();
    await lms?.close();
  });

  it('a framed launch with platform storage renders the quiz with no CSP violation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    await page.goto(
      `${lms.issuer}/course/launch?user=${encodeURIComponent(lms.users.learner.id)}&activity=fractions-quiz&link=link-quiz&storage=1`,
    );
    const frame = page.frameLocator('#tool');
    await frame.locator('kairos-quiz kairos-choice').first().waitFor({ timeout: 20_000 });
    await frame.locator('kairos-progress').waitFor();
    expect(violations).toEqual([]);
    await context.close();
  }, 60_000);

  it('a site that is no registered platform cannot frame the LTI pages', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    await page.goto(strangerUrl);
    await expect.poll(() => violations.join('\n'), { timeout: 10_000 }).toContain('frame-ancestors');
    // the frame holds the browser's error page, not Kairos's
    const framed = page.frames().find((f) => f !== page.mainFrame());
    expect(await framed?.content()).not.toContain('LTI 1.3 launch address of Kairos');
    await context.close();
  }, 60_000);
});
