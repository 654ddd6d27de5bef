import { KAIROS_PROFILE_IRI, Verbs } from '@kairos/xapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { SqlRecordStore } from '../storage/record/sql/record-store.js';
import { openPglite } from '../storage/sql/database.js';

describe('GET /xapi/profile', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
  });
  afterAll(async () => app?.close());

  it('serves the profile as JSON-LD without credentials or version header', async () => {
    const res = await fetch(`${app.url}/xapi/profile`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(res.headers.get('vary')).toMatch(/accept/i);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = JSON.parse(await res.text()) as {
      '@context': string;
      id: string;
      type: string;
      concepts: { id: string; type: string }[];
    };
    expect(doc['@context']).toBe('https://w3id.org/xapi/profiles/context');
    expect(doc.id).toBe(KAIROS_PROFILE_IRI);
    expect(doc.type).toBe('Profile');
    const verbs = doc.concepts.filter((c) => c.type === 'Verb').map((c) => c.id);
    expect(verbs).toEqual(Object.values(Verbs).map((v) => v.id));
  });

  it('answers application/json to a client asking for JSON only, and 304 to a revalidation', async () => {
    const res = await fetch(`${app.url}/xapi/profile`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await res.json()).id).toBe(KAIROS_PROFILE_IRI);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    // fetch adds `Cache-Control: no-cache` to a conditional request unless told otherwise (as a browser would not)
    const again = await fetch(`${app.url}/xapi/profile`, {
      headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });

  it('ignores credentials: a wrong one is not refused', async () => {
    const res = await fetch(`${app.url}/xapi/profile`, {
      headers: { authorization: `Basic ${Buffer.from('nobody:wrong').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    const head = await fetch(`${app.url}/xapi/profile`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
  });
});
