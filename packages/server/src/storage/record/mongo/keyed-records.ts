import type mongoose from 'mongoose';
import { matchKeysOf } from '../keyed.js';
import type { FieldValue, KeyedRecord, KeyedRecordRepository } from '../types.js';

interface Doc {
  c: string;
  k: string[];
  // JSON strings: tool data may hold keys with dots or `$`, which FerretDB refuses
  fields: string;
  data: string;
  createdAt: Date;
  expiresAt: Date | null;
}

const live = () => ({ $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] });

/** Keyed tool records on MongoDB. */
export class MongoKeyedRecords implements KeyedRecordRepository {
  private readonly col: mongoose.mongo.Collection<Doc>;

  constructor(db: mongoose.mongo.Db) {
    this.col = db.collection<Doc>('keyed_records');
  }

  private doc(r: KeyedRecord): Doc {
    return {
      c: r.collection,
      k: matchKeysOf(r.collection, r.fields),
      fields: JSON.stringify(r.fields),
      data: JSON.stringify(r.data ?? null),
      createdAt: new Date(r.createdAt),
      expiresAt: r.expiresAt ? new Date(r.expiresAt) : null,
    };
  }

  async insert(r: KeyedRecord): Promise<void> {
    await this.col.insertOne(this.doc(r));
  }

  async find(collection: string, match: Record<string, FieldValue>): Promise<KeyedRecord[]> {
    const docs = await this.col
      .find({ c: collection, k: { $all: matchKeysOf(collection, match) }, ...live() })
      .sort({ _id: 1 })
      .toArray();
    return docs.map((d) => ({
      collection,
      fields: JSON.parse(d.fields),
      data: JSON.parse(d.data),
      createdAt: d.createdAt.toISOString(),
      expiresAt: d.expiresAt?.toISOString(),
    }));
  }

  async replace(collection: string, match: Record<string, FieldValue>, record: KeyedRecord): Promise<void> {
    await this.delete(collection, match);
    await this.insert(record);
  }

  async update(
    collection: string,
    match: Record<string, FieldValue>,
    patch: Partial<Pick<KeyedRecord, 'fields' | 'data' | 'expiresAt'>>,
  ): Promise<boolean> {
    const first = await this.col.findOne(
      { c: collection, k: { $all: matchKeysOf(collection, match) }, ...live() },
      { sort: { _id: 1 } },
    );
    if (!first) return false;
    const set: Partial<Doc> = {};
    if (patch.fields) {
      set.k = matchKeysOf(collection, patch.fields);
      set.fields = JSON.stringify(patch.fields);
    }
    if (patch.data !== undefined) set.data = JSON.stringify(patch.data);
    if (patch.expiresAt !== undefined) set.expiresAt = new Date(patch.expiresAt);
    if (Object.keys(set).length > 0) await this.col.updateOne({ _id: first._id }, { $set: set });
    return true;
  }

  async delete(collection: string, match: Record<string, FieldValue>): Promise<number> {
    const res = await this.col.deleteMany({ c: collection, k: { $all: matchKeysOf(collection, match) } });
    return res.deletedCount;
  }

  async deleteExpired(now: string): Promise<number> {
    const res = await this.col.deleteMany({ expiresAt: { $ne: null, $lt: new Date(now) } });
    return res.deletedCount;
  }
}
