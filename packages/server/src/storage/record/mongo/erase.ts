import type mongoose from 'mongoose';
import {
  agentTerms,
  declaredSha2s,
  type ErasableStatement,
  type ErasureSelector,
  type ExportedDocument,
  type RecordEraser,
} from '../erase.js';

/**
 * Erasure on MongoDB / FerretDB v1: plain finds and deletes. Statements go before their `statement_refs`
 * entries; an entry left by a stop in between only makes a later insert check a reference that is gone.
 */
export class MongoEraser implements RecordEraser {
  constructor(private readonly db: mongoose.mongo.Db) {}

  private get statements() {
    return this.db.collection<{ _id: string; id: string; body: string; stored: Date }>('statements');
  }

  private get documents() {
    return this.db.collection<{
      _id: string;
      t: string;
      k: string;
      a: string;
      g: string;
      r: string;
      d: string;
      v: number;
      x: boolean;
      ct: string;
      c: mongoose.mongo.Binary;
      u: Date;
    }>('xapi_documents');
  }

  async select(
    tenantId: string,
    selector: ErasureSelector,
    erasedIds: string[],
    limit: number,
  ): Promise<ErasableStatement[]> {
    const or: mongoose.mongo.Filter<Record<string, unknown>>[] =
      selector.kind === 'agents'
        ? [{ actor: { $in: selector.agentKeys } }, { terms: { $in: agentTerms(selector.agentKeys) } }]
        : [{ stored: { $lt: new Date(selector.stored) } }];
    if (erasedIds.length > 0) or.push({ ref: { $in: erasedIds } }, { vt: { $in: erasedIds } });
    const docs = await this.statements
      .find({ t: tenantId, $or: or } as never, { projection: { _id: 1, id: 1, body: 1 }, limit })
      .toArray();
    return docs.map((d) => ({ key: d._id, id: d.id, sha2s: declaredSha2s(d.body) }));
  }

  async read(tenantId: string, agentKeys: string[], limit: number, afterKey?: string) {
    const docs = await this.statements
      .find(
        {
          t: tenantId,
          ...(afterKey ? { _id: { $gt: afterKey } } : {}),
          $or: [{ actor: { $in: agentKeys } }, { terms: { $in: agentTerms(agentKeys) } }],
        } as never,
        { projection: { _id: 1, body: 1 }, sort: { _id: 1 }, limit },
      )
      .toArray();
    return docs.map((d) => ({ key: d._id, body: d.body }));
  }

  async deleteStatements(tenantId: string, keys: string[], ids: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const res = await this.statements.deleteMany({ t: tenantId, _id: { $in: keys } } as never);
    await this.db
      .collection<{ _id: string }>('statement_refs')
      .deleteMany({ _id: { $in: ids.map((id) => `${tenantId}|${id}`) } });
    return res.deletedCount;
  }

  async deleteAgentDocuments(tenantId: string, agentKeys: string[]): Promise<number> {
    // every revision and tombstone goes: a tombstone names the agent too
    const res = await this.documents.deleteMany({ t: tenantId, g: { $in: agentKeys } });
    return res.deletedCount;
  }

  async agentDocuments(tenantId: string, agentKeys: string[]): Promise<ExportedDocument[]> {
    const docs = await this.documents.find({ t: tenantId, g: { $in: agentKeys } }).toArray();
    const latest = new Map<string, (typeof docs)[number]>();
    for (const d of docs) {
      const k = JSON.stringify([d.k, d.a, d.g, d.r, d.d]);
      if ((latest.get(k)?.v ?? -1) < d.v) latest.set(k, d);
    }
    return [...latest.values()]
      .filter((d) => !d.x)
      .map((d) => ({
        kind: d.k,
        activityId: d.a,
        registration: d.r,
        id: d.d,
        contentType: d.ct,
        updated: d.u.toISOString(),
        content: Buffer.from(d.c.buffer).toString('utf8'),
      }));
  }

  async deleteDocumentsBefore(tenantId: string, before: string, dryRun: boolean): Promise<number> {
    const filter = { t: tenantId, u: { $lt: new Date(before) } };
    if (dryRun) return this.documents.countDocuments(filter);
    return (await this.documents.deleteMany(filter)).deletedCount;
  }

  async deleteOrphanAttachments(tenantId: string, sha2s: string[]): Promise<number> {
    let n = 0;
    for (const sha2 of new Set(sha2s)) {
      if (!/^[0-9a-f]+$/i.test(sha2)) continue;
      const used = await this.statements.findOne({ t: tenantId, body: { $regex: sha2 } } as never, {
        projection: { _id: 1 },
      });
      if (used) continue;
      n += (
        await this.db.collection<{ _id: string }>('attachments').deleteOne({ _id: `${tenantId}|${sha2}` })
      ).deletedCount;
    }
    return n;
  }

  async countBefore(tenantId: string, before: string): Promise<number> {
    return this.statements.countDocuments({ t: tenantId, stored: { $lt: new Date(before) } } as never);
  }

  async countReferringBefore(tenantId: string, before: string): Promise<number> {
    // the referring statements stored since (StatementRefs, voidings: few), closed over in memory
    const cutoff = new Date(before);
    const later = await this.db
      .collection<{ id: string; ref: string | null; vt: string | null }>('statements')
      .find(
        {
          t: tenantId,
          stored: { $gte: cutoff },
          $or: [{ ref: { $ne: null } }, { vt: { $ne: null } }],
        } as never,
        {
          projection: { _id: 0, id: 1, ref: 1, vt: 1 },
        },
      )
      .toArray();
    const targets = [...new Set(later.flatMap((d) => [d.ref, d.vt]).filter((t): t is string => !!t))];
    const gone = new Set<string>();
    for (let i = 0; i < targets.length; i += 1000) {
      const old = await this.statements
        .find({ t: tenantId, id: { $in: targets.slice(i, i + 1000) }, stored: { $lt: cutoff } } as never, {
          projection: { _id: 0, id: 1 },
        })
        .toArray();
      for (const d of old) gone.add(d.id);
    }
    const taken = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of later)
        if (!taken.has(d.id) && ((d.ref && gone.has(d.ref)) || (d.vt && gone.has(d.vt)))) {
          taken.add(d.id);
          gone.add(d.id);
          grew = true;
        }
    }
    return taken.size;
  }
}
