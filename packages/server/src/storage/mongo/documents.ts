import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { CasDocuments, storedKey, type VersionedDocument } from '../documents.js';
import type { DocumentKey, DocumentScope, StoredDocument } from '../types.js';

/**
 * One document. Key parts are plain strings and the content is Binary: activity IRIs and JSON
 * documents hold dots and `$`, which FerretDB refuses in field names.
 */
interface Doc {
  _id: string; // SHA-1 of the full key: unique by construction, no compound unique index needed
  t: string;
  k: StoredDocument['kind'];
  a: string; // activity id
  g: string; // agent key
  r: string; // registration
  d: string; // stateId / profileId
  ct: string;
  c: mongoose.mongo.Binary;
  e: string; // etag
  v: number; // version, for compare-and-swap
  u: Date; // updated
}

const idOf = (tenantId: string, key: DocumentKey) => {
  const k = storedKey(key);
  return createHash('sha1')
    .update(JSON.stringify([tenantId, k.kind, k.activityId, k.agentKey, k.registration, key.id]))
    .digest('hex');
};

const isDuplicateKey = (e: unknown) => (e as { code?: number }).code === 11000;

/** xAPI documents on MongoDB (collection `xapi_documents`); writes are conditional on the version. */
export class MongoDocuments extends CasDocuments {
  private readonly col: mongoose.mongo.Collection<Doc>;

  constructor(db: mongoose.mongo.Db) {
    super();
    this.col = db.collection<Doc>('xapi_documents');
  }

  protected async read(tenantId: string, key: DocumentKey): Promise<VersionedDocument | undefined> {
    const d = await this.col.findOne({ _id: idOf(tenantId, key) });
    if (!d) return undefined;
    return {
      version: d.v,
      doc: {
        kind: d.k,
        activityId: d.a,
        agentKey: d.g,
        registration: d.r,
        id: d.d,
        contentType: d.ct,
        content: Buffer.from(d.c.buffer),
        etag: d.e,
        updated: d.u.toISOString(),
      },
    };
  }

  private fields(d: StoredDocument) {
    return {
      ct: d.contentType,
      c: new mongoose.mongo.Binary(d.content),
      e: d.etag,
      u: new Date(d.updated),
    };
  }

  protected async insert(tenantId: string, d: StoredDocument): Promise<boolean> {
    const k = storedKey(d);
    try {
      await this.col.insertOne({
        _id: idOf(tenantId, d),
        t: tenantId,
        k: k.kind,
        a: k.activityId,
        g: k.agentKey,
        r: k.registration,
        d: d.id,
        v: 1,
        ...this.fields(d),
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  protected async replace(tenantId: string, d: StoredDocument, version: number): Promise<boolean> {
    const res = await this.col.updateOne(
      { _id: idOf(tenantId, d), v: version },
      { $set: { ...this.fields(d), v: version + 1 } },
    );
    return res.matchedCount > 0;
  }

  protected async remove(tenantId: string, key: DocumentKey, version: number): Promise<boolean> {
    const res = await this.col.deleteOne({ _id: idOf(tenantId, key), v: version });
    return res.deletedCount > 0;
  }

  /** `registration` absent from the scope matches every registration. */
  private filter(tenantId: string, scope: DocumentScope): mongoose.mongo.Filter<Doc> {
    const k = storedKey(scope);
    const f: mongoose.mongo.Filter<Doc> = { t: tenantId, k: k.kind, a: k.activityId, g: k.agentKey };
    if (scope.registration !== undefined) f.r = k.registration;
    return f;
  }

  async listIds(tenantId: string, scope: DocumentScope, since?: string): Promise<string[]> {
    const f = this.filter(tenantId, scope);
    if (since !== undefined) f.u = { $gt: new Date(since) };
    const docs = await this.col.find(f, { projection: { d: 1 } }).toArray();
    return [...new Set(docs.map((d) => d.d))].sort();
  }

  async deleteMany(tenantId: string, scope: DocumentScope): Promise<number> {
    return (await this.col.deleteMany(this.filter(tenantId, scope))).deletedCount;
  }
}
