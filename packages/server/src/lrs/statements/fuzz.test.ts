import { createHash, randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../../test/support/app.js';
import { recordStoreFactories } from '../../../../../test/support/record-stores.js';
import { SqlRecordStore } from '../../storage/record/sql/record-store.js';
import type { RecordStore } from '../../storage/types.js';

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

/** `n` arrays inside one another, as JSON text (what a hostile client sends). */
const nestedText = (n: number) => '['.repeat(n) + ']'.repeat(n);
const HOSTILE = ['\u0000', '\uD800', '\uDFFF'];

/** Every string value and property name of a JSON tree: its key path and whether it is a name. */
function stringSlots(root: unknown): { keys: (string | number)[]; isKey: boolean }[] {
  const out: { keys: (string | number)[]; isKey: boolean }[] = [];
  const walk = (v: unknown, keys: (string | number)[]) => {
    if (typeof v === 'string') out.push({ keys, isKey: false });
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...keys, i]);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push({ keys: [...keys, k], isKey: true });
        walk(x, [...keys, k]);
      }
    }
  };
  walk(root, []);
  return out;
}

/** A copy of `root` with `bad` inserted into the string (or property name) at `keys`, and its path. */
function inject(root: unknown, slot: { keys: (string | number)[]; isKey: boolean }, bad: string) {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of slot.keys.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = slot.keys.at(-1)!;
  let keys = slot.keys;
  if (slot.isKey) {
    const renamed = `${String(last).slice(0, 2)}${bad}${String(last).slice(2)}`;
    parent[renamed] = parent[last];
    delete parent[last];
    keys = [...slot.keys.slice(0, -1), renamed];
  } else {
    const v = parent[last] as string;
    parent[last] = `${v.slice(0, 1)}${bad}${v.slice(1)}`;
  }
  return { value: copy, keys };
}

/** A path as the validator writes it (a bad property name JSON-escaped). */
const pathOf = (root: string, keys: (string | number)[]) =>
  root +
  keys
    .map((k) =>
      typeof k === 'number' ? `[${k}]` : /[\0\uD800-\uDFFF]/.test(k) ? `[${JSON.stringify(k)}]` : `.${k}`,
    )
    .join('');

/** Document rows (every revision on MongoDB) in the backend: the oracle for "nothing stored". */
async function documentRows(store: RecordStore): Promise<number> {
  if (store instanceof SqlRecordStore) {
    const r = await store.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM xapi_documents');
    return r.rows[0]!.n;
  }
  const db = (store as unknown as { conn: mongoose.Connection }).conn.db!;
  return db.collection('xapi_documents').countDocuments();
}

const agentOf = () => ({ objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'u1' } });
const qs = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');

for (const [backend, open] of recordStoreFactories) {
  describe(`the LRS under hostile input on ${backend}`, () => {
    let app: TestApp;
    let auth: string;
    const call = async (
      path: string,
      init: { method?: string; body?: string; headers?: Record<string, string> } = {},
    ) => {
      const res = await fetch(`${app.url}/xapi${path}`, {
        method: init.method ?? 'GET',
        body: init.body,
        headers: {
          authorization: auth,
          'x-experience-api-version': '2.0.0',
          'content-type': 'application/json',
          ...init.headers,
        },
      });
      const text = await res.text();
      let body: { code?: string; message?: string } = {};
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: res.status, body, text };
    };
    const stored = () => app.stores.record.statements.count('default');

    beforeAll(async () => {
      const record = await open();
      if (!record) throw new Error(`${backend} unavailable`);
      app = await startTestApp(record);
      auth = await app.basic(['all']);
    });
    afterAll(async () => app?.close());

    it('answers thousands of mutated statements with 200 or 4xx, never 500, and never writes part of a batch', async () => {
      const r = rng(20261122);
      const statuses = new Map<number, number>();
      let acceptedIds = 0;
      let statements = 0;
      const rounds = backend === 'PGlite' ? 1500 : 600;
      for (let i = 0; i < rounds; i++) {
        const batch = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
          r() < 0.15 ? base() : mutate(base(), r),
        );
        statements += batch.length;
        const raw =
          r() < 0.03 ? JSON.stringify(batch).slice(0, -3) : JSON.stringify(r() < 0.5 ? batch : batch[0]);
        const res = await call('/statements', {
          method: 'POST',
          headers: { 'x-experience-api-version': r() < 0.5 ? '2.0.0' : '1.0.3' },
          body: raw,
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) acceptedIds += (JSON.parse(res.text) as string[]).length;
        else {
          expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
          expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
          expect(res.body.message!.length).toBeGreaterThan(5);
        }
      }
      expect(statements).toBeGreaterThan(rounds * 1.6);
      expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
      expect(statuses.get(200)).toBeGreaterThan(rounds / 15);
      expect(statuses.get(400)).toBeGreaterThan(rounds / 3);
      // every stored statement was acknowledged: no partial batch was written
      expect(await stored()).toBe(acceptedIds);
    }, 180_000);

    it('refuses U+0000 and unpaired surrogates in every string and property name of a statement: 400 naming the path, nothing stored', async () => {
      const before = await stored();
      const slots = stringSlots(base());
      let cases = 0;
      for (const slot of slots) {
        for (const bad of HOSTILE) {
          const { value, keys } = inject(base(), slot, bad);
          // after a valid statement: one bad statement rejects the batch
          const res = await call('/statements', { method: 'POST', body: JSON.stringify([base(), value]) });
          const path = pathOf('statement[1]', keys);
          expect(res.status, `${path} ${JSON.stringify(bad)}: ${res.text.slice(0, 300)}`).toBe(400);
          expect(res.body.message).toContain(`${path}: `);
          expect(res.body.message).toMatch(bad === '\u0000' ? /U\+0000/ : /unpaired UTF-16 surrogate/);
          cases++;
        }
      }
      // PUT ?statementId= too, once per slot
      for (const slot of slots) {
        const { value } = inject(base(), slot, '\u0000');
        const put = await call(`/statements?statementId=${randomUUID()}`, {
          method: 'PUT',
          body: JSON.stringify(value),
        });
        expect(put.status, put.text.slice(0, 300)).toBe(400);
      }
      expect(cases).toBeGreaterThan(100);
      expect(await stored()).toBe(before);
    }, 120_000);

    it('refuses deep nesting with a 400 naming the path, stays up, and stores nothing', async () => {
      const before = await stored();
      // 5,000 levels of objects in an extension: ~30 KB
      const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const statement = JSON.stringify({ ...base(), result: { extensions: { 'https://x.example/e': 0 } } });
      const bodies = [
        statement.replace('"https://x.example/e":0', `"https://x.example/e":${deepObject}`),
        `[${statement.replace('"https://x.example/e":0', `"https://x.example/e":${nestedText(200_000)}`)}]`,
        nestedText(200_000),
        `[${statement},${nestedText(5000)}]`,
      ];
      for (const body of bodies) {
        const res = await call('/statements', { method: 'POST', body });
        expect(res.status, res.text.slice(0, 300)).toBe(400);
        expect(res.body.code).toBe('invalid_statement');
        expect(res.body.message).toMatch(/^statement(\[\d\])?[.[].* more than 64 levels deep/);
      }
      const put = await call(`/statements?statementId=${randomUUID()}`, { method: 'PUT', body: bodies[0] });
      expect(put.status).toBe(400);
      expect(put.body.message).toMatch(/^statement\.result\.extensions\.https:\/\/x\.example\/e(\.a){61}: /);
      expect(await stored()).toBe(before);
      // still serving
      const ok = await call('/statements', { method: 'POST', body: JSON.stringify(base()) });
      expect(ok.status).toBe(200);
    }, 60_000);

    it('refuses a NUL in a multipart attachment part header with a 400, and stores nothing', async () => {
      const before = await stored();
      const content = Buffer.from('hello');
      const sha2 = createHash('sha256').update(content).digest('hex');
      const statement = {
        ...base(),
        attachments: [
          {
            usageType: 'https://x.example/usage',
            display: { en: 'note' },
            contentType: 'text/plain',
            length: content.length,
            sha2,
          },
        ],
      };
      for (const header of [`Content-Type: text/pl\u0000ain`, `X-Experience-API-Hash: ${sha2}\u0000`]) {
        const body = Buffer.concat([
          Buffer.from(
            `--b\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statement)}\r\n--b\r\n` +
              `${header.startsWith('X-') ? 'Content-Type: text/plain' : `X-Experience-API-Hash: ${sha2}`}\r\n${header}\r\n\r\n`,
          ),
          content,
          Buffer.from('\r\n--b--\r\n'),
        ]);
        const res = await fetch(`${app.url}/xapi/statements`, {
          method: 'POST',
          headers: {
            authorization: auth,
            'x-experience-api-version': '2.0.0',
            'content-type': 'multipart/mixed; boundary=b',
          },
          body,
        });
        expect(res.status, await res.text()).toBe(400);
      }
      expect(await stored()).toBe(before);
    });

    it('refuses hostile GET /statements parameters with a 400, never a 5xx', async () => {
      const queries: Record<string, unknown>[] = [];
      for (const slot of stringSlots(agentOf()))
        for (const bad of HOSTILE) queries.push({ agent: inject(agentOf(), slot, bad).value });
      for (const name of ['verb', 'activity', 'registration', 'since', 'until'])
        queries.push({ [name]: 'http://adlnet.gov/expapi/verbs/\u0000' });
      // as deep as a URL allows (Node refuses request heads over 16 KB with a 431)
      queries.push({ agent: nestedText(1000) }, { agent: `{"account":${nestedText(1000)}}` });
      // one timestamp rule: the validator's (no 30 February, no -00:00, in 2.0 an offset)
      for (const t of ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T00:00:00-00:00'])
        queries.push({ since: t }, { until: t });
      queries.push({ until: '2026-01-31T25:00:00Z' }, { since: '2026-01-31T12:00:00' });
      for (const q of queries) {
        const res = await call(`/statements?${qs(q)}`);
        expect(res.status, `${JSON.stringify(q).slice(0, 200)}: ${res.text.slice(0, 300)}`).toBe(400);
        expect(res.body.message!.length).toBeGreaterThan(10);
      }
      const fine = await call(
        `/statements?${qs({ since: '2024-02-29T00:00:00Z', until: '2026-01-31T12:00:00+01:00' })}`,
      );
      expect(fine.status).toBe(200);
      // xAPI 1.0.3 reads a timestamp without offset as UTC, in statements and in since/until alike
      const v1 = await call(`/statements?${qs({ since: '2026-01-31T12:00:00' })}`, {
        headers: { 'x-experience-api-version': '1.0.3' },
      });
      expect(v1.status).toBe(200);
    }, 60_000);

    it('refuses hostile document parameters (every resource and method) with a 400 and stores nothing', async () => {
      const agent = agentOf();
      const resources = [
        {
          path: '/activities/state',
          params: { activityId: 'https://course.example/a', agent, stateId: 's1' },
        },
        {
          path: '/activities/state',
          params: {
            activityId: 'https://course.example/a',
            agent,
            stateId: 's1',
            registration: '1d4b5a5c-6f3e-4a9b-9a55-0c6b7d8e9f10',
          },
        },
        { path: '/activities/profile', params: { activityId: 'https://course.example/a', profileId: 'p1' } },
        { path: '/agents/profile', params: { agent, profileId: 'p1' } },
      ];
      // one legitimate document each, so that "nothing stored" is not trivially true
      for (const r of resources) {
        const res = await call(`${r.path}?${qs(r.params)}`, { method: 'PUT', body: '{"ok":true}' });
        expect(res.status, res.text.slice(0, 300)).toBe(204);
      }
      const rows = await documentRows(app.stores.record);
      let cases = 0;
      for (const r of resources) {
        const variants: Record<string, unknown>[] = [];
        for (const [name, value] of Object.entries(r.params)) {
          if (typeof value === 'string') {
            // A query string cannot carry an unpaired surrogate (it decodes to U+FFFD), a NUL it can.
            variants.push({ ...r.params, [name]: `${value.slice(0, 1)}\u0000${value.slice(1)}` });
          } else {
            for (const slot of stringSlots(value))
              for (const bad of HOSTILE)
                variants.push({ ...r.params, [name]: inject(value, slot, bad).value });
            variants.push({ ...r.params, [name]: nestedText(1000) });
          }
        }
        variants.push({
          ...r.params,
          since: '2026-02-30T00:00:00Z',
          [Object.keys(r.params).at(-1)!]: undefined,
        });
        for (const params of variants) {
          const query = qs(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)));
          for (const method of ['GET', 'PUT', 'POST', 'DELETE']) {
            if ('since' in params && method !== 'GET') continue;
            const res = await call(`${r.path}?${query}`, {
              method,
              body: method === 'PUT' || method === 'POST' ? '{"v":1}' : undefined,
            });
            expect(
              res.status,
              `${method} ${r.path}?${decodeURIComponent(query).slice(0, 200)}: ${res.text.slice(0, 300)}`,
            ).toBe(400);
            expect(res.body.message!.length).toBeGreaterThan(10);
            cases++;
          }
        }
      }
      for (const q of [
        { agent: inject(agent, { keys: ['account', 'name'], isKey: false }, '\u0000').value },
      ]) {
        expect((await call(`/agents?${qs(q)}`)).status).toBe(400);
      }
      expect((await call(`/activities?activityId=https%3A%2F%2Fa.example%2F%00`)).status).toBe(400);
      expect(cases).toBeGreaterThan(100);
      expect(await documentRows(app.stores.record)).toBe(rows);
    }, 120_000);

    it('merges deep JSON documents with a 400 instead of overflowing, and leaves them unchanged', async () => {
      const deep = `{"a":${nestedText(5000)}}`;
      const path = `/activities/profile?${qs({ activityId: 'https://course.example/deep', profileId: 'd' })}`;
      // Content is opaque: a PUT stores any bytes, however deep
      expect((await call(path, { method: 'PUT', body: deep })).status).toBe(204);
      const merge = await call(path, { method: 'POST', body: '{"b":1}' });
      expect(merge.status, merge.text.slice(0, 300)).toBe(400);
      expect(merge.body.code).toBe('document_not_mergeable');
      expect(merge.body.message).toMatch(/64 levels/);
      expect((await call(path)).text).toBe(deep);
      const flat = `/activities/profile?${qs({ activityId: 'https://course.example/deep', profileId: 'f' })}`;
      expect((await call(flat, { method: 'PUT', body: '{"a":1}' })).status).toBe(204);
      const deepPatch = await call(flat, { method: 'POST', body: deep });
      expect(deepPatch.status).toBe(400);
      expect((await call(flat)).text).toBe('{"a":1}');
    });
  });
}
