import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { CasDocuments, storedKey, type VersionedDocument } from '../documents.js';
import type { DocumentKey, DocumentScope, StoredDocument } from '../types.js';

/**
 * One revision of a document. Each write inserts revision v+1 with `_id` `<key hash>:<v+1>`, so two
 * writers racing from revision v collide on the unique `_id` and exactly one wins: the only atomic
 * compare-and-swap FerretDB offers (its conditional updates read and write in two steps, and lose
 * updates under contention). Superseded revisions are removed by later writes once no writer can still
 * race for their number; a delete is a tombstone revision (`x`), kept so that numbers never restart.
 * Key parts are plain strings and the content is Binary: IRIs and JSON hold dots and `$`.
 */
interface Doc {
  _id: string;
  h: string; // SHA-1 of the full key
  t: string;
  k: StoredDocument['kind'];
  a: string; // activity id
  g: string; // agent key
  r: string; // registration
  d: string; // stateId / profileId
  v: number; // revision
  x: boolean; // deleted (tombstone)
  ct: string;
  c: mongoose.mongo.Binary;
  e: string; // etag
  u: Date; // updated
}

const hashOf = (tenantId: string, key: DocumentKey) => {
  const k = storedKey(key);
  return createHash('sha1')
    .update(JSON.stringify([tenantId, k.kind, k.activityId, k.agentKey, k.registration, key.id]))
    .digest('hex');
};

// Far longer than any request lives (and than the clock skew between instances).
const REVISION_GRACE_MS = 10 * 60_000;

const isDuplicateKey = (e: unknown) => (e as { code?: number }).code === 11000;

const toDocument = (d: Doc): StoredDocument => ({
  kind: d.k,
  activityId: d.a,
  agentKey: d.g,
  registration: d.r,
  id: d.d,
  contentType: d.ct,
  content: Buffer.from(d.c.buffer),
  etag: d.e,
  updated: d.u.toISOString(),
});

/** xAPI documents on MongoDB (collection `xapi_documents`), as insert-only revisions. */
export class MongoDocuments extends CasDocuments {
  private readonly col: mongoose.mongo.Collection<Doc>;

  constructor(db: mongoose.mongo.Db) {
    super();
    this.col = db.collection<Doc>('xapi_documents');
  }

  protected async read(tenantId: string, key: DocumentKey): Promise<VersionedDocument> {
    const d = await this.col.findOne({ h: hashOf(tenantId, key) }, { sort: { v: -1 } });
    if (!d) return { doc: undefined, version: 0 };
    return { doc: d.x ? undefined : toDocument(d), version: d.v };
  }

  protected async swap(
    tenantId: string,
    key: DocumentKey,
    version: number,
    next: StoredDocument | undefined,
  ): Promise<boolean> {
    const h = hashOf(tenantId, key);
    const k = storedKey(key);
    const v = version + 1;
    try {
      await this.col.insertOne({
        _id: `${h}:${v}`,
        h,
        t: tenantId,
        k: k.kind,
        a: k.activityId,
        g: k.agentKey,
        r: k.registration,
        d: key.id,
        v,
        x: !next,
        ct: next?.contentType ?? '',
        c: new mongoose.mongo.Binary(next?.content ?? Buffer.alloc(0)),
        e: next?.etag ?? '',
        u: next ? new Date(next.updated) : new Date(),
      });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    // Superseded revisions are never read again (reads take the highest), but a revision number must
    // not be freed while a writer that read the revision before it may still try to take it: such a
    // writer read before that revision was written, so one written more than a request's lifetime ago
    // is safe to drop. A failed cleanup is retried by the next write.
    await this.col
      .deleteMany({ h, v: { $lt: v }, u: { $lt: new Date(Date.now() - REVISION_GRACE_MS) } })
      .catch(() => {});
    return true;
  }

  /** The latest revision of every key in `scope` (`registration` absent = any registration). */
  private async latest(tenantId: string, scope: DocumentScope): Promise<Doc[]> {
    const k = storedKey(scope);
    const f: mongoose.mongo.Filter<Doc> = { t: tenantId, k: k.kind, a: k.activityId, g: k.agentKey };
    if (scope.registration !== undefined) f.r = k.registration;
    const revisions = await this.col.find(f, { projection: { c: 0 } }).toArray();
    const byKey = new Map<string, Doc>();
    for (const d of revisions) if ((byKey.get(d.h)?.v ?? -1) < d.v) byKey.set(d.h, d);
    return [...byKey.values()].filter((d) => !d.x);
  }

  async listIds(tenantId: string, scope: DocumentScope, since?: string): Promise<string[]> {
    const after = since === undefined ? undefined : Date.parse(since);
    const docs = (await this.latest(tenantId, scope)).filter(
      (d) => after === undefined || d.u.getTime() > after,
    );
    return [...new Set(docs.map((d) => d.d))].sort();
  }

  async deleteMany(tenantId: string, scope: DocumentScope): Promise<number> {
    let n = 0;
    for (const d of await this.latest(tenantId, scope)) {
      const key: DocumentKey = { kind: d.k, activityId: d.a, agentKey: d.g, registration: d.r, id: d.d };
      if (await this.delete(tenantId, key)) n++;
    }
    return n;
  }
}
