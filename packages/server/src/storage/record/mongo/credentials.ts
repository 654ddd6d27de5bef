import type mongoose from 'mongoose';
import type { CredentialRecord, CredentialRepository } from '../types.js';

interface CredentialDoc {
  _id: string;
  t: string;
  secretHash: string;
  name: string;
  scopes: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

const toRecord = (d: CredentialDoc): CredentialRecord => ({
  tenantId: d.t,
  key: d._id,
  secretHash: d.secretHash,
  name: d.name,
  scopes: d.scopes,
  createdAt: d.createdAt.toISOString(),
  revokedAt: d.revokedAt?.toISOString(),
});

/** API credentials on MongoDB. */
export class MongoCredentials implements CredentialRepository {
  private readonly col: mongoose.mongo.Collection<CredentialDoc>;

  constructor(db: mongoose.mongo.Db) {
    this.col = db.collection<CredentialDoc>('credentials');
  }

  async create(c: CredentialRecord): Promise<void> {
    await this.col.insertOne({
      _id: c.key,
      t: c.tenantId,
      secretHash: c.secretHash,
      name: c.name,
      scopes: c.scopes,
      createdAt: new Date(c.createdAt),
      revokedAt: c.revokedAt ? new Date(c.revokedAt) : null,
    });
  }

  async find(key: string): Promise<CredentialRecord | undefined> {
    const doc = await this.col.findOne({ _id: key });
    return doc ? toRecord(doc) : undefined;
  }

  async list(tenantId?: string): Promise<CredentialRecord[]> {
    const docs = await this.col
      .find(tenantId === undefined ? {} : { t: tenantId })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    return docs.map(toRecord);
  }

  async revoke(key: string, at: string): Promise<boolean> {
    const res = await this.col.updateOne(
      { _id: key, revokedAt: null },
      { $set: { revokedAt: new Date(at) } },
    );
    return res.modifiedCount > 0;
  }
}
