import type mongoose from 'mongoose';
import type { InsertOutcome, StatementQuery, StatementRecord, StatementRepository } from '../types.js';

const MAX_REF_DEPTH = 16;

/** A statement document: short field names, the body as a JSON string (xAPI keys are IRIs full of dots). */
interface StatementDoc {
  _id: string; // storage key (UUIDv7)
  t: string;
  id: string;
  stored: Date;
  body: string;
  sig: string;
  terms: string[];
  actor: string | null;
  ref: string | null;
  vt: string | null;
  voided: boolean;
}

const toDoc = (tenantId: string, r: StatementRecord): StatementDoc => ({
  _id: r.key,
  t: tenantId,
  id: r.id,
  stored: new Date(r.stored),
  body: JSON.stringify(r.statement),
  sig: r.signature,
  terms: [...new Set(r.terms)],
  actor: r.actorKey ?? null,
  ref: r.refTarget ?? null,
  vt: r.voidingTarget ?? null,
  voided: false,
});

const toRecord = (d: StatementDoc): StatementRecord => ({
  tenantId: d.t,
  key: d._id,
  id: d.id,
  stored: d.stored.toISOString(),
  statement: JSON.parse(d.body),
  signature: d.sig,
  terms: d.terms,
  actorKey: d.actor ?? undefined,
  refTarget: d.ref ?? undefined,
  voidingTarget: d.vt ?? undefined,
  voided: d.voided,
});

/**
 * Statements on MongoDB. Without transactions (FerretDB, standalone servers) the batch is checked for
 * conflicts before it is written and written idempotently; a conflicting write racing this batch is
 * reported as a conflict for the ids it touches.
 */
export class MongoStatements implements StatementRepository {
  private readonly col: mongoose.mongo.Collection<StatementDoc>;
  private readonly refs: mongoose.mongo.Collection<{ _id: string; t: string }>;

  constructor(db: mongoose.mongo.Db) {
    this.col = db.collection<StatementDoc>('statements');
    this.refs = db.collection<{ _id: string; t: string }>('statement_refs');
  }

  async insert(tenantId: string, records: StatementRecord[]): Promise<InsertOutcome> {
    if (records.length === 0) return { ok: true, inserted: [], duplicates: [] };
    // Insert first: the unique (tenant, id) index finds re-sent ids, so the common case reads nothing.
    let failed = new Set<number>();
    try {
      await this.col.insertMany(
        records.map((r) => toDoc(tenantId, r)),
        { ordered: false },
      );
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { index: number; code: number }[] }).writeErrors;
      if (!writeErrors?.length || writeErrors.some((w) => w.code !== 11000)) throw error;
      failed = new Set(writeErrors.map((w) => w.index));
    }
    const inserted = records.filter((_, i) => !failed.has(i));
    const others = records.filter((_, i) => failed.has(i));
    if (others.length > 0) {
      const existing = await this.signatures(
        tenantId,
        others.map((r) => r.id),
      );
      const conflicts = others.filter((r) => existing.get(r.id) !== r.signature);
      if (conflicts.length > 0) {
        // No transactions here: take back what this batch wrote, so a rejected batch leaves nothing.
        if (inserted.length > 0) await this.col.deleteMany({ _id: { $in: inserted.map((r) => r.key) } });
        return { ok: false, conflicts: conflicts.map((r) => r.id) };
      }
    }
    if (inserted.length > 0) await this.afterInsert(tenantId, inserted);
    return { ok: true, inserted: inserted.map((r) => r.id), duplicates: others.map((r) => r.id) };
  }

  private async signatures(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    const docs = await this.col
      .find({ t: tenantId, id: { $in: ids } }, { projection: { id: 1, sig: 1 } })
      .toArray();
    return new Map(docs.map((d) => [d.id, d.sig]));
  }

  private async docs(tenantId: string, ids: string[]): Promise<Map<string, StatementDoc>> {
    const docs = await this.col.find({ t: tenantId, id: { $in: ids } }).toArray();
    return new Map(docs.map((d) => [d.id, d]));
  }

  /**
   * Voiding and StatementRef bookkeeping. Every statement that voids or references another records its
   * target in `statement_refs` (keyed by tenant and target id), so a plain batch checks one small keyed
   * collection instead of searching statements for references to what it just stored.
   */
  private async afterInsert(tenantId: string, inserted: StatementRecord[]): Promise<void> {
    const targets = [
      ...new Set(inserted.flatMap((r) => [r.refTarget, r.voidingTarget]).filter((t) => t !== undefined)),
    ];
    if (targets.length > 0) {
      await this.refs.bulkWrite(
        targets.map((target) => ({
          updateOne: {
            filter: { _id: `${tenantId}|${target}` },
            update: { $set: { t: tenantId } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
    const referenced = await this.refs
      .find({ _id: { $in: inserted.map((r) => `${tenantId}|${r.id}`) } })
      .toArray();
    if (targets.length === 0 && referenced.length === 0) return;
    const voidTargets = inserted.filter((r) => r.voidingTarget).map((r) => r.voidingTarget!);
    if (voidTargets.length > 0) {
      await this.col.updateMany(
        { t: tenantId, id: { $in: voidTargets }, vt: null },
        { $set: { voided: true } },
      );
    }
    if (referenced.length > 0) {
      const voidersOfNew = await this.col
        .find({ t: tenantId, vt: { $in: inserted.map((r) => r.id) } }, { projection: { vt: 1 } })
        .toArray();
      if (voidersOfNew.length > 0) {
        await this.col.updateMany(
          { t: tenantId, id: { $in: voidersOfNew.map((d) => d.vt!) }, vt: null },
          { $set: { voided: true } },
        );
      }
    }
    await this.inheritReferencedTerms(tenantId, inserted, referenced.length > 0);
  }

  /** StatementRef filter rule, as in the SQL store: referencing statements carry their targets' terms. */
  private async inheritReferencedTerms(
    tenantId: string,
    inserted: StatementRecord[],
    referenced: boolean,
  ): Promise<void> {
    const termsById = new Map(inserted.map((r) => [r.id, new Set(r.terms)]));
    const withRef = inserted.filter((r) => r.refTarget);
    if (withRef.length > 0) {
      const targets = await this.docs(
        tenantId,
        withRef.map((r) => r.refTarget!),
      );
      for (const r of withRef) {
        const target = targets.get(r.refTarget!);
        if (!target) continue;
        await this.col.updateOne({ _id: r.key }, { $addToSet: { terms: { $each: target.terms } } });
        for (const t of target.terms) termsById.get(r.id)!.add(t);
      }
    }
    let current = referenced ? termsById : new Map<string, Set<string>>();
    for (let depth = 0; depth < MAX_REF_DEPTH && current.size > 0; depth++) {
      const referencing = await this.col
        .find({ t: tenantId, ref: { $in: [...current.keys()] } }, { projection: { id: 1, ref: 1, terms: 1 } })
        .toArray();
      const next = new Map<string, Set<string>>();
      for (const d of referencing) {
        const have = new Set(d.terms);
        const add = [...(current.get(d.ref!) ?? [])].filter((t) => !have.has(t));
        if (add.length === 0) continue;
        await this.col.updateOne({ _id: d._id }, { $addToSet: { terms: { $each: add } } });
        next.set(d.id, new Set([...have, ...add]));
      }
      current = next;
    }
  }

  async get(tenantId: string, id: string): Promise<StatementRecord | undefined> {
    const doc = await this.col.findOne({ t: tenantId, id });
    return doc ? toRecord(doc) : undefined;
  }

  async query(tenantId: string, q: StatementQuery): Promise<StatementRecord[]> {
    const filter: mongoose.mongo.Filter<StatementDoc> = { t: tenantId, voided: false };
    if (q.terms.length === 1) filter.terms = q.terms[0]!;
    else if (q.terms.length > 1) filter.terms = { $all: q.terms };
    if (q.actorKey !== undefined) filter.actor = q.actorKey;
    const range: { $gt?: string; $lt?: string } = {};
    if (q.after !== undefined) range.$gt = q.after;
    if (q.before !== undefined) range.$lt = q.before;
    if (Object.keys(range).length > 0) filter._id = range;
    const docs = await this.col
      .find(filter)
      .sort({ _id: q.ascending ? 1 : -1 })
      .limit(q.limit)
      .toArray();
    return docs.map(toRecord);
  }

  async count(tenantId: string): Promise<number> {
    return this.col.countDocuments({ t: tenantId });
  }

  async feed(
    tenantId: string,
    range: { after?: string; before: string; limit: number },
  ): Promise<StatementRecord[]> {
    const key: { $lt: string; $gt?: string } = { $lt: range.before };
    if (range.after !== undefined) key.$gt = range.after;
    const docs = await this.col.find({ t: tenantId, _id: key }).sort({ _id: 1 }).limit(range.limit).toArray();
    return docs.map(toRecord);
  }

  async countAfter(tenantId: string, after: string | undefined, cap: number): Promise<number> {
    return this.col.countDocuments(
      after === undefined ? { t: tenantId } : { t: tenantId, _id: { $gt: after } },
      {
        limit: cap,
      },
    );
  }

  async tenants(): Promise<string[]> {
    return (await this.col.distinct('t')) as string[];
  }
}
