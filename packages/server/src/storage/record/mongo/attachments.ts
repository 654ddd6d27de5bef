import mongoose from 'mongoose';
import type { AttachmentContent, AttachmentRepository } from '../types.js';

interface Doc {
  _id: string; // `${tenant}|${sha2}`
  t: string;
  sha2: string;
  contentType: string;
  content: mongoose.mongo.Binary;
}

/** Attachment contents on MongoDB. */
export class MongoAttachments implements AttachmentRepository {
  private readonly col: mongoose.mongo.Collection<Doc>;

  constructor(db: mongoose.mongo.Db) {
    this.col = db.collection<Doc>('attachments');
  }

  async put(tenantId: string, attachments: AttachmentContent[]): Promise<void> {
    for (const a of attachments) {
      await this.col.updateOne(
        { _id: `${tenantId}|${a.sha2}` },
        {
          $setOnInsert: {
            t: tenantId,
            sha2: a.sha2,
            contentType: a.contentType,
            content: new mongoose.mongo.Binary(a.content),
          },
        },
        { upsert: true },
      );
    }
  }

  async get(tenantId: string, sha2s: string[]): Promise<AttachmentContent[]> {
    if (sha2s.length === 0) return [];
    const docs = await this.col.find({ _id: { $in: sha2s.map((s) => `${tenantId}|${s}`) } }).toArray();
    return docs.map((d) => ({
      sha2: d.sha2,
      contentType: d.contentType,
      content: Buffer.from(d.content.buffer),
    }));
  }
}
