import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../packages/server/src/cli/index.js';
import { loadConfig } from '../../packages/server/src/config/index.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { startServer } from '../../packages/server/src/server.js';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import {
  bootstrapOf,
  type LtiKairos,
  launchOverHttp,
  registerByHand,
  startLtiKairos,
} from '../lti-platform/kairos.js';

const CLOSE = "postMessage({subject:'org.imsglobal.lti.close'}";

describe('LTI registration', () => {
  let lms: TestPlatform;
  beforeAll(async () => {
    lms = await createTestPlatform();
    await lms.start();
  });
  afterAll(async () => {
    await lms?.close();
  });

  describe('dynamic registration (open)', () => {
    let kairos: LtiKairos;
    beforeAll(async () => {
      kairos = await startLtiKairos();
    });
    afterAll(async () => kairos?.close());

    it('registers the platform, usable at once, one tenant per registration', async () => {
      const res = await fetch(lms.registrationUrl(`${kairos.url}/lti/register`));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(CLOSE);
      const tool = lms.tools.at(-1)!;
      expect(tool.loginUrl).toBe(`${kairos.url}/lti/login`);
      expect(tool.redirectUris).toEqual([`${kairos.url}/lti/launch`]);
      expect(tool.jwksUrl).toBe(`${kairos.url}/lti/keys`);
      expect(tool.scopes).toContain('https://purl.imsglobal.org/spec/lti-ags/scope/score');
      expect(tool.raw?.['https://purl.imsglobal.org/spec/lti-tool-configuration']).toMatchObject({
        claims: ['iss', 'sub', 'name', 'given_name', 'family_name'],
      });
      const registration = await kairos.lti.registry.find(lms.issuer, tool.clientId);
      expect(registration).toMatchObject({ deploymentIds: tool.deploymentIds, registeredBy: 'dynamic' });
      // usable at once: a learner launch goes through
      const launched = await launchOverHttp(
        lms.loginUrl({ user: lms.users.learner, course: lms.course, clientId: tool.clientId }),
      );
      expect(launched.status).toBe(200);
      expect(bootstrapOf(launched.html).token).toBeTruthy();
      // a second registration is a second tenant
      await fetch(lms.registrationUrl(`${kairos.url}/lti/register`));
      const tenants = new Set((await kairos.lti.registry.list()).map((p) => p.tenantId));
      expect(tenants.size).toBe(2);
    });

    it('registering again with "Update" (Moodle 4.3) keeps the client id, the tenant and its key; launches go on', async () => {
      await fetch(lms.registrationUrl(`${kairos.url}/lti/register`));
      const tool = lms.tools.at(-1)!;
      const first = (await kairos.lti.registry.find(lms.issuer, tool.clientId))!;
      const tenants = (await kairos.lti.registry.list()).length;
      const res = await fetch(lms.registrationUrl(`${kairos.url}/lti/register`, { update: tool.clientId }));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`Tenant <code>${first.tenantId}</code>`);
      expect(lms.tools.at(-1)).toBe(tool);
      const again = (await kairos.lti.registry.find(lms.issuer, tool.clientId))!;
      expect(again).toMatchObject({
        tenantId: first.tenantId,
        clientId: first.clientId,
        kid: first.kid,
        createdAt: first.createdAt,
        deploymentIds: tool.deploymentIds,
      });
      expect((await kairos.lti.registry.list()).length).toBe(tenants);
      const launched = await launchOverHttp(
        lms.loginUrl({ user: lms.users.learner, course: lms.course, clientId: tool.clientId }),
      );
      expect(launched.status).toBe(200);
      expect(bootstrapOf(launched.html).token).toBeTruthy();
    });

    it('refuses a reused registration token with a clear page', async () => {
      const url = lms.registrationUrl(`${kairos.url}/lti/register`);
      expect((await fetch(url)).status).toBe(200);
      const again = await fetch(url);
      expect(again.status).toBe(502);
      expect(await again.text()).toContain('<code>registration_failed</code>');
    });

    it('serves the Canvas developer key JSON', async () => {
      const json = (await (await fetch(`${kairos.url}/lti/canvas.json`)).json()) as Record<string, any>;
      expect(json).toMatchObject({
        oidc_initiation_url: `${kairos.url}/lti/login`,
        target_link_uri: `${kairos.url}/lti/launch`,
        public_jwk_url: `${kairos.url}/lti/keys`,
      });
      expect(json.extensions[0].privacy_level).toBe('name_only');
      expect(json.extensions[0].settings.placements.map((p: { placement: string }) => p.placement)).toContain(
        'link_selection',
      );
    });

    it('rotates a tool key and keeps the old one in the JWKS', async () => {
      const [first] = await kairos.lti.registry.list();
      const rotated = await kairos.lti.registry.rotateKey(first!.tenantId);
      expect(rotated.kid).not.toBe(first!.kid);
      const { keys } = (await (await fetch(`${kairos.url}/lti/keys`)).json()) as { keys: { kid: string }[] };
      expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining([first!.kid, rotated.kid]));
      expect((await kairos.lti.registry.signingKey(rotated)).kid).toBe(rotated.kid);
    });
  });

  it('KAIROS_REGISTRATION=closed and =token restrict who registers', async () => {
    const closed = await startLtiKairos({ env: { KAIROS_REGISTRATION: 'closed' } });
    const res = await fetch(lms.registrationUrl(`${closed.url}/lti/register`));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('kairos platform add');
    await closed.close();
    const token = 'registration-token-0123456789';
    const guarded = await startLtiKairos({
      env: { KAIROS_REGISTRATION: 'token', KAIROS_REGISTRATION_TOKEN: token },
    });
    expect((await fetch(lms.registrationUrl(`${guarded.url}/lti/register`))).status).toBe(403);
    expect(
      (await fetch(lms.registrationUrl(`${guarded.url}/lti/register?token=wrong-token-0123456789`))).status,
    ).toBe(403);
    expect((await fetch(lms.registrationUrl(`${guarded.url}/lti/register?token=${token}`))).status).toBe(200);
    await guarded.close();
    expect(() => loadConfig({ KAIROS_REGISTRATION: 'token' })).toThrow(/KAIROS_REGISTRATION_TOKEN/);
  });

  it('a removed platform can no longer launch', async () => {
    const kairos = await startLtiKairos();
    const tool = await registerByHand(lms, kairos);
    const tenant = (await kairos.lti.registry.find(lms.issuer, tool.clientId))!.tenantId;
    await kairos.lti.registry.remove(tenant);
    const res = await launchOverHttp(
      lms.loginUrl({ user: lms.users.learner, course: lms.course, clientId: tool.clientId }),
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('unregistered_platform');
    await kairos.close();
  });

  it('kairos platform add|list|remove, through a running server on the embedded data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kairos-lti-'));
    const env = { KAIROS_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    const server = await startServer(loadConfig(env), { logger: createLogger('silent') });
    try {
      const add = [
        'platform',
        'add',
        '--moodle',
        'https://moodle.example.edu',
        '--client-id',
        'abc',
        '--deployment',
        '7',
        '--json',
      ];
      expect(await main(add, io, env)).toBe(0);
      const added = JSON.parse(out.at(-1)!) as { tenantId: string; jwksUrl: string; deploymentIds: string[] };
      expect(added.jwksUrl).toBe('https://moodle.example.edu/mod/lti/certs.php');
      expect(
        await main(
          [
            'platform',
            'add',
            '--moodle',
            'https://moodle.example.edu',
            '--client-id',
            'abc',
            '--deployment',
            '8',
          ],
          io,
          env,
        ),
      ).toBe(0);
      expect(await main(['platform', 'list'], io, env)).toBe(0);
      expect(out.at(-1)).toMatch(/deployments=\[7 8\]/);
      expect(await main(['platform', 'add', '--client-id', 'x'], io, env)).toBe(2);
      expect(err.join('\n')).toMatch(/--issuer/);
      expect(await main(['platform', 'remove', added.tenantId], io, env)).toBe(0);
      expect(await main(['platform', 'list'], io, env)).toBe(0);
      expect(out.at(-1)).toMatch(/no LTI platform registered/);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

it('a login without client_id from an issuer with several registrations asks for the client id', async () => {
  const lms = await createTestPlatform();
  await lms.start();
  const kairos = await startLtiKairos();
  try {
    await registerByHand(lms, kairos);
    await registerByHand(lms, kairos);
    const res = await fetch(
      `${kairos.url}/lti/login?iss=${encodeURIComponent(lms.issuer)}&login_hint=x&target_link_uri=${kairos.url}/lti/launch`,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('client_id_required');
  } finally {
    await kairos.close();
    await lms.close();
  }
});
