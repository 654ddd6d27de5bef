/** HTML pages of the LTI tool: small, self-contained, readable inside an LMS iframe. */
import type { NextFunction, Request, Response } from 'express';
import { HttpError, KairosError } from '../errors.js';
import { nonceAttr } from '../http/csp.js';
import { outageAnswer } from '../http/errors.js';
import { LtiError } from './lti-error.js';

/** Escapes text for HTML content and attribute values. */
export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe to put inside a `<script>` element. */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:1.5rem;color:#1d2330;max-width:60rem}
h1{font-size:1.35rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #dde}
.muted{color:#5b6475}.error{border-left:4px solid #b3261e;padding-left:1rem}code{background:#f3f4f8;padding:0 .2rem}
button,.button{font:inherit;padding:.5rem 1rem;border-radius:.4rem;border:1px solid #345;background:#234a8f;color:#fff;cursor:pointer;text-decoration:none}`;

/** A complete page around `body`. */
export function page(title: string, body: string, lang = 'en'): string {
  return `<!doctype html><html lang="${esc(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The error page of a refused launch or registration: what went wrong and what to do. */
export function errorPage(title: string, message: string, code: string, requestId?: string): string {
  return page(
    title,
    `<main class="error" role="alert"><h1>${esc(title)}</h1><p>${esc(message)}</p>
<p class="muted">Error <code>${esc(code)}</code>${requestId ? ` · request <code>${esc(requestId)}</code>` : ''}.
Relaunch from your course; if it keeps failing, give these codes to your LMS administrator
(docs: docs/lti/moodle.md, docs/lti/canvas.md).</p></main>`,
  );
}

/**
 * An auto-submitting form (deep linking return, hand-off to the dashboard); `submitScript` replaces the
 * immediate submit (the form has id `kairos-post`).
 */
export function formPost(
  title: string,
  action: string,
  fields: Record<string, string>,
  target?: string,
  submitScript = `<script${nonceAttr()}>document.getElementById('kairos-post').submit()</script>`,
): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return page(
    title,
    `<form id="kairos-post" method="post" action="${esc(action)}"${target ? ` target="${esc(target)}"` : ''}>${inputs}
<noscript><button type="submit">Continue</button></noscript></form>
${submitScript}`,
  );
}

/**
 * A form body the parser refused (malformed, too large, an encoding it cannot decode): the client's fault,
 * a 4xx like the one the JSON error handler gives, not an unexpected error.
 */
function fromBodyParser(error: unknown): KairosError | undefined {
  // http-errors, which body-parser throws with, marks client errors `expose`
  const e = error as { status?: unknown; type?: unknown; message?: unknown; expose?: unknown };
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500 || e.expose !== true)
    return undefined;
  const code = e.type === 'entity.too.large' ? 'body_too_large' : 'bad_request';
  return new HttpError(e.status, code, `The form could not be read: ${String(e.message)}.`);
}

/**
 * Renders refused LTI requests (and the dashboard's) as pages, with the reason in the log, never as stack
 * traces: known errors show their message, unknown ones a request id.
 */
export function ltiErrors() {
  return function ltiErrorPage(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
    const outage = outageAnswer(error, res);
    if (outage) {
      res
        .type('html')
        .send(
          errorPage(
            'Kairos is briefly unavailable',
            'Kairos cannot reach its database right now. Try again in a few seconds; nothing you did is lost.',
            outage.code,
            res.locals.requestId,
          ),
        );
      return;
    }
    const known = error instanceof KairosError ? error : fromBodyParser(error);
    const status = known && known.status < 600 ? known.status : 500;
    const reason = error instanceof LtiError ? error.reason : undefined;
    if (status >= 500 && !(error instanceof LtiError))
      res.locals.log?.error({ err: error }, 'LTI request failed');
    else res.locals.log?.warn({ code: known?.code, reason, status }, 'LTI request refused');
    const title = error instanceof LtiError ? error.title : 'This launch cannot continue';
    const message =
      known && (status < 500 || error instanceof LtiError)
        ? known.message
        : 'Kairos hit an unexpected error. Try again; if it persists, give the request id to the Kairos operator.';
    res
      .status(status)
      .type('html')
      .send(errorPage(title, message, known?.code ?? 'internal_error', res.locals.requestId));
  };
}
