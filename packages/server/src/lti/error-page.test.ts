import express from 'express';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../storage/outage.js';
import { ltiErrors } from './pages.js';

async function answer(error: unknown) {
  const app = express();
  app.get('/page', () => {
    throw error;
  });
  app.use(ltiErrors());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  try {
    const res = await fetch(`http://127.0.0.1:${port}/page`);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
  } finally {
    server.close();
  }
}

describe('LTI and dashboard error pages', () => {
  it('say a store outage is brief: 503 with Retry-After, and no internals', async () => {
    const outage = new StoreUnavailableError('PostgreSQL', new Error('connect ECONNREFUSED 10.0.0.5:5432'));
    const r = await answer(outage);
    expect(r.status).toBe(503);
    expect(r.retryAfter).toBe('5');
    expect(r.body).toContain('briefly unavailable');
    expect(r.body).not.toContain('10.0.0.5');
    // a MongoDB driver outage is recognised without being converted first
    const mongo = Object.assign(new Error('connection <monitor> timed out'), {
      name: 'MongoServerSelectionError',
    });
    expect((await answer(mongo)).status).toBe(503);
  });

  it('keep unexpected errors a 500 without Retry-After', async () => {
    const r = await answer(new TypeError('boom'));
    expect(r.status).toBe(500);
    expect(r.retryAfter).toBeNull();
    expect(r.body).not.toContain('boom');
  });
});
