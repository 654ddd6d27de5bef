import type { Request } from 'express';
import { cachedList, type FrameAncestors, originOf } from '../http/csp.js';
import type { PlatformRegistration } from './registry.js';

/**
 * The origins an LMS frames Kairos from, for one registration: its issuer, authorization and token
 * endpoints. Cloud Canvas has one issuer (`https://canvas.instructure.com`) and frames from the school's
 * own host, which is the token endpoint's (`kairos platform add --canvas-domain`, docs/lti/canvas.md).
 */
export function platformOrigins(r: PlatformRegistration): string[] {
  const urls = [r.issuer, r.authEndpoint, r.tokenEndpoint, r.authorizationServer];
  return [...new Set(urls.map(originOf).filter((o): o is string => o !== undefined))];
}

/**
 * `frame-ancestors` of the LTI pages: every registered platform's origins, read at most every `ttlMs`
 * (another process may add or remove a platform) and at once after a change in this one (`invalidate`).
 * `/lti/register` runs inside the admin page of a platform not yet registered, so its answer may also be
 * framed by the origin of the `openid_configuration` it was given (the platform being registered).
 */
export function platformFrameAncestors(list: () => Promise<PlatformRegistration[]>, ttlMs?: number) {
  const cache = cachedList(async () => [...new Set((await list()).flatMap(platformOrigins))].sort(), ttlMs);
  const frameAncestors: FrameAncestors = async (req: Request) => {
    const registered = await cache.get();
    if (req.path !== '/lti/register') return registered;
    const config = originOf(
      typeof req.query.openid_configuration === 'string' ? req.query.openid_configuration : undefined,
    );
    return config ? [...registered, config] : registered;
  };
  return { frameAncestors, invalidate: cache.invalidate };
}
