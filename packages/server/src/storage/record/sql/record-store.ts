import type { SqlDatabase } from '../../sql/database.js';
import { applyMigrations } from '../../sql/migrate.js';
import type {
  AttachmentRepository,
  CredentialRepository,
  DocumentRepository,
  KeyedRecordRepository,
  RecordStore,
  StatementRepository,
} from '../types.js';
import { SqlAttachments } from './attachments.js';
import { SqlCredentials } from './credentials.js';
import { SqlDocuments } from './documents.js';
import { SqlEraser } from './erase.js';
import { SqlKeyedRecords } from './keyed-records.js';
import { recordMigrations } from './migrations.js';
import { SqlStatements } from './statements.js';

/** The record store on PostgreSQL or embedded PGlite. */
export class SqlRecordStore implements RecordStore {
  readonly backend: 'postgres' | 'pglite';
  readonly statements: StatementRepository;
  readonly credentials: CredentialRepository;
  readonly keyed: KeyedRecordRepository;
  readonly attachments: AttachmentRepository;
  readonly documents: DocumentRepository;
  readonly eraser: SqlEraser;

  /** @param ownsDatabase close the database with the store (false when the analytics store shares it). */
  constructor(
    /** The database it lives in (the analytics store may share it). */
    readonly db: SqlDatabase,
    private readonly ownsDatabase = true,
  ) {
    this.backend = db.backend;
    this.statements = new SqlStatements(db.pool);
    this.credentials = new SqlCredentials(db.pool);
    this.attachments = new SqlAttachments(db.pool);
    this.keyed = new SqlKeyedRecords(db.pool);
    this.documents = new SqlDocuments(db.pool);
    this.eraser = new SqlEraser(db.pool);
  }

  async migrate(): Promise<void> {
    await applyMigrations(this.db.pool, 'record', recordMigrations);
  }

  async ping(): Promise<void> {
    await this.db.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.ownsDatabase) await this.db.close();
  }
}
