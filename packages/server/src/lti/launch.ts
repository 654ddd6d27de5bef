import type { Request, Response } from 'express';
import { nonceAttr } from '../http/csp.js';
import type { LtiDeps } from './deps.js';
import {
  consumeLogin,
  findLogin,
  hashBind,
  type LoginState,
  STORAGE_SCRIPT,
  stateCookieName,
} from './login.js';
import { LtiError } from './lti-error.js';
import { esc, page, scriptJson } from './pages.js';
import { deepLinkReturnOf, newWindowPage, relaunchTarget } from './relaunch.js';
import { type LaunchClaims, peekIssuer, verifyIdToken } from './verify.js';

const MESSAGE_TYPE = 'https://purl.imsglobal.org/spec/lti/claim/message_type';

/** Handles a verified launch of one message type. */
export type MessageHandler = (
  claims: LaunchClaims,
  login: LoginState,
  req: Request,
  res: Response,
) => Promise<void>;

/** A request cookie's value, decoded. */
export function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/**
 * The launch (redirect_uri, `POST /lti/launch`): the login's state, the id_token (see {@link verifyIdToken}),
 * the browser binding (state cookie, else platform storage, else a new window), then one-time use of the
 * state — a replayed or tampered launch is refused before anything is written.
 */
export function launchHandler(
  deps: LtiDeps,
  handlers: { resourceLink: MessageHandler; deepLinking: MessageHandler },
) {
  return async function ltiLaunch(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const idToken = typeof body.id_token === 'string' ? body.id_token : undefined;
    const state = typeof body.state === 'string' ? body.state : undefined;
    if (!idToken || !state) {
      throw new LtiError(
        400,
        'missing_launch_parameters',
        typeof body.error === 'string'
          ? `The LMS refused the launch: ${body.error}${body.error_description ? ` (${String(body.error_description)})` : ''}.`
          : 'The launch arrived without id_token and state. Start it again from your course.',
        `fields: ${Object.keys(body).join(',')}`,
      );
    }
    const login = await findLogin(deps.keyed, state);
    if (!login) {
      throw new LtiError(
        400,
        'unknown_state',
        'This launch was already used or has expired (a launch is valid once, for 10 minutes). Relaunch from your course.',
        `state ${state.slice(0, 8)}… unknown (replayed, expired or forged)`,
      );
    }
    const registration = await deps.registry.get(login.tenantId);
    if (!registration) {
      throw new LtiError(
        400,
        'unregistered_platform',
        'This LMS is no longer registered with Kairos.',
        login.tenantId,
      );
    }
    const { iss } = peekIssuer(idToken);
    if (iss !== registration.issuer) {
      throw new LtiError(
        401,
        'issuer_mismatch',
        'The launch token comes from another LMS than the login.',
        String(iss),
      );
    }
    const claims = await verifyIdToken(idToken, registration, deps.keys, login.nonce);

    const cookieName = stateCookieName(state);
    const fromCookie = cookie(req, cookieName);
    const fromStorage = typeof body.kairos_bind === 'string' ? body.kairos_bind : undefined;
    const bound = [fromCookie, fromStorage].some((v) => v !== undefined && hashBind(v) === login.bindHash);
    if (!bound) {
      if (login.storageTarget && fromStorage === undefined) {
        res.type('html').send(storageCheckPage(login, idToken, `${deps.publicUrl}/lti/launch`));
        return;
      }
      const target = relaunchTarget(claims, login, deps.publicUrl);
      res.locals.log?.info(
        { code: 'browser_not_bound', tenant: login.tenantId, lms: target.lms, relaunch: !!target.url },
        'launch needs a new window',
      );
      res
        .type('html')
        .send(newWindowPage(target, { publicUrl: deps.publicUrl, deepLinkReturn: deepLinkReturnOf(claims) }));
      return;
    }
    if (!(await consumeLogin(deps.keyed, state))) {
      throw new LtiError(
        400,
        'unknown_state',
        'This launch was already used. Relaunch from your course.',
        'race',
      );
    }
    if (fromCookie !== undefined) res.clearCookie(cookieName, { path: '/lti' });
    const deploymentId = String(claims['https://purl.imsglobal.org/spec/lti/claim/deployment_id']);
    if (!registration.deploymentIds.includes(deploymentId)) {
      await deps.registry.add({ ...registration, deploymentIds: [deploymentId] });
      res.locals.log?.info({ tenant: registration.tenantId, deploymentId }, 'first deployment adopted');
    }
    const handler =
      claims[MESSAGE_TYPE] === 'LtiDeepLinkingRequest' ? handlers.deepLinking : handlers.resourceLink;
    await handler(claims, login, req, res);
  };
}

/**
 * `GET /lti/launch`: Moodle fetches the tool URL when a teacher saves an activity (and some LMSs probe it):
 * a small page saying what the address is, 200, rather than the JSON 404 of unknown routes.
 */
export function launchInfoHandler() {
  return function ltiLaunchInfo(_req: Request, res: Response): void {
    res.type('html').send(
      page(
        'Kairos LTI launch',
        `<main><h1>Kairos</h1><p>This is the LTI 1.3 launch address of Kairos. Open Kairos from your course in
your LMS; LMS administrators: see docs/lti/moodle.md or docs/lti/canvas.md.</p></main>`,
      ),
    );
  };
}

/** Second leg of the platform-storage flow: reads the binding secret the login stored, posts the launch again. */
function storageCheckPage(login: LoginState, idToken: string, action: string): string {
  const cfg = scriptJson({
    target: login.storageTarget,
    origin: login.platformOrigin,
    key: `state_${login.state}`,
  });
  return page(
    'Opening Kairos…',
    `<form id="f" method="post" action="${esc(action)}"><input type="hidden" name="id_token" value="${esc(idToken)}">
<input type="hidden" name="state" value="${esc(login.state)}"><input type="hidden" name="kairos_bind" value=""></form>
<p class="muted">Opening Kairos…</p>
<script${nonceAttr()}>${STORAGE_SCRIPT}
var c=${cfg};var f=document.getElementById('f');
ltiCall(c.target,c.origin,{subject:'lti.get_data',key:c.key},2000).then(function(r){
  f.elements.kairos_bind.value=(r&&typeof r.value==='string')?r.value:'-';f.submit()});
</script>`,
  );
}
