import type { Request, Response } from 'express';

/** One link of the landing page. */
interface Link {
  href: string;
  label: string;
  about: string;
}

/** Docs in the repository (GitHub-relative paths: the server does not serve them). */
const DOCS: Link[] = [
  { href: 'docs/lrs.md', label: 'xAPI endpoint', about: 'resources, authentication, scopes, tokens' },
  { href: 'docs/lti/README.md', label: 'LTI 1.3 tool', about: 'URLs, registration, launches' },
  { href: 'docs/lti/moodle.md', label: 'Moodle', about: 'step by step' },
  { href: 'docs/lti/canvas.md', label: 'Canvas', about: 'step by step' },
  { href: 'docs/sdk.md', label: 'SDK', about: 'tracking a page' },
  { href: 'docs/operations.md', label: 'Operations', about: 'configuration, storage, admin commands' },
];

/** What `GET /` lists, with absolute URLs on the public URL. */
export function landingLinks(publicUrl: string) {
  const at = (path: string) => `${publicUrl}${path}`;
  return {
    name: 'Kairos',
    xapi: { endpoint: at('/xapi'), about: at('/xapi/about') },
    lti: {
      registration: at('/lti/register'),
      canvas: at('/lti/canvas.json'),
      keys: at('/lti/keys'),
      login: at('/lti/login'),
      launch: at('/lti/launch'),
    },
    dashboard: at('/dashboard'),
    health: { live: at('/healthz'), ready: at('/readyz') },
    docs: DOCS.map((d) => ({ path: d.href, title: d.label })),
  };
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const item = (l: Link) =>
  `<li><a href="${esc(l.href)}"><code>${esc(l.label)}</code></a> — ${esc(l.about)}</li>`;

function html(publicUrl: string): string {
  const links = landingLinks(publicUrl);
  const server: Link[] = [
    { href: links.xapi.about, label: '/xapi/about', about: `xAPI LRS; statements at ${links.xapi.endpoint}` },
    { href: links.dashboard, label: '/dashboard', about: 'the instructor view (opened from an LMS launch)' },
    { href: links.health.ready, label: '/readyz', about: 'readiness of every store' },
  ];
  const lti: Link[] = [
    {
      href: links.lti.registration,
      label: '/lti/register',
      about: 'dynamic registration: paste it in Moodle or Canvas',
    },
    { href: links.lti.canvas, label: '/lti/canvas.json', about: 'Canvas developer key configuration' },
    { href: links.lti.keys, label: '/lti/keys', about: "the tool's public keys (JWKS)" },
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Kairos</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem;color:#1d2330}
code{background:#f3f4f8;padding:0 .2rem}.muted{color:#5b6475}</style></head><body>
<main><h1>Kairos is running</h1>
<p>Learning analytics: an xAPI Learning Record Store and an LTI 1.3 tool.</p>
<h2>Server</h2><ul>${server.map(item).join('')}</ul>
<h2>LTI configuration</h2><ul>${lti.map(item).join('')}</ul>
<p class="muted">Login <code>${esc(links.lti.login)}</code> · launch / redirect <code>${esc(links.lti.launch)}</code></p>
<h2>Docs</h2><p class="muted">In the repository (paths from its root):</p>
<ul>${DOCS.map((d) => `<li><code>${esc(d.href)}</code> — ${esc(d.label)}: ${esc(d.about)}</li>`).join('')}</ul>
<p class="muted">JSON: <code>curl -H 'Accept: application/json' ${esc(publicUrl)}/</code></p></main></body></html>`;
}

/**
 * `GET /`: a small landing page that says what this server is and links its endpoints (HTML for browsers,
 * JSON for `Accept: application/json`), instead of a 404 for the first URL a newcomer opens.
 */
export function landingPage(options: { publicUrl: string }) {
  return function kairosLanding(req: Request, res: Response): void {
    if (req.accepts(['html', 'json']) === 'json') {
      res.json(landingLinks(options.publicUrl));
      return;
    }
    res.type('html').send(html(options.publicUrl));
  };
}
