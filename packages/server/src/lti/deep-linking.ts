import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { CATALOG, type CatalogItem } from './catalog.js';
import type { LtiDeps } from './deps.js';
import type { MessageHandler } from './launch.js';
import { LtiError } from './lti-error.js';
import { esc, formPost, page } from './pages.js';
import { deepLinkReturnScript } from './relaunch.js';
import { kairosRole } from './roles.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
const SESSION_TTL_S = 3600;

/** What the picker carries from the deep linking request to the response (signed, HS256). */
export interface PickSession {
  tenantId: string;
  deploymentId: string;
  /** The instructor who opened the picker (LTI `sub`): the author of a quiz written there. */
  sub: string;
  returnUrl: string;
  data?: string;
  acceptTypes: string[];
  acceptMultiple: boolean;
}

const sessionKey = (secret: string) => new TextEncoder().encode(`kairos-deep-link:${secret}`);

/**
 * An ltiResourceLink content item (DL 2.0 §3.1) to Kairos' one launch URL (Canvas matches redirect URIs
 * exactly; what to launch travels in `custom`), with a line item when the placement is graded.
 */
export function resourceLinkItem(
  publicUrl: string,
  link: {
    title: string;
    text?: string;
    custom: Record<string, string>;
    resourceId: string;
    scoreMaximum?: number;
  },
): Record<string, unknown> {
  const { title, text, custom, resourceId, scoreMaximum } = link;
  return {
    type: 'ltiResourceLink',
    title,
    ...(text !== undefined ? { text } : {}),
    url: `${publicUrl}/lti/launch`,
    custom,
    ...(scoreMaximum !== undefined
      ? { lineItem: { scoreMaximum, label: title, resourceId, tag: 'kairos' } }
      : {}),
  };
}

/** The content item Kairos returns for a catalog item. */
export function contentItem(publicUrl: string, item: CatalogItem): Record<string, unknown> {
  return resourceLinkItem(publicUrl, {
    title: item.title,
    text: item.description,
    custom: { activity: item.id },
    resourceId: item.id,
    scoreMaximum: item.scoreMaximum,
  });
}

/** Deep linking request (instructors only): the catalog picker. */
export function deepLinkingHandler(deps: LtiDeps): MessageHandler {
  return async function deepLinkingRequest(claims, login, _req, res) {
    if (kairosRole(claims[`${LTI}roles`] as string[]) !== 'instructor') {
      throw new LtiError(
        403,
        'instructors_only',
        'Only instructors can add Kairos activities to a course.',
        'DL by non-instructor',
      );
    }
    const settings = claims[`${DL}deep_linking_settings`] as {
      deep_link_return_url: string;
      accept_types?: string[];
      accept_multiple?: boolean;
      data?: string;
    };
    const session: PickSession = {
      tenantId: login.tenantId,
      deploymentId: String(claims[`${LTI}deployment_id`]),
      sub: String(claims.sub),
      returnUrl: settings.deep_link_return_url,
      data: settings.data,
      acceptTypes: settings.accept_types ?? ['ltiResourceLink'],
      acceptMultiple: settings.accept_multiple !== false,
    };
    const token = await new SignJWT({ ...session })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(`${SESSION_TTL_S}s`)
      .sign(sessionKey(deps.secret));
    const input = session.acceptMultiple ? 'checkbox' : 'radio';
    const items = CATALOG.map(
      (
        i,
        n,
      ) => `<li><label><input type="${input}" name="items" value="${esc(i.id)}"${n === 0 && input === 'radio' ? ' checked' : ''}>
<strong>${esc(i.title)}</strong>${i.scoreMaximum !== undefined ? ` <span class="muted">(graded, out of ${i.scoreMaximum})</span>` : ''}<br>
<span class="muted">${esc(i.description)}</span></label></li>`,
    ).join('');
    res.type('html').send(
      page(
        'Add Kairos to your course',
        `<main><h1>Add Kairos to your course</h1>
<form method="post" action="${esc(deps.publicUrl)}/lti/deep-link"><input type="hidden" name="session" value="${esc(token)}">
<ul style="list-style:none;padding:0">${items}</ul>
<button type="submit" name="action" value="add">Add</button> <button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
<p>Or write a quiz of your own: <button type="submit" formaction="${esc(deps.publicUrl)}/lti/deep-link/quiz" name="action" value="write" formnovalidate>Write a quiz</button></p>
</form></main>`,
      ),
    );
  };
}

/** Reads the picker's signed session from a posted form; an expired or forged one is refused. */
export async function verifyPickSession(deps: Pick<LtiDeps, 'secret'>, token: unknown): Promise<PickSession> {
  try {
    const { payload } = await jwtVerify(String(token ?? ''), sessionKey(deps.secret), {
      algorithms: ['HS256'],
    });
    return payload as unknown as PickSession;
  } catch (error) {
    throw new LtiError(
      400,
      'deep_link_expired',
      'This selection page has expired; start again from your course.',
      String(error),
    );
  }
}

/** What a deep linking response tells the platform: content items, or a message, or an error. */
export interface DeepLinkOutcome {
  items?: Record<string, unknown>[];
  msg?: string;
  errormsg?: string;
  errorlog?: string;
}

/** The outcome when the placement does not take resource links (the only content Kairos makes). */
export function refusedTypes(session: PickSession): DeepLinkOutcome | undefined {
  if (session.acceptTypes.includes('ltiResourceLink')) return undefined;
  return {
    errormsg: 'Kairos can only add LTI resource links, which this placement does not accept.',
    errorlog: `accept_types: ${session.acceptTypes.join(',')}`,
  };
}

/**
 * Signs the LtiDeepLinkingResponse with the tenant's tool key (jose, RS256) and answers the page that
 * posts it back to the platform. Built here rather than with ltijs, whose `errormsg` claim key has a
 * trailing space.
 */
export async function returnToPlatform(
  deps: LtiDeps,
  session: PickSession,
  outcome: DeepLinkOutcome,
  res: Response,
): Promise<void> {
  const registration = await deps.registry.get(session.tenantId);
  if (!registration)
    throw new LtiError(
      400,
      'unregistered_platform',
      'This LMS is no longer registered with Kairos.',
      session.tenantId,
    );
  const claims: Record<string, unknown> = {};
  if (outcome.items) claims[`${DL}content_items`] = outcome.items;
  if (outcome.msg !== undefined) claims[`${DL}msg`] = outcome.msg;
  if (outcome.errormsg !== undefined) claims[`${DL}errormsg`] = outcome.errormsg;
  if (outcome.errorlog !== undefined) claims[`${DL}errorlog`] = outcome.errorlog;
  const { kid, key } = await deps.registry.signingKey(registration);
  const jwt = await new SignJWT({
    nonce: randomUUID(),
    [`${LTI}message_type`]: 'LtiDeepLinkingResponse',
    [`${LTI}version`]: '1.3.0',
    [`${LTI}deployment_id`]: session.deploymentId,
    ...(session.data !== undefined ? { [`${DL}data`]: session.data } : {}),
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(registration.clientId)
    .setAudience(registration.issuer)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
  // When the picker ran in the "new window" of a cookie-less frame, the frame posts the response (Moodle).
  res
    .type('html')
    .send(
      formPost(
        'Returning to your course…',
        session.returnUrl,
        { JWT: jwt },
        undefined,
        deepLinkReturnScript(),
      ),
    );
}

/** The outcome of a teacher who cancels (the picker, the quiz editor). */
export const NOTHING_ADDED: DeepLinkOutcome = { msg: 'Nothing was added.' };

/** `POST /lti/deep-link`: the catalog items picked, returned to the platform. */
export function deepLinkResponseHandler(deps: LtiDeps) {
  return async function deepLinkResponse(req: Request, res: Response): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const session = await verifyPickSession(deps, body.session);
    const chosen = ([] as unknown[]).concat(body.items ?? []).map(String);
    const items = CATALOG.filter((i) => chosen.includes(i.id));
    const kept = session.acceptMultiple ? items : items.slice(0, 1);
    const outcome: DeepLinkOutcome =
      body.action === 'cancel'
        ? NOTHING_ADDED
        : (refusedTypes(session) ??
          (items.length === 0
            ? { errormsg: 'No Kairos activity was selected.' }
            : {
                items: kept.map((i) => contentItem(deps.publicUrl, i)),
                msg: `Added ${kept.map((i) => i.title).join(', ')}.`,
              }));
    await returnToPlatform(deps, session, outcome, res);
  };
}
