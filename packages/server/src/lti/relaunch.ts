import { nonceAttr } from '../http/csp.js';
import type { LoginState } from './login.js';
import { esc, page, scriptJson } from './pages.js';
import type { LaunchClaims } from './verify.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
/** Message the picker in the new window posts to the framed page it came from (same origin only). */
export const DEEP_LINK_HANDOFF = 'kairos.deep_link_response';

/** Where the "Open in a new window" fallback starts a fresh launch, and for which LMS. */
export interface RelaunchTarget {
  lms: 'moodle' | 'canvas' | 'other';
  /** A platform URL that starts a new launch (a new login hint), when the LMS has one. */
  url?: string;
  /** The old login again: works only on LMSs that accept a login hint twice (unknown LMSs only). */
  retryUrl?: string;
}

const isId = (v: unknown): v is string | number =>
  (typeof v === 'number' && Number.isInteger(v) && v > 0) || (typeof v === 'string' && /^\d+$/.test(v));

/** Moodle's `lti_message_hint`: JSON `{"cmid": 12, "launchid": "ltilaunch3_123"}` (no cmid for deep linking). */
function moodleHint(hint: string | undefined): { cmid?: unknown; launchid: string } | undefined {
  if (!hint?.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(hint) as { cmid?: unknown; launchid?: unknown };
    return typeof parsed.launchid === 'string' ? { cmid: parsed.cmid, launchid: parsed.launchid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a new window restarts this launch from the platform. A login hint is single-use on Moodle
 * (`auth.php` deletes `$SESSION->{launchid}` on first use and answers "Invalid request" after) and on Canvas
 * (the hint's verifier is fetched and deleted), so the new window cannot replay the old login:
 * - Moodle: `/mod/lti/launch.php?id=<cmid>` (cmid from its hint) for an activity, and
 *   `/mod/lti/contentitem.php?id=<tool type id = deployment_id>&course=<context id>` for deep linking; both
 *   need only the user's Moodle session, which a first-party window has.
 * - Canvas: no such URL (its launch pages frame the tool again); Canvas offers platform storage instead,
 *   so this page appears only when that failed: the page says what to do.
 * - Other LMSs: the page says what to do, and offers the old login once more (some LMSs accept it).
 */
export function relaunchTarget(claims: LaunchClaims, login: LoginState, publicUrl: string): RelaunchTarget {
  const family = String(
    (claims[`${LTI}tool_platform`] as { product_family_code?: unknown } | undefined)?.product_family_code ??
      '',
  ).toLowerCase();
  const hint = moodleHint(login.params.lti_message_hint);
  if (family === 'moodle' || hint) {
    let base: string | undefined;
    try {
      const iss = new URL(String(claims.iss));
      // Moodle's issuer is its wwwroot (which may have a path, e.g. https://school.example/moodle).
      if (iss.protocol === 'https:' || iss.protocol === 'http:') base = iss.href.replace(/\/+$/, '');
    } catch {}
    const deepLinking = claims[`${LTI}message_type`] === 'LtiDeepLinkingRequest';
    const deployment = claims[`${LTI}deployment_id`];
    const course = (claims[`${LTI}context`] as { id?: unknown } | undefined)?.id;
    // Moodle before 3.11 sent the bare cmid as the hint.
    const cmid = hint ? hint.cmid : login.params.lti_message_hint;
    if (base && !deepLinking && isId(cmid))
      return { lms: 'moodle', url: `${base}/mod/lti/launch.php?id=${cmid}` };
    // Moodle's context id is its course id (an integer); another value is passed on encoded.
    const courseId = isId(course) || (typeof course === 'string' && course) ? String(course) : undefined;
    if (base && deepLinking && isId(deployment) && courseId) {
      const url = `${base}/mod/lti/contentitem.php?id=${deployment}&course=${encodeURIComponent(courseId)}`;
      return { lms: 'moodle', url };
    }
    return { lms: 'moodle' };
  }
  if (family === 'canvas') return { lms: 'canvas' };
  return { lms: 'other', retryUrl: `${publicUrl}/lti/login?${new URLSearchParams(login.params)}` };
}

const WHY = `<p>Your browser blocks the cookies Kairos needs inside this course page (Safari does this by
default, other browsers when third-party cookies are blocked).</p>`;

/** What to do when no new window can restart the launch, per LMS. */
function instructions(lms: RelaunchTarget['lms'], host: string): string {
  const teacher =
    lms === 'canvas'
      ? 'ask your teacher to tick <em>Load in a new tab</em> on this module item'
      : lms === 'moodle'
        ? 'ask your teacher to set this activity\'s <em>Launch container</em> to "New window"'
        : 'ask your teacher or LMS administrator to make this activity open in a new window';
  return `<ol><li>${teacher}, or</li>
<li>allow cookies for <code>${esc(host)}</code> in your browser (Safari: <em>Settings → Privacy</em>, untick
<em>Prevent cross-site tracking</em>), then open the activity again from your course.</li></ol>`;
}

/**
 * The page of a launch that could not be bound to this browser (no cookie, no platform storage): a button
 * that restarts the launch from the LMS in a new, first-party window, or what to do when the LMS has no such
 * URL. For deep linking, it also waits for the picker in that window to hand back its response, and posts it
 * to the LMS from this frame (Moodle's return page must run inside the frame that opened the selection).
 */
export function newWindowPage(
  target: RelaunchTarget,
  options: { publicUrl: string; deepLinkReturn?: string },
): string {
  const host = new URL(options.publicUrl).host;
  const open = target.url ?? target.retryUrl;
  // rel=opener: a target=_blank link is noopener by default, and the deep linking hand-off needs the opener.
  const button = open
    ? `<p><a class="button" id="kairos-new-window" href="${esc(open)}" target="_blank" rel="opener">Open in a new window</a></p>`
    : '';
  const body = target.url
    ? `${WHY}<p>Kairos works in its own window: your course stays open here.</p>${button}
<p class="muted">Nothing has been recorded yet; the new window signs you in through your LMS again.</p>`
    : `${WHY}<p>Kairos cannot restart this launch from ${target.lms === 'canvas' ? 'Canvas' : 'your LMS'} in a new window. To use it:</p>
${instructions(target.lms, host)}${
  target.retryUrl
    ? `<p>Or try a new window; if your LMS then shows an error, use the steps above.</p>${button}`
    : ''
}`;
  const handoff = options.deepLinkReturn
    ? `<form id="kairos-return" method="post" hidden><input type="hidden" name="JWT"></form>
<script${nonceAttr()}>(function(){var c=${scriptJson({ origin: new URL(options.deepLinkReturn).origin, subject: DEEP_LINK_HANDOFF })};
addEventListener('message',function(e){var d=e.data||{};
if(e.origin!==location.origin||d.subject!==c.subject||typeof d.jwt!=='string')return;
var u;try{u=new URL(d.action)}catch(x){return}if(u.origin!==c.origin)return;
e.source&&e.source.postMessage({subject:c.subject+'.ack'},location.origin);
var f=document.getElementById('kairos-return');f.action=u.href;f.elements.JWT.value=d.jwt;
document.querySelector('main').innerHTML='<p class="muted">Returning to your course…</p>';f.submit()})})()</script>`
    : '';
  return page(
    'Open Kairos in a new window',
    `<main><h1>Open Kairos in a new window</h1>${body}</main>${handoff}`,
  );
}

/**
 * The deep linking response's last page: hands the signed response to the framed page that opened this
 * window (see {@link newWindowPage}) when there is one and it answers, else posts it to the LMS here.
 */
export function deepLinkReturnScript(): string {
  return `<script${nonceAttr()}>(function(){var f=document.getElementById('kairos-post');var sent=false;
function post(){if(!sent){sent=true;f.submit()}}
var o=null;try{o=window.opener&&window.opener!==window?window.opener:null}catch(e){}
if(!o)return post();
addEventListener('message',function(e){if(e.origin===location.origin&&(e.data||{}).subject===${scriptJson(`${DEEP_LINK_HANDOFF}.ack`)}){sent=true;
document.body.innerHTML='<p>Added. You can close this window.</p>';setTimeout(function(){window.close()},300)}});
try{o.postMessage({subject:${scriptJson(DEEP_LINK_HANDOFF)},action:f.action,jwt:f.elements.JWT.value},location.origin)}catch(e){}
setTimeout(post,1500)})()</script>`;
}

/** The deep linking return URL of a verified deep linking request, if any. */
export const deepLinkReturnOf = (claims: LaunchClaims): string | undefined => {
  const url = (claims[`${DL}deep_linking_settings`] as { deep_link_return_url?: unknown } | undefined)
    ?.deep_link_return_url;
  return typeof url === 'string' ? url : undefined;
};
