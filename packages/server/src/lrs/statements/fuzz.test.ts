import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../../test/support/app.js';
import { SqlRecordStore } from '../../storage/record/sql/record-store.js';
import { openPglite } from '../../storage/sql/database.js';

// Deterministic PRNG (mulberry32) so a failure replays.
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = () => ({
  actor: { objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'u1' } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
  object: {
    objectType: 'Activity',
    id: 'https://course.example/q1',
    definition: {
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      interactionType: 'choice',
      correctResponsesPattern: ['a'],
      choices: [{ id: 'a', description: { en: 'A' } }],
    },
  },
  result: { score: { scaled: 0.5, raw: 5, min: 0, max: 10 }, success: true, duration: 'PT3S' },
  context: {
    registration: '1d4b5a5c-6f3e-4a9b-9a55-0c6b7d8e9f10',
    contextActivities: { parent: [{ id: 'https://course.example' }] },
  },
  timestamp: '2026-05-01T10:00:00Z',
});

const weird: unknown[] = [
  null,
  0,
  -1,
  Number.MAX_VALUE,
  '',
  'x',
  'not a uri',
  'mailto:',
  true,
  [],
  {},
  [null],
  { a: null },
  '2026-13-45',
  'P',
  '\u0000',
  'ä'.repeat(300),
];

function mutate(value: unknown, r: () => number, depth = 0): unknown {
  if (value === null || typeof value !== 'object')
    return r() < 0.5 ? weird[Math.floor(r() * weird.length)] : value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as object) };
  const keys = Object.keys(copy);
  const action = r();
  if (action < 0.25 && keys.length)
    delete (copy as Record<string, unknown>)[keys[Math.floor(r() * keys.length)]!];
  else if (action < 0.4)
    (copy as Record<string, unknown>)[r() < 0.5 ? 'unknownKey' : 'objectType'] =
      weird[Math.floor(r() * weird.length)];
  else if (keys.length) {
    const k = keys[Math.floor(r() * keys.length)]!;
    (copy as Record<string, unknown>)[k] =
      depth < 4 && r() < 0.7
        ? mutate((copy as Record<string, unknown>)[k], r, depth + 1)
        : weird[Math.floor(r() * weird.length)];
  }
  return copy;
}

describe('POST /xapi/statements under fuzzed input', () => {
  let app: TestApp;
  let auth: string;
  beforeAll(async () => {
    app = await startTestApp(new SqlRecordStore(await openPglite('memory://')));
    auth = await app.basic(['all']);
  });
  afterAll(async () => app?.close());

  it('answers thousands of mutated statements with 200 or 4xx, never 500, and never writes part of a batch', async () => {
    const r = rng(20261122);
    const statuses = new Map<number, number>();
    let acceptedIds = 0;
    let statements = 0;
    for (let i = 0; i < 1500; i++) {
      const batch = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
        r() < 0.15 ? base() : mutate(base(), r),
      );
      statements += batch.length;
      const raw =
        r() < 0.03 ? JSON.stringify(batch).slice(0, -3) : JSON.stringify(r() < 0.5 ? batch : batch[0]);
      const res = await fetch(`${app.url}/xapi/statements`, {
        method: 'POST',
        headers: {
          authorization: auth,
          'x-experience-api-version': r() < 0.5 ? '2.0.0' : '1.0.3',
          'content-type': 'application/json',
        },
        body: raw,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const body = (await res.json()) as string[] | { code: string; message: string };
      if (res.status === 200) acceptedIds += (body as string[]).length;
      else {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect((body as { message: string }).message.length).toBeGreaterThan(5);
      }
    }
    expect(statements).toBeGreaterThan(2500);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(200)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(500);
    // every stored statement was acknowledged: no partial batch was written
    expect(await app.stores.record.statements.count('default')).toBe(acceptedIds);
  }, 120_000);
});
