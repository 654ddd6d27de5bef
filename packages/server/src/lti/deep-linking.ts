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
interface PickSession {
  tenantId: string;
  deploymentId: string;
  returnUrl: string;
  data?: string;
  acceptTypes: string[];
  acceptMultiple: boolean;
}

const sessionKey = (secret: string) => new TextEncoder().encode(`kairos-deep-link:${secret}`);

/** The content item Kairos returns for a catalog item (DL 2.0 §3.1 ltiResourceLink). */
export function contentItem(publicUrl: string, item: CatalogItem): Record<string, unknown> {
  return {
    type: 'ltiResourceLink',
    title: item.title,
    text: item.description,
    // One launch URL for everything (Canvas matches redirect URIs exactly); the item travels in `custom`.
    url: `${publicUrl}/lti/launch`,
    custom: { activity: item.id },
    ...(item.scoreMaximum !== undefined
      ? {
          lineItem: {
            scoreMaximum: item.scoreMaximum,
            label: item.title,
            resourceId: item.id,
            tag: 'kairos',
          },
        }
      : {}),
  };
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
</form></main>`,
      ),
    );
  };
}

/**
 * `POST /lti/deep-link`: signs the LtiDeepLinkingResponse with the tenant's tool key (jose, RS256) and
 * posts it back. Built here rather than with ltijs, whose `errormsg` claim key has a trailing space.
 */
export function deepLinkResponseHandler(deps: LtiDeps) {
  return async function deepLinkResponse(req: Request, res: Response): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let session: PickSession;
    try {
      ({ payload: session } = (await jwtVerify(String(body.session ?? ''), sessionKey(deps.secret), {
        algorithms: ['HS256'],
      })) as unknown as { payload: PickSession });
    } catch (error) {
      throw new LtiError(
        400,
        'deep_link_expired',
        'This selection page has expired; start again from your course.',
        String(error),
      );
    }
    const registration = await deps.registry.get(session.tenantId);
    if (!registration)
      throw new LtiError(
        400,
        'unregistered_platform',
        'This LMS is no longer registered with Kairos.',
        session.tenantId,
      );
    const chosen = ([] as unknown[]).concat(body.items ?? []).map(String);
    const items = CATALOG.filter((i) => chosen.includes(i.id));
    const claims: Record<string, unknown> = {};
    if (body.action === 'cancel') {
      claims[`${DL}msg`] = 'Nothing was added.';
    } else if (!session.acceptTypes.includes('ltiResourceLink')) {
      claims[`${DL}errormsg`] =
        'Kairos can only add LTI resource links, which this placement does not accept.';
      claims[`${DL}errorlog`] = `accept_types: ${session.acceptTypes.join(',')}`;
    } else if (items.length === 0) {
      claims[`${DL}errormsg`] = 'No Kairos activity was selected.';
    } else {
      const kept = session.acceptMultiple ? items : items.slice(0, 1);
      claims[`${DL}content_items`] = kept.map((i) => contentItem(deps.publicUrl, i));
      claims[`${DL}msg`] = `Added ${kept.map((i) => i.title).join(', ')}.`;
    }
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
  };
}
