import { createHash, randomBytes } from 'node:crypto';
import { stringProblem } from '@kairos/xapi';
import type { Request, Response } from 'express';
import { nonceAttr } from '../http/csp.js';
import type { KeyedRecordRepository } from '../storage/types.js';
import type { LtiDeps } from './deps.js';
import { LtiError } from './lti-error.js';
import { esc, page, scriptJson } from './pages.js';

const LOGINS = 'kairos:lti-login';
/** How long a login may take to come back as a launch. */
export const LOGIN_TTL_S = 600;

/** What Kairos remembers between the OIDC login and the launch. */
export interface LoginState {
  state: string;
  tenantId: string;
  nonce: string;
  /** sha256 of the browser-binding secret held by the state cookie or the platform storage. */
  bindHash: string;
  /** The login initiation parameters, to relaunch in a new window. */
  params: Record<string, string>;
  /** 1EdTech platform storage frame, when the platform offered one. */
  storageTarget?: string;
  /** Origin of the platform's OIDC auth endpoint (target origin of storage messages). */
  platformOrigin: string;
}

const random = () => randomBytes(24).toString('base64url');
export const hashBind = (bind: string) => createHash('sha256').update(bind).digest('base64url');
/** Name of the state cookie of one login (one per login, so parallel launches do not clobber each other). */
export const stateCookieName = (state: string) => `kairos_lti_${state.slice(0, 16)}`;

/** The login record of `state`, or undefined when unknown, used or expired. */
export async function findLogin(
  keyed: KeyedRecordRepository,
  state: string,
): Promise<LoginState | undefined> {
  return (await keyed.find(LOGINS, { state }))[0]?.data as LoginState | undefined;
}

/** Consumes a login: true for the one caller that deleted it (a replay finds nothing to delete). */
export async function consumeLogin(keyed: KeyedRecordRepository, state: string): Promise<boolean> {
  return (await keyed.delete(LOGINS, { state })) > 0;
}

/** Longest login parameter accepted (login_hint, lti_message_hint…). */
const MAX_PARAM_LENGTH = 4096;

/**
 * OIDC login initiation (LTI 1.3 core §5.1.1): checks the platform, remembers state + nonce (bound to this
 * login, unlike ltijs' unbound random nonce) and binds the browser with a `SameSite=None; Secure;
 * Partitioned` cookie, plus the platform's postMessage storage when it offers `lti_storage_target`; then
 * sends the browser to the platform's authorization endpoint.
 */
export function loginHandler(deps: LtiDeps) {
  return async function ltiLogin(req: Request, res: Response): Promise<void> {
    const p: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...req.query, ...(req.body ?? {}) })) {
      if (typeof v !== 'string') continue;
      // Hints go back to the platform in the redirect and are stored with the login: bounded (a Canvas
      // lti_message_hint, a JWT, is the longest seen, ~2 kB) and storable (no NUL, no unpaired surrogate).
      const problem =
        v.length > MAX_PARAM_LENGTH
          ? `is longer than ${MAX_PARAM_LENGTH} characters`
          : stringProblem(v)?.message;
      if (problem)
        throw new LtiError(
          400,
          'invalid_login_parameter',
          `The LMS sent a login parameter Kairos cannot use (${k}).`,
          `${k} ${problem}`,
        );
      p[k] = v;
    }
    if (!p.iss || !p.login_hint || !p.target_link_uri) {
      throw new LtiError(
        400,
        'missing_login_parameters',
        'The LMS did not send iss, login_hint and target_link_uri to start the launch.',
        `got ${Object.keys(p).join(',')}`,
      );
    }
    const registration = await deps.registry.find(p.iss, p.client_id);
    if (!registration && !p.client_id && (await deps.registry.list()).some((r) => r.issuer === p.iss)) {
      throw new LtiError(
        400,
        'client_id_required',
        'This LMS has several Kairos registrations and did not say which one launches (client_id). ' +
          'Set the client id in the tool configuration, or keep one registration per LMS.',
        `ambiguous issuer ${p.iss}`,
      );
    }
    if (!registration) {
      throw new LtiError(
        400,
        'unregistered_platform',
        `This LMS (${p.iss}${p.client_id ? `, client ${p.client_id}` : ''}) is not registered with Kairos. ` +
          'Register it with dynamic registration or `kairos platform add`.',
        `no registration for ${p.iss} ${p.client_id ?? '(no client_id)'}`,
        'Kairos does not know this LMS',
      );
    }
    if (!p.target_link_uri.startsWith(`${deps.publicUrl}/`)) {
      throw new LtiError(
        400,
        'foreign_target',
        'The launch target is not a Kairos address.',
        p.target_link_uri,
      );
    }
    const state = random();
    const nonce = random();
    const bind = random();
    const { lti_storage_target: storageTarget, ...relaunch } = p;
    const platformOrigin = new URL(registration.authEndpoint).origin;
    const login: LoginState = {
      state,
      tenantId: registration.tenantId,
      nonce,
      bindHash: hashBind(bind),
      params: relaunch,
      storageTarget,
      platformOrigin,
    };
    const now = Date.now();
    await deps.keyed.insert({
      collection: LOGINS,
      fields: { state },
      data: login,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + LOGIN_TTL_S * 1000).toISOString(),
    });
    if (deps.stateCookie) {
      const secure = deps.publicUrl.startsWith('https:');
      res.cookie(stateCookieName(state), bind, {
        httpOnly: true,
        secure,
        // SameSite=None needs Secure; plain-http development stays Lax (same-site LMS on localhost).
        sameSite: secure ? 'none' : 'lax',
        partitioned: secure && deps.partitioned,
        path: '/lti',
        maxAge: LOGIN_TTL_S * 1000,
      });
    }
    const auth = new URL(registration.authEndpoint);
    const q = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: registration.clientId,
      redirect_uri: `${deps.publicUrl}/lti/launch`,
      login_hint: p.login_hint,
      state,
      nonce,
      ...(p.lti_message_hint ? { lti_message_hint: p.lti_message_hint } : {}),
    };
    for (const [k, v] of Object.entries(q)) auth.searchParams.set(k, v);
    res.setHeader('Cache-Control', 'no-store');
    if (!storageTarget) return void res.redirect(302, auth.toString());
    res.type('html').send(storageLoginPage(storageTarget, platformOrigin, state, bind, auth.toString()));
  };
}

/** Shared client code of the 1EdTech postMessage storage ("OIDC Login with Client Side postMessages"). */
export const STORAGE_SCRIPT = `
function ltiTarget(name){try{return name==='_parent'?window.parent:(window.parent.frames[name]||window.parent)}catch(e){return window.parent}}
function ltiCall(target,origin,message,timeoutMs){return new Promise(function(resolve){
  var id=Math.random().toString(36).slice(2);var done=false;
  function onMessage(e){var d=e.data||{};if(e.origin!==origin||d.message_id!==id)return;done=true;window.removeEventListener('message',onMessage);resolve(d)}
  window.addEventListener('message',onMessage);
  ltiTarget(target).postMessage(Object.assign({message_id:id},message),origin);
  setTimeout(function(){if(!done){window.removeEventListener('message',onMessage);resolve(null)}},timeoutMs)})}`;

function storageLoginPage(target: string, origin: string, state: string, bind: string, next: string): string {
  const cfg = scriptJson({ target, origin, key: `state_${state}`, value: bind, next });
  return page(
    'Starting Kairos…',
    `<p class="muted">Starting Kairos… <a href="${esc(next)}">continue</a></p>
<script${nonceAttr()}>${STORAGE_SCRIPT}
var c=${cfg};
ltiCall(c.target,c.origin,{subject:'lti.put_data',key:c.key,value:c.value},2000).then(function(){location.replace(c.next)});
</script>`,
  );
}
