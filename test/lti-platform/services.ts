import { randomUUID } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { TestPlatform } from './index.js';
import type { ToolRegistration } from './state.js';

const SCOPE = {
  lineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  result: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
};
const TOOL_CONFIG = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

/** Token endpoint, AGS, NRPS, deep linking return and dynamic registration of the test platform. */
export function serviceRoutes(platform: TestPlatform): Router {
  const router = Router();
  const tokens = new Map<string, { clientId: string; scopes: string[] }>();
  const seenJti = new Set<string>();
  const jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  const keysOf = (tool: ToolRegistration) => {
    let set = jwks.get(tool.jwksUrl);
    if (!set) {
      set = createRemoteJWKSet(new URL(tool.jwksUrl));
      jwks.set(tool.jwksUrl, set);
    }
    return set;
  };
  const bearer = (req: Request, res: Response, scope: string) => {
    const token = tokens.get(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (!token?.scopes.includes(scope)) {
      res.status(401).json({ error: 'invalid_token', scope });
      return undefined;
    }
    return token;
  };

  router.get('/.well-known/openid-configuration', (_req, res) => {
    const iss = platform.issuer;
    res.json({
      issuer: iss,
      authorization_endpoint: `${iss}/auth`,
      token_endpoint: `${iss}/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      jwks_uri: `${iss}/jwks`,
      registration_endpoint: `${iss}/register`,
      scopes_supported: ['openid', ...Object.values(SCOPE)],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': {
        product_family_code: 'kairos-test',
        version: '1.0',
        messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
      },
    });
  });

  // Dynamic registration (LTI DR 1.0 §3.5): the tool posts its configuration with the registration token.
  router.post('/register', (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    // An update token (Moodle's registration_helper REG_TOKEN_OP_UPDATE_REG) names the tool it updates.
    const updating = platform.registrationUpdates.get(token);
    platform.registrationUpdates.delete(token);
    if (!updating && !platform.registrationTokens.delete(token)) {
      return void res.status(401).json({ error: 'invalid registration token' });
    }
    const body = req.body as Record<string, unknown>;
    const config = body[TOOL_CONFIG] as Record<string, unknown> | undefined;
    if (!config || !Array.isArray(body.redirect_uris) || typeof body.initiate_login_uri !== 'string') {
      return void res.status(400).json({ error: 'invalid_client_metadata' });
    }
    const existing = platform.tools.find((t) => t.clientId === updating);
    if (updating && !existing) return void res.status(400).json({ error: 'Unknown client' });
    const fields = {
      name: String(body.client_name ?? 'tool'),
      loginUrl: body.initiate_login_uri,
      redirectUris: body.redirect_uris as string[],
      targetLinkUri: String(config.target_link_uri),
      jwksUrl: String(body.jwks_uri),
      scopes: String(body.scope ?? '')
        .split(' ')
        .filter(Boolean),
      custom: config.custom_parameters as Record<string, string> | undefined,
      raw: body,
    };
    // Moodle keeps the client id and the tool type (deployment id) when a registration is updated.
    const tool = existing ? Object.assign(existing, fields) : platform.addTool(fields);
    res.json({
      ...body,
      client_id: tool.clientId,
      [TOOL_CONFIG]: { ...config, deployment_id: tool.deploymentIds[0] },
    });
  });

  // Client credentials with a JWT assertion signed by the tool (1EdTech Security Framework §4.1).
  router.post('/token', async (req, res) => {
    const b = req.body as Record<string, string>;
    if (b.grant_type !== 'client_credentials' || !b.client_assertion) {
      return void res.status(400).json({ error: 'unsupported_grant_type' });
    }
    const unverified = JSON.parse(
      Buffer.from(b.client_assertion.split('.')[1] ?? '', 'base64url').toString(),
    );
    const tool = platform.tools.find((t) => t.clientId === unverified.sub);
    if (!tool) return void res.status(401).json({ error: 'invalid_client' });
    try {
      const { payload } = await jwtVerify(b.client_assertion, keysOf(tool), {
        issuer: tool.clientId,
        subject: tool.clientId,
        audience: `${platform.issuer}/token`,
      });
      if (!payload.jti || seenJti.has(payload.jti)) throw new Error('jti replayed');
      seenJti.add(payload.jti);
    } catch (error) {
      return void res.status(401).json({ error: 'invalid_client', error_description: String(error) });
    }
    const scopes = String(b.scope ?? '')
      .split(' ')
      .filter(Boolean);
    const access = randomUUID();
    tokens.set(access, { clientId: tool.clientId, scopes });
    res.json({ access_token: access, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') });
  });

  const lineItemJson = (id: string) => {
    const l = platform.lineItems.find((x) => x.id === id)!;
    return {
      id: `${platform.issuer}/api/lineitems/${l.id}`,
      label: l.label,
      scoreMaximum: l.scoreMaximum,
      resourceLinkId: l.resourceLinkId,
      resourceId: l.resourceId,
      tag: l.tag,
    };
  };
  router.get('/api/contexts/:ctx/lineitems', (req, res) => {
    if (!bearer(req, res, SCOPE.lineitem)) return;
    res.json(platform.lineItems.filter((l) => l.contextId === req.params.ctx).map((l) => lineItemJson(l.id)));
  });
  router.post('/api/contexts/:ctx/lineitems', (req, res) => {
    if (!bearer(req, res, SCOPE.lineitem)) return;
    const b = req.body as Record<string, unknown>;
    const item = platform.addLineItem({
      label: String(b.label),
      scoreMaximum: Number(b.scoreMaximum),
      resourceLinkId: b.resourceLinkId as string | undefined,
      resourceId: b.resourceId as string | undefined,
      tag: b.tag as string | undefined,
    });
    res.status(201).json(lineItemJson(item.id));
  });
  router.get('/api/lineitems/:id', (req, res) => {
    if (!bearer(req, res, SCOPE.lineitem)) return;
    if (!platform.lineItems.some((l) => l.id === req.params.id)) return void res.status(404).end();
    res.json(lineItemJson(req.params.id));
  });
  // Scores (AGS 2.0 §3.4), with Moodle's and Canvas's strictness: ISO timestamp, scoreMaximum with
  // scoreGiven, both progress fields, a gradable learner, and a User-Agent header.
  router.post('/api/lineitems/:id/scores', (req, res) => {
    if (!bearer(req, res, SCOPE.score)) return;
    if (!req.is('application/vnd.ims.lis.v1.score+json')) return void res.status(415).send('score+json only');
    if (!req.get('user-agent')) return void res.status(403).send('User-Agent required');
    if (!platform.lineItems.some((l) => l.id === req.params.id)) return void res.status(404).end();
    if ((platform.options.failScores ?? 0) > 0) {
      platform.options.failScores!--;
      return void res.status(503).send('try later');
    }
    const s = req.body as Record<string, unknown>;
    const member = platform.course.members.find((m) => m.id === s.userId);
    const gradable = member?.roles.some((r) => r.endsWith('Learner'));
    const problems = [
      !gradable && 'user is not a gradable learner',
      (typeof s.timestamp !== 'string' || Number.isNaN(Date.parse(s.timestamp))) && 'timestamp',
      s.scoreGiven !== undefined && typeof s.scoreMaximum !== 'number' && 'scoreMaximum',
      !s.activityProgress && 'activityProgress',
      !s.gradingProgress && 'gradingProgress',
    ].filter(Boolean);
    if (problems.length > 0)
      return void res.status(400).send(`Incorrect score received: ${problems.join(', ')}`);
    platform.scores.push({
      lineItemId: req.params.id,
      body: s,
      userAgent: req.get('user-agent'),
      receivedAt: new Date().toISOString(),
    });
    res.status(200).json({});
  });

  // NRPS 2.0 with paging (Link rel=next), as Canvas pages large rosters.
  router.get('/api/contexts/:ctx/memberships', (req, res) => {
    if (!bearer(req, res, SCOPE.nrps)) return;
    const course = platform.course;
    if (req.params.ctx !== course.id) return void res.status(404).end();
    const limit = Number(req.query.limit ?? 2);
    const from = Number(req.query.from ?? 0);
    const page = course.members.slice(from, from + limit);
    if (from + limit < course.members.length) {
      const next = `${platform.issuer}/api/contexts/${course.id}/memberships?from=${from + limit}&limit=${limit}`;
      res.set('link', `<${next}>; rel="next"`);
    }
    res.type('application/vnd.ims.lti-nrps.v2.membershipcontainer+json').send(
      JSON.stringify({
        id: req.originalUrl,
        context: { id: course.id, label: course.label, title: course.title },
        members: page.map((m) => ({
          user_id: m.id,
          status: 'Active',
          name: m.name,
          given_name: m.givenName,
          family_name: m.familyName,
          email: m.email,
          roles: m.roles,
        })),
      }),
    );
  });

  // Deep linking return (DL 2.0 §4.2): verify the tool's JWT, create line items for graded links.
  router.post('/deep_link_return', async (req, res) => {
    const jwt = (req.body as Record<string, string>).JWT;
    if (!jwt) return void res.status(400).send('missing JWT');
    const unverified = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
    const tool = platform.tools.find((t) => t.clientId === unverified.iss);
    if (!tool) return void res.status(400).send('unknown tool');
    try {
      const { payload } = await jwtVerify(jwt, keysOf(tool), {
        issuer: tool.clientId,
        audience: platform.issuer,
      });
      const claim = (k: string) => payload[`https://purl.imsglobal.org/spec/lti-dl/claim/${k}`] as never;
      if (payload['https://purl.imsglobal.org/spec/lti/claim/message_type'] !== 'LtiDeepLinkingResponse') {
        throw new Error('message_type');
      }
      if (
        !tool.deploymentIds.includes(
          payload['https://purl.imsglobal.org/spec/lti/claim/deployment_id'] as string,
        )
      ) {
        throw new Error('deployment_id');
      }
      const items = (claim('content_items') ?? []) as Record<string, unknown>[];
      for (const item of items) {
        const li = item.lineItem as Record<string, unknown> | undefined;
        if (li) {
          platform.addLineItem({
            label: String(li.label ?? item.title),
            scoreMaximum: Number(li.scoreMaximum),
            resourceLinkId: `dl-${platform.lineItems.length + 1}`,
            resourceId: li.resourceId as string | undefined,
            tag: li.tag as string | undefined,
          });
        }
      }
      platform.deepLinks.push({
        clientId: tool.clientId,
        contentItems: items,
        data: claim('data'),
        msg: claim('msg'),
        errormsg: claim('errormsg'),
        log: claim('log'),
        errorlog: claim('errorlog'),
        fetchDest: req.get('sec-fetch-dest'),
      });
      res.type('html').send('<p>Deep linking done</p>');
    } catch (error) {
      res.status(400).send(`invalid deep linking response: ${String(error)}`);
    }
  });
  return router;
}
