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
  /** Times the record was updated (absent: never). */
  v?: number;
}

/** A claim on moving one record from one version to the next; its unique `_id` picks a single winner. */
interface Claim {
  _id: string;
  at: Date;
}

/** A claim older than this belongs to an updater that died between its claim and its write. */
const STALE_CLAIM_MS = 30_000;
/** Claims are only needed while their update runs: older ones are purged with the expired records. */
const CLAIM_KEPT_MS = 3600_000;

const live = () => ({ $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] });

/** Keyed tool records on MongoDB. */
export class MongoKeyedRecords implements KeyedRecordRepository {
  private readonly col: mongoose.mongo.Collection<Doc>;
  private readonly claims: mongoose.mongo.Collection<Claim>;

  constructor(db: mongoose.mongo.Db) {
    this.col = db.collection<Doc>('keyed_records');
    this.claims = db.collection<Claim>('keyed_claims');
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

  /**
   * A compare-and-set on `match`: of concurrent updates of one record, one wins and the others return false
   * (two processes claiming one queued job). A single-document update is not atomic on every server that
   * speaks the protocol (FerretDB 1.x reads, then writes), so the winner is the one that inserts the claim
   * `<record id>:<next version>`, whose unique `_id` every server enforces; a claim left by an updater that
   * died before its write is taken over after {@link STALE_CLAIM_MS}.
   */
  async update(
    collection: string,
    match: Record<string, FieldValue>,
    patch: Partial<Pick<KeyedRecord, 'fields' | 'data' | 'expiresAt'>>,
  ): Promise<boolean> {
    const filter = { c: collection, k: { $all: matchKeysOf(collection, match) }, ...live() };
    const first = await this.col.findOne(filter, { sort: { _id: 1 } });
    if (!first) return false;
    const set: Partial<Doc> = {};
    if (patch.fields) {
      set.k = matchKeysOf(collection, patch.fields);
      set.fields = JSON.stringify(patch.fields);
    }
    if (patch.data !== undefined) set.data = JSON.stringify(patch.data);
    if (patch.expiresAt !== undefined) set.expiresAt = new Date(patch.expiresAt);
    if (Object.keys(set).length === 0) return true;
    const version = first.v ?? 0;
    const claim = `${first._id.toHexString()}:${version + 1}`;
    if (!(await this.claim(claim))) return false;
    const res = await this.col.updateOne(
      { ...filter, _id: first._id, v: version === 0 ? { $exists: false } : version },
      { $set: { ...set, v: version + 1 } },
    );
    await this.claims.deleteOne({ _id: `${first._id.toHexString()}:${version}` }).catch(() => {});
    return res.matchedCount > 0;
  }

  /** Inserts the claim `id`; false when another updater holds it (a stale one is taken over). */
  private async claim(id: string): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.claims.insertOne({ _id: id, at: new Date() });
        return true;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        const stale = await this.claims.deleteOne({
          _id: id,
          at: { $lt: new Date(Date.now() - STALE_CLAIM_MS) },
        });
        if (stale.deletedCount === 0) return false;
      }
    }
    return false;
  }

  async delete(collection: string, match: Record<string, FieldValue>): Promise<number> {
    const res = await this.col.deleteMany({ c: collection, k: { $all: matchKeysOf(collection, match) } });
    return res.deletedCount;
  }

  async deleteExpired(now: string): Promise<number> {
    await this.claims.deleteMany({ at: { $lt: new Date(Date.parse(now) - CLAIM_KEPT_MS) } });
    const res = await this.col.deleteMany({ expiresAt: { $ne: null, $lt: new Date(now) } });
    return res.deletedCount;
  }
}
