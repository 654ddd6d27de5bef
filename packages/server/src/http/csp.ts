/** The security headers of Kairos's HTML pages: one Content-Security-Policy, built here (docs/security.md). */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

const nonces = new AsyncLocalStorage<string>();

/**
 * The CSP nonce of the request being answered ('' outside one, e.g. a unit test rendering a page): every
 * inline `<script>` Kairos writes carries it, so a script injected through an escaping bug does not run.
 */
export const cspNonce = (): string => nonces.getStore() ?? '';

/**
 * ` nonce="…"` for an inline `<script>` tag, or nothing outside a request.
 * @example `<script${nonceAttr()}>document.forms[0].submit()</script>`
 */
export function nonceAttr(): string {
  const nonce = cspNonce();
  return nonce ? ` nonce="${nonce}"` : '';
}

/**
 * The policy of one page. Styles allow 'unsafe-inline': the pages carry `<style>` elements and `style=`
 * attributes, and Lit may fall back to `<style>` in shadow roots; scripts never do.
 */
export function contentSecurityPolicy(options: { nonce: string; frameAncestors: readonly string[] }): string {
  const ancestors = ["'self'", ...new Set(options.frameAncestors)].join(' ');
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

/** The origin of a URL (`https://school.example`), or undefined when it is not an http(s) URL. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** A list loaded at most once per `ttlMs` (concurrent callers share one load), dropped by `invalidate()`. */
export function cachedList(load: () => Promise<string[]>, ttlMs = 30_000) {
  let value: Promise<string[]> | undefined;
  let loadedAt = 0;
  return {
    get(): Promise<string[]> {
      if (!value || Date.now() - loadedAt > ttlMs) {
        loadedAt = Date.now();
        value = load().catch((err) => {
          value = undefined;
          throw err;
        });
      }
      return value;
    },
    invalidate(): void {
      value = undefined;
    },
  };
}

/** Where the pages of a path may be framed from, besides 'self'. */
export type FrameAncestors = (req: Request) => Promise<string[]> | string[];

/** Options of {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /**
   * Origins allowed to frame the pages of a request (LMS pages: the registered platforms); called only for
   * requests under `framedPaths`. Everything else is framed by Kairos alone.
   */
  frameAncestors: FrameAncestors;
  /** Path prefixes of pages shown inside an LMS (default `/lti`, `/dashboard`). */
  framedPaths?: readonly string[];
}

const isFramed = (path: string, prefixes: readonly string[]) =>
  prefixes.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * Gives every answer `X-Content-Type-Options: nosniff` and a `Referrer-Policy`, and every HTML answer the
 * CSP of {@link contentSecurityPolicy}, with a fresh nonce that {@link cspNonce} returns while the request
 * is handled. The CSP is set when the headers are written, so it covers every page a handler, an error
 * handler or ltijs renders.
 */
export function securityHeaders(options: SecurityHeadersOptions) {
  const framedPaths = options.framedPaths ?? ['/lti', '/dashboard'];
  return async function securityHeadersMiddleware(
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    const nonce = randomBytes(16).toString('base64');
    let ancestors: string[] = [];
    if (isFramed(req.path, framedPaths)) {
      try {
        ancestors = await options.frameAncestors(req);
      } catch (err) {
        // the store is down: the page still renders, framed by Kairos alone (the launch fails anyway)
        res.locals.log?.warn({ err }, 'frame-ancestors unavailable');
      }
    }
    const policy = contentSecurityPolicy({ nonce, frameAncestors: ancestors });
    const writeHead = res.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
    res.writeHead = function writeHeadWithCsp(this: ServerResponse<IncomingMessage>, ...args: unknown[]) {
      const type = String(this.getHeader('Content-Type') ?? '');
      if (type.startsWith('text/html') && !this.hasHeader('Content-Security-Policy'))
        this.setHeader('Content-Security-Policy', policy);
      return writeHead.apply(this, args);
    } as Response['writeHead'];
    nonces.run(nonce, next);
  };
}
