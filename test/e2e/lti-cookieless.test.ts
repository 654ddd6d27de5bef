import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LtiFeatureOptions } from '../../packages/server/src/lti/index.js';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import { type LtiKairos, startLtiKairos } from '../lti-platform/kairos.js';
import { CHROMIUM_ARGS } from '../support/browser.js';

// Kairos (tool.test) framed by the LMS (lms.test) in Chromium with third-party cookies blocked, over HTTPS
// (SameSite=None and Partitioned cookies need Secure). Server-to-server calls use 127.0.0.1.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=tool.test',
        '-addext',
        'subjectAltName=DNS:tool.test,DNS:lms.test,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!existsSync(CHROMIUM))(
  'cookie-less launch in Chromium (framed, third-party cookies blocked)',
  () => {
    const tls = selfSignedCert();
    let lms: TestPlatform;
    let browser: Browser;
    const running: LtiKairos[] = [];

    beforeAll(async () => {
      lms = await createTestPlatform({ publicHost: 'lms.test', tls });
      await lms.start();
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          ...CHROMIUM_ARGS,
          '--ignore-certificate-errors',
          '--host-resolver-rules=MAP lms.test 127.0.0.1, MAP tool.test 127.0.0.1',
          // Third-party cookies blocked, as Chrome does with the phase-out (CHIPS stays available).
          '--test-third-party-cookie-phaseout',
        ],
      });
    });
    afterAll(async () => {
      await browser?.close();
      for (const k of running) await k.close();
      await lms?.close();
    });

    /** A Kairos on https://tool.test registered with the LMS (browser URLs on the host names, server calls on 127.0.0.1). */
    async function tool(lti: LtiFeatureOptions) {
      const kairos = await startLtiKairos({
        tls,
        publicHost: 'tool.test',
        lti: { agsEveryMs: 3_600_000, ...lti },
      });
      running.push(kairos);
      const port = new URL(kairos.url).port;
      const lmsPort = new URL(lms.issuer).port;
      const registered = lms.addTool({
        name: 'Kairos',
        loginUrl: `${kairos.url}/lti/login`,
        redirectUris: [`${kairos.url}/lti/launch`],
        targetLinkUri: `${kairos.url}/lti/launch`,
        jwksUrl: `https://127.0.0.1:${port}/lti/keys`,
      });
      await kairos.lti.registry.add({
        issuer: lms.issuer,
        clientId: registered.clientId,
        name: 'Test LMS',
        authEndpoint: `${lms.issuer}/auth`,
        tokenEndpoint: `https://127.0.0.1:${lmsPort}/token`,
        jwksUrl: `https://127.0.0.1:${lmsPort}/jwks`,
        deploymentIds: registered.deploymentIds,
      });
      return kairos;
    }

    async function coursePage(
      storage: boolean,
      options: { user?: string; dl?: boolean } = {},
    ): Promise<{ page: Page; frame: Frame }> {
      const page = await browser.newPage();
      const user = options.user ?? lms.users.learner.id;
      await page.goto(
        `${lms.issuer}/course/launch?user=${user}${storage ? '&storage=1' : ''}${options.dl ? '&dl=1' : ''}`,
      );
      const frame = page.frame({ name: 'tool' })!;
      return { page, frame };
    }

    const bootstrap = async (frame: Frame | Page) => {
      await frame.waitForSelector('#kairos-launch', { state: 'attached', timeout: 15_000 });
      return JSON.parse((await frame.locator('#kairos-launch').textContent())!) as {
        token: string;
        actor: { account: { name: string } };
      };
    };

    it('third-party cookies are really blocked in this browser (control), partitioned ones kept', async () => {
      await tool({});
      const { page, frame } = await coursePage(false);
      await bootstrap(frame);
      const cookies = await frame.evaluate(() => {
        // biome-ignore lint/suspicious/noDocumentCookie: the test probes what the browser does with raw cookies
        document.cookie = 'plain=1; SameSite=None; Secure; Path=/';
        // biome-ignore lint/suspicious/noDocumentCookie: the test probes what the browser does with raw cookies
        document.cookie = 'chips=1; SameSite=None; Secure; Partitioned; Path=/';
        return document.cookie;
      });
      expect(cookies).not.toContain('plain=1');
      expect(cookies).toContain('chips=1');
      await page.close();
    });

    it('Partitioned (CHIPS) state cookie: the framed launch works', async () => {
      await tool({});
      const { page, frame } = await coursePage(false);
      const boot = await bootstrap(frame);
      expect(boot.actor.account.name).toBe(lms.users.learner.id);
      expect(frame.url()).toMatch(/^https:\/\/tool\.test:\d+\/lti\/launch$/);
      await page.close();
    });

    it('no usable cookie, platform storage offered: the postMessage flow binds the launch', async () => {
      await tool({ partitioned: false });
      const { page, frame } = await coursePage(true);
      const boot = await bootstrap(frame);
      expect(boot.token).toBeTruthy();
      // the framed page's widget records without any cookie: the learner's "done" is stored
      const stored = page.waitForResponse(
        (r) => r.url().includes('/xapi/statements') && r.request().method() === 'POST',
        { timeout: 15_000 },
      );
      await frame.getByRole('button', { name: /I’m done|J’ai terminé/ }).click();
      expect((await stored).status()).toBe(200);
      await page.close();
    });

    it('no usable cookie and no platform storage: "open in a new window" starts a fresh launch from the LMS, which works', async () => {
      await tool({ partitioned: false });
      const { page, frame } = await coursePage(false);
      const link = frame.locator('#kairos-new-window');
      await link.waitFor({ timeout: 15_000 });
      expect(await frame.locator('h1').textContent()).toBe('Open Kairos in a new window');
      // Not the old login again: its lti_message_hint is spent (Moodle's auth.php answers "Invalid request").
      const cmid = lms.cmidOf({ user: lms.users.learner, resourceLink: { id: 'link-1' } });
      expect(await link.getAttribute('href')).toBe(`${lms.issuer}/mod/lti/launch.php?id=${cmid}`);
      const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
      const boot = await bootstrap(popup);
      expect(boot.actor.account.name).toBe(lms.users.learner.id);
      expect(popup.url()).toMatch(/^https:\/\/tool\.test:\d+\/lti\/launch$/);
      await page.close();
    });

    it('deep linking with no usable cookie: the picker opens in a new window and its choice returns through the frame', async () => {
      const kairos = await tool({ partitioned: false });
      const before = lms.deepLinks.length;
      const deployment = lms.tools.find((t) => t.loginUrl === `${kairos.url}/lti/login`)!.deploymentIds[0];
      const { page, frame } = await coursePage(false, { user: lms.users.instructor.id, dl: true });
      const link = frame.locator('#kairos-new-window');
      await link.waitFor({ timeout: 15_000 });
      expect(await link.getAttribute('href')).toBe(
        `${lms.issuer}/mod/lti/contentitem.php?id=${deployment}&course=${lms.course.id}`,
      );
      const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
      await popup.locator('input[value="fractions-quiz"]').check({ timeout: 15_000 });
      const closed = popup.waitForEvent('close', { timeout: 15_000 });
      await popup.locator('button[value="add"]').click();
      await closed;
      await expect.poll(() => lms.deepLinks.length, { timeout: 15_000 }).toBe(before + 1);
      const result = lms.deepLinks.at(-1)!;
      expect(result.contentItems).toEqual([
        expect.objectContaining({ custom: { activity: 'fractions-quiz' } }),
      ]);
      // Moodle's return page must run in the frame that opened the selection, not in the new window.
      expect(result.fetchDest).toBe('iframe');
      await page.close();
    });
  },
);
