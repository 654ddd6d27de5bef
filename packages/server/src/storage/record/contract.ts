import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../util/uuid.js';
import { DocumentMergeError } from './documents.js';
import type { DocumentKey, RecordStore, StatementRecord, StoredDocument } from './types.js';

/** Builds a statement record as the LRS would hand it to a store. */
export function record(tenantId: string, overrides: Partial<StatementRecord> = {}): StatementRecord {
  const key = overrides.key ?? uuidv7();
  const id = overrides.id ?? randomUUID();
  const stored = overrides.stored ?? new Date().toISOString();
  return {
    tenantId,
    key,
    id,
    stored,
    statement: {
      id,
      actor: { mbox: 'mailto:a@example.com' },
      verb: { id: 'http://x/v' },
      object: { id: 'http://x/o' },
      stored,
      ...overrides.statement,
    } as StatementRecord['statement'],
    signature: overrides.signature ?? `sig-${id}`,
    terms: overrides.terms ?? [],
    voided: false,
    ...overrides,
  };
}

const ids = (rs: StatementRecord[]) => rs.map((r) => r.id);

/**
 * The record-store contract: every backend (MongoDB, PostgreSQL, PGlite) must pass it unchanged.
 * `open` returns a store on an empty database; the suite migrates it itself.
 */
export function recordStoreContract(name: string, open: () => Promise<RecordStore | undefined>): void {
  describe(`RecordStore contract: ${name}`, () => {
    let store: RecordStore;
    let tenant: string;
    let n = 0;
    const nextTenant = () => `tenant-${++n}-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      const s = await open();
      if (!s) throw new Error(`${name}: no store`);
      store = s;
      await store.migrate();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('migrates idempotently and answers ping', async () => {
      await store.migrate();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('stores a statement and returns it as sent', async () => {
      tenant = nextTenant();
      const r = record(tenant, { terms: ['v:http://x/v'], actorKey: 'mbox:mailto:a@example.com' });
      r.statement = {
        ...r.statement,
        result: { extensions: { 'http://ex.com/a.b': [[1, null], { $x: 1 }] } },
      };
      expect(await store.statements.insert(tenant, [r])).toEqual({
        ok: true,
        inserted: [r.id],
        duplicates: [],
      });
      const got = await store.statements.get(tenant, r.id);
      expect(got).toMatchObject({
        id: r.id,
        key: r.key,
        stored: r.stored,
        voided: false,
        signature: r.signature,
      });
      expect(got!.statement).toEqual(r.statement);
      expect(got!.actorKey).toBe('mbox:mailto:a@example.com');
      expect(await store.statements.count(tenant)).toBe(1);
    });

    it('treats the same id with the same signature as a duplicate, and a different one as a conflict', async () => {
      tenant = nextTenant();
      const a = record(tenant);
      await store.statements.insert(tenant, [a]);
      const again = { ...record(tenant, { id: a.id, signature: a.signature }) };
      expect(await store.statements.insert(tenant, [again])).toEqual({
        ok: true,
        inserted: [],
        duplicates: [a.id],
      });
      const fresh = record(tenant);
      const clash = record(tenant, { id: a.id, signature: 'other' });
      expect(await store.statements.insert(tenant, [fresh, clash])).toEqual({ ok: false, conflicts: [a.id] });
      // nothing of a rejected batch is written
      expect(await store.statements.get(tenant, fresh.id)).toBeUndefined();
      expect(await store.statements.count(tenant)).toBe(1);
    });

    it('keeps tenants apart', async () => {
      const t1 = nextTenant();
      const t2 = nextTenant();
      const a = record(t1, { terms: ['v:x'] });
      const b = record(t2, { id: a.id, signature: 'different', terms: ['v:x'] });
      expect((await store.statements.insert(t1, [a])).ok).toBe(true);
      expect((await store.statements.insert(t2, [b])).ok).toBe(true);
      expect(ids(await store.statements.query(t1, { terms: ['v:x'], ascending: false, limit: 10 }))).toEqual([
        a.id,
      ]);
      expect((await store.statements.get(t2, a.id))!.signature).toBe('different');
      expect(await store.statements.get(nextTenant(), a.id)).toBeUndefined();
    });

    it('queries by terms in key order with bounds and limits', async () => {
      tenant = nextTenant();
      const rs = Array.from({ length: 6 }, (_, i) =>
        record(tenant, { terms: i % 2 ? ['v:even', 'o:act'] : ['v:odd', 'o:act'] }),
      );
      await store.statements.insert(tenant, rs);
      const all = await store.statements.query(tenant, { terms: [], ascending: false, limit: 100 });
      expect(ids(all)).toEqual(ids(rs).reverse());
      const asc = await store.statements.query(tenant, { terms: ['o:act'], ascending: true, limit: 4 });
      expect(ids(asc)).toEqual(ids(rs).slice(0, 4));
      const both = await store.statements.query(tenant, {
        terms: ['o:act', 'v:even'],
        ascending: true,
        limit: 10,
      });
      expect(ids(both)).toEqual([rs[1]!.id, rs[3]!.id, rs[5]!.id]);
      const page = await store.statements.query(tenant, {
        terms: ['o:act'],
        ascending: false,
        limit: 10,
        before: rs[4]!.key,
        after: rs[1]!.key,
      });
      expect(ids(page)).toEqual([rs[3]!.id, rs[2]!.id]);
      expect(await store.statements.query(tenant, { terms: ['v:none'], ascending: false, limit: 5 })).toEqual(
        [],
      );
    });

    it('restricts to an actor', async () => {
      tenant = nextTenant();
      const mine = record(tenant, { actorKey: 'account:h|me' });
      const theirs = record(tenant, { actorKey: 'account:h|you' });
      await store.statements.insert(tenant, [mine, theirs]);
      const got = await store.statements.query(tenant, {
        terms: [],
        actorKey: 'account:h|me',
        ascending: true,
        limit: 9,
      });
      expect(ids(got)).toEqual([mine.id]);
    });

    it('voids synchronously, in either order of arrival, and hides voided statements from queries', async () => {
      tenant = nextTenant();
      const target = record(tenant, { terms: ['v:x'] });
      await store.statements.insert(tenant, [target]);
      const voider = record(tenant, { voidingTarget: target.id, terms: ['v:voided'] });
      await store.statements.insert(tenant, [voider]);
      expect((await store.statements.get(tenant, target.id))!.voided).toBe(true);
      expect(await store.statements.query(tenant, { terms: ['v:x'], ascending: false, limit: 9 })).toEqual(
        [],
      );
      // a voiding statement is never voided itself
      await store.statements.insert(tenant, [record(tenant, { voidingTarget: voider.id })]);
      expect((await store.statements.get(tenant, voider.id))!.voided).toBe(false);
      // voiding statement first, then its target
      const lateTarget = record(tenant, { terms: ['v:late'] });
      await store.statements.insert(tenant, [record(tenant, { voidingTarget: lateTarget.id })]);
      await store.statements.insert(tenant, [lateTarget]);
      expect((await store.statements.get(tenant, lateTarget.id))!.voided).toBe(true);
    });

    it('lets statements referencing a match match too, recursively and in any order', async () => {
      tenant = nextTenant();
      const target = record(tenant, { terms: ['a:alice'] });
      const ref1 = record(tenant, { refTarget: target.id, terms: ['a:bob'] });
      const ref2 = record(tenant, { refTarget: ref1.id, terms: ['a:carol'] });
      // ref2 first, then target, then ref1 (the link in the middle)
      await store.statements.insert(tenant, [ref2]);
      await store.statements.insert(tenant, [target]);
      await store.statements.insert(tenant, [ref1]);
      const alice = await store.statements.query(tenant, { terms: ['a:alice'], ascending: true, limit: 9 });
      expect(ids(alice).sort()).toEqual([target.id, ref1.id, ref2.id].sort());
      const bob = await store.statements.query(tenant, { terms: ['a:bob'], ascending: true, limit: 9 });
      expect(ids(bob).sort()).toEqual([ref1.id, ref2.id].sort());
    });

    it('feeds every statement of a tenant in key order between bounds, voided ones included', async () => {
      tenant = nextTenant();
      const rs = Array.from({ length: 5 }, () => record(tenant));
      rs.sort((a, b) => a.key.localeCompare(b.key));
      // stored out of order, one batch at a time
      for (const r of [rs[3]!, rs[0]!, rs[4]!, rs[1]!, rs[2]!]) await store.statements.insert(tenant, [r]);
      const voider = record(tenant, { voidingTarget: rs[1]!.id });
      await store.statements.insert(tenant, [voider]);
      await store.statements.insert(nextTenant(), [record('other')]);
      const all = await store.statements.feed(tenant, { before: uuidv7(Date.now() + 60_000), limit: 100 });
      expect(ids(all)).toEqual([...ids(rs), voider.id]);
      expect(all[1]!.voided).toBe(true);
      expect(all[5]!.voidingTarget).toBe(rs[1]!.id);
      const page = await store.statements.feed(tenant, { after: rs[0]!.key, before: rs[4]!.key, limit: 2 });
      expect(ids(page)).toEqual([rs[1]!.id, rs[2]!.id]);
      expect(await store.statements.countAfter(tenant, rs[2]!.key, 100)).toBe(3);
      expect(await store.statements.countAfter(tenant, undefined, 4)).toBe(4);
      expect(await store.statements.tenants()).toContain(tenant);
    });

    it('accepts concurrent re-sends of one statement exactly once', async () => {
      tenant = nextTenant();
      const r = record(tenant, { terms: ['v:x'] });
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => store.statements.insert(tenant, [{ ...r, key: uuidv7() }])),
      );
      const inserted = outcomes.flatMap((o) => (o.ok ? o.inserted : []));
      expect(inserted).toEqual([r.id]);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(await store.statements.count(tenant)).toBe(1);
    });

    it('stores credentials hashed and revokes them', async () => {
      tenant = nextTenant();
      const key = `key-${randomUUID()}`;
      const c = {
        tenantId: tenant,
        key,
        secretHash: 'ab'.repeat(32),
        name: 'moodle',
        scopes: ['statements/write', 'statements/read/mine'],
        createdAt: new Date('2026-01-02T03:04:05.000Z').toISOString(),
      };
      await store.credentials.create(c);
      expect(await store.credentials.find(key)).toEqual({ ...c, revokedAt: undefined });
      expect((await store.credentials.list(tenant)).map((x) => x.key)).toEqual([key]);
      await expect(store.credentials.create(c)).rejects.toThrow();
      expect(await store.credentials.revoke(key, '2026-02-01T00:00:00.000Z')).toBe(true);
      expect(await store.credentials.revoke(key, '2026-02-02T00:00:00.000Z')).toBe(false);
      expect((await store.credentials.find(key))!.revokedAt).toBe('2026-02-01T00:00:00.000Z');
      expect(await store.credentials.find('nope')).toBeUndefined();
    });
    it('keeps keyed tool records: exact-match find, replace, update, delete and expiry', async () => {
      const c = `nonce-${randomUUID()}`;
      const now = new Date().toISOString();
      const k = store.keyed;
      await k.insert({
        collection: c,
        fields: { kid: 'a', n: 1, on: true },
        data: { 'x.y': [1, { $z: 2 }] },
        createdAt: now,
      });
      await k.insert({ collection: c, fields: { kid: 'b', n: 1 }, data: 'b', createdAt: now });
      expect((await k.find(c, { kid: 'a' }))[0]).toMatchObject({
        fields: { kid: 'a', n: 1, on: true },
        data: { 'x.y': [1, { $z: 2 }] },
      });
      expect(await k.find(c, { n: 1 })).toHaveLength(2);
      expect(await k.find(c, { n: '1' })).toHaveLength(0); // types matter
      expect(await k.find(c, {})).toHaveLength(2);
      expect(await k.find(`${c}-other`, {})).toHaveLength(0);
      await k.replace(
        c,
        { kid: 'b' },
        { collection: c, fields: { kid: 'b', n: 2 }, data: 'b2', createdAt: now },
      );
      expect((await k.find(c, { kid: 'b' })).map((r) => r.data)).toEqual(['b2']);
      expect(await k.update(c, { kid: 'b' }, { data: 'b3', fields: { kid: 'b', n: 3 } })).toBe(true);
      expect((await k.find(c, { n: 3 })).map((r) => r.data)).toEqual(['b3']);
      expect(await k.update(c, { kid: 'none' }, { data: 1 })).toBe(false);
      // update is a compare-and-set on its match: of claims racing for one job, exactly one wins
      await k.insert({
        collection: c,
        fields: { job: 'j', status: 'pending' },
        data: 'queued',
        createdAt: now,
      });
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          k.update(c, { job: 'j', status: 'pending' }, { fields: { job: 'j', status: 'sending' }, data: i }),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await k.find(c, { job: 'j' })).map((r) => r.data)).toEqual([claims.indexOf(true)]);
      await k.delete(c, { job: 'j' });
      // expired records are invisible at once and purged by deleteExpired
      await k.insert({
        collection: c,
        fields: { kid: 'old' },
        data: 1,
        createdAt: now,
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      });
      expect(await k.find(c, { kid: 'old' })).toEqual([]);
      expect(await k.deleteExpired(new Date().toISOString())).toBeGreaterThanOrEqual(1);
      expect(await k.delete(c, { n: 3 })).toBe(1);
      expect((await k.find(c, {})).map((r) => r.fields.kid)).toEqual(['a']);
    });
    it('keeps attachment contents once per tenant and sha2', async () => {
      tenant = nextTenant();
      const content = Buffer.from([0, 1, 2, 255, 254]);
      const a = { sha2: 'a'.repeat(64), contentType: 'application/octet-stream', content };
      await store.attachments.put(tenant, [a, a]);
      await store.attachments.put(tenant, [{ ...a, contentType: 'text/plain' }]);
      const got = await store.attachments.get(tenant, [a.sha2, 'b'.repeat(64)]);
      expect(got).toHaveLength(1);
      expect(got[0]!.contentType).toBe('application/octet-stream');
      expect(Buffer.compare(got[0]!.content, content)).toBe(0);
      expect(await store.attachments.get(nextTenant(), [a.sha2])).toEqual([]);
    });

    describe('xAPI documents', () => {
      const json = (v: unknown) => ({
        contentType: 'application/json',
        content: Buffer.from(JSON.stringify(v)),
      });
      const state = (id: string, registration?: string): DocumentKey => ({
        kind: 'state',
        activityId: 'http://ex.com/act.1',
        agentKey: 'mbox:mailto:a@example.com',
        registration,
        id,
      });
      const etagOf = (b: Buffer) => `"${createHash('sha1').update(b).digest('hex')}"`;

      it('stores bytes verbatim with their content type, SHA-1 ETag and update time', async () => {
        tenant = nextTenant();
        const bytes = Buffer.from([0, 1, 2, 255, 0x2e, 0x24]);
        const before = Date.now();
        const put = await store.documents.put(tenant, state('s.1'), {
          contentType: 'application/octet-stream',
          content: bytes,
        });
        expect(put.etag).toBe(etagOf(bytes));
        const got = await store.documents.get(tenant, state('s.1'));
        expect(Buffer.compare(got!.content, bytes)).toBe(0);
        expect(got).toMatchObject({
          contentType: 'application/octet-stream',
          etag: etagOf(bytes),
          id: 's.1',
        });
        expect(Date.parse(got!.updated)).toBeGreaterThanOrEqual(before - 5);
        // JSON is kept as sent (spacing, key order), never re-serialised
        const raw = Buffer.from('{ "b":1,\n  "a" : {"$x.y": [1,2]} }');
        await store.documents.put(tenant, state('s.2'), { contentType: 'application/json', content: raw });
        expect((await store.documents.get(tenant, state('s.2')))!.content.toString()).toBe(raw.toString());
        // other tenants, registrations and kinds are other documents
        expect(await store.documents.get(nextTenant(), state('s.1'))).toBeUndefined();
        expect(
          await store.documents.get(tenant, state('s.1', 'b4b4a6a2-1c7b-4d7c-9a57-3b5e0f2a8f11')),
        ).toBeUndefined();
        expect(
          await store.documents.get(tenant, {
            kind: 'activity-profile',
            activityId: 'http://ex.com/act.1',
            id: 's.1',
          }),
        ).toBeUndefined();
      });

      it('replaces on put, shallow-merges JSON objects on merge, and refuses other merges', async () => {
        tenant = nextTenant();
        const key: DocumentKey = { kind: 'agent-profile', agentKey: 'account:h|me', id: 'p' };
        await store.documents.merge(tenant, key, json({ a: 1, nested: { x: 1, y: 2 } }));
        const merged = await store.documents.merge(tenant, key, json({ b: 2, nested: { z: 3 } }));
        expect(JSON.parse(merged.content.toString())).toEqual({ a: 1, b: 2, nested: { z: 3 } });
        expect((await store.documents.get(tenant, key))!.etag).toBe(etagOf(merged.content));
        await expect(
          store.documents.merge(tenant, key, { contentType: 'text/plain', content: Buffer.from('x') }),
        ).rejects.toBeInstanceOf(DocumentMergeError);
        await expect(store.documents.merge(tenant, key, json([1]))).rejects.toBeInstanceOf(
          DocumentMergeError,
        );
        await store.documents.put(tenant, key, { contentType: 'text/plain', content: Buffer.from('plain') });
        await expect(store.documents.merge(tenant, key, json({ c: 1 }))).rejects.toBeInstanceOf(
          DocumentMergeError,
        );
        expect((await store.documents.get(tenant, key))!.content.toString()).toBe('plain');
      });

      it('lists ids by scope and since, and deletes one or a scope', async () => {
        tenant = nextTenant();
        const reg = '6d1f3c3e-0b7e-4d0c-8f59-2a2f5f2e9a10';
        await store.documents.put(tenant, state('a'), json({}));
        await store.documents.put(tenant, state('b', reg), json({}));
        await store.documents.put(tenant, state('a', reg.toUpperCase()), json({}));
        const other = { ...state('c'), agentKey: 'mbox:mailto:other@example.com' };
        await store.documents.put(tenant, other, json({}));
        expect(await store.documents.listIds(tenant, state('x'))).toEqual(['a', 'b']);
        expect(await store.documents.listIds(tenant, state('x', reg))).toEqual(['a', 'b']);
        const mark = new Date().toISOString();
        await new Promise((r) => setTimeout(r, 5));
        await store.documents.put(tenant, state('b', reg), json({ again: true }));
        expect(await store.documents.listIds(tenant, state('x'), mark)).toEqual(['b']);
        expect(
          await store.documents.listIds(tenant, state('x'), new Date(Date.now() + 1000).toISOString()),
        ).toEqual([]);
        expect(await store.documents.delete(tenant, state('a'))).toBe(true);
        expect(await store.documents.delete(tenant, state('a'))).toBe(false);
        expect(await store.documents.deleteMany(tenant, state('x', reg))).toBe(2);
        expect(await store.documents.listIds(tenant, state('x'))).toEqual([]);
        expect(await store.documents.listIds(tenant, other)).toEqual(['c']);
      });

      it('runs checks against the current document and writes nothing when they throw', async () => {
        tenant = nextTenant();
        const key = state('guarded');
        const refuse = (current: StoredDocument | undefined) => {
          if (current) throw new Error('exists');
        };
        await store.documents.put(tenant, key, json({ v: 1 }), refuse);
        await expect(store.documents.put(tenant, key, json({ v: 2 }), refuse)).rejects.toThrow('exists');
        await expect(store.documents.delete(tenant, key, refuse)).rejects.toThrow('exists');
        expect(JSON.parse((await store.documents.get(tenant, key))!.content.toString())).toEqual({ v: 1 });
      });

      it('loses no update when many clients merge at once, and creates a document once', async () => {
        tenant = nextTenant();
        const key = state('busy');
        await Promise.all(
          Array.from({ length: 12 }, (_, i) => store.documents.merge(tenant, key, json({ [`k${i}`]: i }))),
        );
        const doc = JSON.parse((await store.documents.get(tenant, key))!.content.toString());
        expect(Object.keys(doc).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `k${i}`).sort());
        // "create only if absent": exactly one of the racing writers wins
        const once = state('once');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            store.documents.put(tenant, once, json({ i }), (current) => {
              if (current) throw new Error('exists');
            }),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      });
    });
  });
}
