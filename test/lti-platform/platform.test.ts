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
