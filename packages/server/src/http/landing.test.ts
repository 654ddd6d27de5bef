import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LtiKairos, startLtiKairos } from '../../../../test/lti-platform/kairos.js';

describe('GET / (landing page)', () => {
  let kairos: LtiKairos;
  beforeAll(async () => {
    kairos = await startLtiKairos();
  });
  afterAll(async () => kairos?.close());

  it('answers a browser with HTML linking the xAPI endpoint, the LTI configuration, the dashboard and the docs', async () => {
    const res = await fetch(`${kairos.url}/`, { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const path of ['/xapi/about', '/lti/register', '/lti/canvas.json', '/lti/keys', '/dashboard'])
      expect(html).toContain(`href="${kairos.url}${path}"`);
    expect(html).toContain('docs/lti/moodle.md');
  });

  it('answers Accept: application/json with the same links as JSON, and every linked endpoint exists', async () => {
    const res = await fetch(`${kairos.url}/`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      xapi: { about: string };
      lti: { registration: string; canvas: string; keys: string };
      dashboard: string;
      docs: { path: string }[];
    };
    expect(body.xapi.about).toBe(`${kairos.url}/xapi/about`);
    expect(body.docs.map((d) => d.path)).toContain('docs/lrs.md');
    for (const url of [body.xapi.about, body.lti.canvas, body.lti.keys])
      expect((await fetch(url)).status, url).toBe(200);
  });
});
