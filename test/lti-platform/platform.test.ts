import express from 'express';
import { createLocalJWKSet, decodeJwt, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, newSigningKey, type TestPlatform } from './index.js';

describe('LTI test platform', () => {
  let lms: TestPlatform;
  let toolServer: import('node:http').Server;
  const toolKey = newSigningKey('tool-key');
  beforeAll(async () => {
    lms = await createTestPlatform();
    await lms.start();
    const key = await toolKey;
    const app = express().get('/jwks', (_q, r) => void r.json({ keys: [key.publicJwk] }));
    toolServer = app.listen(0, '127.0.0.1');
    await new Promise((r) => toolServer.once('listening', r));
    const base = `http://127.0.0.1:${(toolServer.address() as import('node:net').AddressInfo).port}`;
    lms.addTool({
      name: 't',
      loginUrl: `${base}/login`,
      redirectUris: [`${base}/launch`],
      targetLinkUri: `${base}/launch`,
      jwksUrl: `${base}/jwks`,
    });
  });
  afterAll(async () => {
    await lms.close();
    toolServer.close();
  });

  it('issues a signed id_token with the nonce through the authorization endpoint', async () => {
    const login = new URL(lms.loginUrl({ user: lms.users.learner, course: lms.course }));
    const tool = lms.tools[0]!;
    const auth = new URL(`${lms.issuer}/auth`);
    for (const [k, v] of Object.entries({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: tool.clientId,
      redirect_uri: tool.targetLinkUri,
      login_hint: login.searchParams.get('login_hint')!,
      lti_message_hint: login.searchParams.get('lti_message_hint')!,
      state: 's1',
      nonce: 'n1',
    }))
      auth.searchParams.set(k, v);
    const html = await (await fetch(auth)).text();
    const idToken = /name="id_token" value="([^"]+)"/.exec(html)![1]!;
    const jwks = createLocalJWKSet(await (await fetch(`${lms.issuer}/jwks`)).json());
    const { payload } = await jwtVerify(idToken, jwks, { issuer: lms.issuer, audience: tool.clientId });
    expect(payload.nonce).toBe('n1');
    expect(payload['https://purl.imsglobal.org/spec/lti/claim/deployment_id']).toBe('1');
    const bad = new URL(auth);
    bad.searchParams.set('redirect_uri', 'http://evil.test/');
    expect((await fetch(bad)).status).toBe(400);
  });

  it('a login hint is good for one use, as in Moodle (auth.php forgets the launch id once read)', async () => {
    const login = new URL(lms.loginUrl({ user: lms.users.learner, course: lms.course }));
    const tool = lms.tools[0]!;
    const hint = login.searchParams.get('lti_message_hint')!;
    expect(JSON.parse(hint)).toMatchObject({ cmid: expect.any(Number), launchid: expect.any(String) });
    const auth = new URL(`${lms.issuer}/auth`);
    for (const [k, v] of Object.entries({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      client_id: tool.clientId,
      redirect_uri: tool.targetLinkUri,
      login_hint: lms.users.learner.id,
      lti_message_hint: hint,
      state: 's2',
      nonce: 'n2',
    }))
      auth.searchParams.set(k, v);
    expect((await fetch(auth)).status).toBe(200);
    const again = await fetch(auth);
    expect(again.status).toBe(404);
    expect(await again.text()).toBe('Invalid request');
  });

  it("Moodle's launch.php starts a fresh launch of a course module for the signed-in user", async () => {
    const spec = { user: lms.users.learner, course: lms.course, resourceLink: { id: 'link-m' } };
    const cmid = lms.cmidOf(spec);
    expect((await fetch(`${lms.issuer}/mod/lti/launch.php?id=${cmid}`)).status).toBe(401);
    const res = await fetch(`${lms.issuer}/mod/lti/launch.php?id=${cmid}`, {
      headers: { cookie: `lms_user=${lms.users.learner.id}` },
    });
    const html = await res.text();
    expect(html).toContain(`action="${lms.tools[0]!.loginUrl}"`);
    const hint = /name="lti_message_hint" value="([^"]+)"/.exec(html)![1]!.replace(/&quot;/g, '"');
    expect(JSON.parse(hint).cmid).toBe(cmid);
    expect(lms.pending.get(hint)?.resourceLink?.id).toBe('link-m');
  });

  it('grants tokens to signed client assertions and pages NRPS', async () => {
    const key = await toolKey;
    const tool = lms.tools[0]!;
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(tool.clientId)
      .setSubject(tool.clientId)
      .setAudience(`${lms.issuer}/token`)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key.privateKey);
    const scope = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
    const res = await fetch(`${lms.issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope,
      }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const page = await fetch(`${lms.issuer}/api/contexts/course-101/memberships`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(page.headers.get('link')).toMatch(/rel="next"/);
    expect(((await page.json()) as { members: unknown[] }).members).toHaveLength(2);
    expect(decodeJwt(assertion).iss).toBe(tool.clientId);
  });
});
