import type mongoose from 'mongoose';
import type {
  AttachmentRepository,
  CredentialRepository,
  DocumentRepository,
  KeyedRecordRepository,
  RecordStore,
  StatementRepository,
} from '../types.js';
import { MongoAttachments } from './attachments.js';
import { applyMongoMigrations, connectMongo } from './connection.js';
import { MongoCredentials } from './credentials.js';
import { MongoDocuments } from './documents.js';
import { MongoEraser } from './erase.js';
import { MongoKeyedRecords } from './keyed-records.js';
import { mongoRecordMigrations } from './migrations.js';
import { MongoStatements } from './statements.js';

/** The record store on MongoDB (or any server speaking its wire protocol, e.g. FerretDB). */
export class MongoRecordStore implements RecordStore {
  readonly backend = 'mongodb' as const;
  readonly statements: StatementRepository;
  readonly credentials: CredentialRepository;
  readonly keyed: KeyedRecordRepository;
  readonly attachments: AttachmentRepository;
  readonly documents: DocumentRepository;
  readonly eraser: MongoEraser;

  private constructor(private readonly conn: mongoose.Connection) {
    this.statements = new MongoStatements(conn.db!);
    this.credentials = new MongoCredentials(conn.db!);
    this.attachments = new MongoAttachments(conn.db!);
    this.keyed = new MongoKeyedRecords(conn.db!);
    this.documents = new MongoDocuments(conn.db!);
    this.eraser = new MongoEraser(conn.db!);
  }

  /**
   * Connects to `url` (the database is the URL's path, e.g. `mongodb://host:27017/kairos`); every call
   * then has the deadline `timeoutMs` (see {@link connectMongo}).
   */
  static async connect(url: string, options: { timeoutMs?: number } = {}): Promise<MongoRecordStore> {
    return new MongoRecordStore(await connectMongo(url, options));
  }

  async migrate(): Promise<void> {
    await applyMongoMigrations(this.conn.db!, 'record', mongoRecordMigrations);
  }

  async ping(): Promise<void> {
    await this.conn.db!.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
