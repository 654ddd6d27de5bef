import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { nonceAttr } from '../http/csp.js';
import type { LtiDeps } from './deps.js';
import { LtiError } from './lti-error.js';
import { page } from './pages.js';

const TOOL_CONFIG = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
const PLATFORM_CONFIG = 'https://purl.imsglobal.org/spec/lti-platform-configuration';
/** Services Kairos asks for, when the platform offers them. */
export const TOOL_SCOPES = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];

interface OpenIdConfiguration {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  registration_endpoint: string;
  authorization_server?: string;
  scopes_supported?: string[];
  [PLATFORM_CONFIG]?: { product_family_code?: string };
}

const refuse = (message: string, reason: string, status = 400) =>
  new LtiError(status, 'registration_failed', message, reason, 'Kairos could not be registered');

// compared as bytes: two strings of one length can differ in byte length (timingSafeEqual would throw)
const sameSecret = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The query as single strings: a parameter given twice is refused, not joined into a URL or a header. */
function readQuery(query: Record<string, unknown>): Record<string, string | undefined> {
  const q: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string')
      throw refuse(
        `The registration URL gives ${name} more than once.`,
        `duplicated query parameter ${name}`,
      );
    // registration_token goes into an Authorization header: visible ASCII only (a NUL made fetch throw)
    if (name === 'registration_token' && !/^[\x21-\x7e]*$/.test(value))
      throw refuse(
        'The registration URL is damaged: its registration_token is not a token.',
        'bad registration_token',
      );
    q[name] = value;
  }
  return q;
}

/** Whether `url` is an absolute http(s) URL, the only kind an LMS configuration is served at. */
const isHttpUrl = (url: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
};

async function fetchJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    ...init,
    headers: { 'user-agent': 'Kairos LTI tool', accept: 'application/json', ...init.headers },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text.slice(0, 300) };
  }
}

/** The registration request Kairos posts (LTI Dynamic Registration 1.0 §3.5.2), minimal claims. */
export function toolRegistration(deps: LtiDeps, supported: string[] | undefined): Record<string, unknown> {
  const base = deps.publicUrl;
  const launch = `${base}/lti/launch`;
  const scopes = supported ? TOOL_SCOPES.filter((s) => supported.includes(s)) : TOOL_SCOPES;
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: `${base}/lti/login`,
    redirect_uris: [launch],
    client_name: 'Kairos',
    jwks_uri: `${base}/lti/keys`,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: scopes.join(' '),
    [TOOL_CONFIG]: {
      domain: new URL(base).host,
      target_link_uri: launch,
      description:
        'Learning analytics: who is stuck where, and which competencies each learner has acquired.',
      // Names only when the operator keeps them; never e-mail (DESIGN "Tenancy, identity").
      claims: deps.config.ltiNames ? ['iss', 'sub', 'name', 'given_name', 'family_name'] : ['iss', 'sub'],
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: launch, label: 'Kairos' },
        { type: 'LtiDeepLinkingRequest', target_link_uri: launch, label: 'Kairos activity' },
      ],
    },
  };
}

/**
 * `GET /lti/register`: LTI Dynamic Registration, as Moodle 4.1+ and Canvas run it. Subject to
 * `KAIROS_REGISTRATION` (open | token: the URL carries `?token=` | closed). The new platform is one
 * tenant, active at once; the close message goes to the LMS window.
 */
export function registerHandler(deps: LtiDeps) {
  return async function ltiRegister(req: Request, res: Response): Promise<void> {
    const q = readQuery(req.query as Record<string, unknown>);
    const policy = deps.config.registration;
    if (policy === 'closed') {
      throw refuse(
        'Dynamic registration is turned off on this Kairos server. Ask its operator to register your LMS with `kairos platform add`.',
        'KAIROS_REGISTRATION=closed',
        403,
      );
    }
    if (policy === 'token' && !(q.token && sameSecret(q.token, deps.config.registrationToken ?? ''))) {
      throw refuse(
        'This registration URL lacks the registration token of this Kairos server (…/lti/register?token=…). Ask its operator for the URL.',
        'KAIROS_REGISTRATION=token and no or a wrong token',
        403,
      );
    }
    if (!q.openid_configuration) {
      throw refuse(
        'Open this URL from your LMS tool registration screen (it adds openid_configuration).',
        'missing openid_configuration',
      );
    }
    if (!isHttpUrl(q.openid_configuration)) {
      throw refuse(
        'The registration URL is damaged: its openid_configuration is not an http(s) URL. Open it again from your LMS.',
        `openid_configuration is not an http(s) URL`,
      );
    }
    let config: OpenIdConfiguration;
    try {
      const got = await fetchJson(q.openid_configuration);
      if (got.status !== 200) throw new Error(`HTTP ${got.status}`);
      config = got.body as OpenIdConfiguration;
    } catch (error) {
      throw refuse('Kairos could not read the LMS configuration.', `GET openid_configuration: ${error}`, 502);
    }
    for (const k of [
      'issuer',
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'registration_endpoint',
    ] as const) {
      if (typeof config[k] !== 'string')
        throw refuse(`The LMS configuration lacks ${k}.`, `openid config: no ${k}`, 502);
    }
    const sent = await fetchJson(config.registration_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(q.registration_token ? { authorization: `Bearer ${q.registration_token}` } : {}),
      },
      body: JSON.stringify(toolRegistration(deps, config.scopes_supported)),
    }).catch((error) => ({ status: 0, body: String(error) }));
    const answer = sent.body as { client_id?: string; [TOOL_CONFIG]?: { deployment_id?: string } };
    if (sent.status < 200 || sent.status >= 300 || typeof answer?.client_id !== 'string') {
      throw refuse(
        `The LMS refused the registration (HTTP ${sent.status}).`,
        `registration POST: ${sent.status} ${JSON.stringify(sent.body).slice(0, 300)}`,
        502,
      );
    }
    const deploymentId = answer[TOOL_CONFIG]?.deployment_id;
    const registration = await deps.registry.add({
      issuer: config.issuer,
      clientId: answer.client_id,
      name: config[PLATFORM_CONFIG]?.product_family_code ?? new URL(config.issuer).host,
      authEndpoint: config.authorization_endpoint,
      tokenEndpoint: config.token_endpoint,
      authorizationServer: config.authorization_server,
      jwksUrl: config.jwks_uri,
      deploymentIds: deploymentId ? [String(deploymentId)] : [],
      registeredBy: 'dynamic',
    });
    res.locals.log?.info(
      { tenant: registration.tenantId, issuer: registration.issuer, clientId: registration.clientId },
      'platform registered dynamically',
    );
    res.type('html').send(
      page(
        'Kairos is registered',
        `<main><h1>Kairos is registered</h1><p>Kairos is ready in ${registration.name}: add it to a course.</p>
<p class="muted">Tenant <code>${registration.tenantId}</code></p></main>
<script${nonceAttr()}>(window.opener||window.parent).postMessage({subject:'org.imsglobal.lti.close'},'*')</script>`,
      ),
    );
  };
}
