import type { LaunchBootstrap } from './learner-page.js';
import { LtiError } from './lti-error.js';

/**
 * The developer's page a link asks for (`custom.page`), checked against `KAIROS_LTI_PAGES`; `undefined`
 * when the link names none. Only listed origins get a learner's launch token, since anyone who places a
 * link chooses its custom parameters (examples/lti-tool-page).
 */
export function externalPage(custom: Record<string, string>, allowed: readonly string[]): URL | undefined {
  const raw = custom.page;
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new LtiError(
      400,
      'invalid_page',
      'This activity names a page Kairos cannot open. Ask your teacher to check the link.',
      `custom.page is not an http(s) URL: ${raw.slice(0, 200)}`,
    );
  }
  if (!allowed.includes(url.origin)) {
    throw new LtiError(
      403,
      'page_not_allowed',
      'This activity opens a page Kairos is not allowed to hand your session to. Ask your teacher or the Kairos operator.',
      `custom.page origin ${url.origin} is not in KAIROS_LTI_PAGES`,
    );
  }
  return url;
}

/**
 * Where a learner launch of such a link goes: the page, with the launch bootstrap (what Kairos's own page
 * carries in `#kairos-launch`) as `#kairos-launch=<JSON>` — a fragment, so no server sees the token.
 */
export function handoffUrl(page: URL, bootstrap: LaunchBootstrap): string {
  const target = new URL(page);
  target.hash = `kairos-launch=${encodeURIComponent(JSON.stringify(bootstrap))}`;
  return target.toString();
}
