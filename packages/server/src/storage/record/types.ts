/**
 * The record store role (DESIGN.md "Storage"): statements, documents, attachments, LTI tool data and API
 * credentials, on MongoDB, PostgreSQL or embedded PGlite. One interface, one adapter per backend, one
 * contract suite (`contract.ts`) that every backend passes unchanged.
 */
import type { Statement } from '@kairos/xapi';
import type { RecordEraser } from './erase.js';

/** A stored xAPI statement as the record store keeps it. */
export interface StatementRecord {
  tenantId: string;
  /** Storage key: a UUIDv7, time-ordered; `stored` is the instant it encodes. Drives keyset paging. */
  key: string;
  /** The statement id (UUID). Unique per tenant. */
  id: string;
  /** When the LRS stored it (ISO 8601, ms precision, UTC). */
  stored: string;
  /** The full statement as served back (`stored`, `authority`, `version`, `id` set). */
  statement: Statement;
  /** The stored JSON text of `statement`, when a store read it (served verbatim by `format=exact`). */
  raw?: string;
  /** Canonical signature used to compare a re-sent statement with the stored one (immutability). */
  signature: string;
  /** Index terms (`a:<agent>`, `v:<verb>`, `o:<activity>`…) the statement matches directly. */
  terms: string[];
  /** Agent key of the actor, for `statements/read/mine` and learner tokens. */
  actorKey?: string;
  /** Id of the statement this one points to with a StatementRef object (not for voiding statements). */
  refTarget?: string;
  /** Id of the statement this one voids, when it is a voiding statement. */
  voidingTarget?: string;
  voided: boolean;
}

/** Outcome of an idempotent batch insert. */
export type InsertOutcome =
  | { ok: true; inserted: string[]; duplicates: string[] }
  | { ok: false; conflicts: string[] };

/** A filtered statement query (the non-`statementId` form of GET /statements). */
export interface StatementQuery {
  /** Every term must match (directly, or through a StatementRef chain). */
  terms: string[];
  /** Restrict to statements whose actor is this agent key (read/mine scope). */
  actorKey?: string;
  /** Only keys strictly greater than this (from `since`, or the cursor when ascending). */
  after?: string;
  /** Only keys strictly smaller than this (from `until`, or the cursor when descending). */
  before?: string;
  ascending: boolean;
  limit: number;
}

/** Statements persistence. All methods are tenant-scoped. */
export interface StatementRepository {
  /**
   * Inserts a batch atomically with respect to conflicts: when any statement's id already exists with a
   * different signature (or twice in the batch with different signatures), nothing is written and the
   * conflicting ids are returned. Statements already stored with the same signature are duplicates (no-op).
   * Voiding statements mark their target voided before this resolves.
   */
  insert(tenantId: string, records: StatementRecord[]): Promise<InsertOutcome>;
  /** One statement by id, voided or not (the caller decides what the spec lets it see). */
  get(tenantId: string, id: string): Promise<StatementRecord | undefined>;
  /** Statements matching a query, voided ones excluded, in key order; `limit` rows at most. */
  query(tenantId: string, query: StatementQuery): Promise<StatementRecord[]>;
  /** Number of statements stored for a tenant (voided included). */
  count(tenantId: string): Promise<number>;
  /**
   * The projection's feed: statements with keys strictly between `after` (absent: from the first) and
   * `before`, in key order, voided ones included (the feed reads what happened, voidings too).
   */
  feed(
    tenantId: string,
    range: { after?: string; before: string; limit: number },
  ): Promise<StatementRecord[]>;
  /** Statements with keys after `after` (all when absent), counted up to `cap` (the projection's lag). */
  countAfter(tenantId: string, after: string | undefined, cap: number): Promise<number>;
  /** Tenants that have stored statements. */
  tenants(): Promise<string[]>;
}

/** An API credential (Basic key/secret). The secret is only ever stored hashed. */
export interface CredentialRecord {
  tenantId: string;
  /** Public key id, sent as the Basic user name. */
  key: string;
  /** SHA-256 hex of the secret (the secret is 256 random bits, so a fast hash is safe). */
  secretHash: string;
  name: string;
  scopes: string[];
  createdAt: string;
  revokedAt?: string;
}

/** API credential persistence. Keys are unique across tenants. */
export interface CredentialRepository {
  create(record: CredentialRecord): Promise<void>;
  find(key: string): Promise<CredentialRecord | undefined>;
  list(tenantId?: string): Promise<CredentialRecord[]>;
  revoke(key: string, at: string): Promise<boolean>;
}

/** A scalar a keyed record can be matched on. */
export type FieldValue = string | number | boolean;

/**
 * A record of tool data (LTI platforms, keys, nonces, launch state…): an opaque JSON `data` payload, found
 * by exact match on its `fields`. Records past `expiresAt` are never returned and are purged by
 * `deleteExpired` (a periodic job: no TTL indexes, which FerretDB lacks).
 */
export interface KeyedRecord {
  collection: string;
  fields: Record<string, FieldValue>;
  data: unknown;
  createdAt: string;
  expiresAt?: string;
}

/** Tool data by collection, matched on exact field values. */
export interface KeyedRecordRepository {
  insert(record: KeyedRecord): Promise<void>;
  /** Unexpired records of `collection` whose fields equal every entry of `match` (all when empty). */
  find(collection: string, match: Record<string, FieldValue>): Promise<KeyedRecord[]>;
  /** Deletes the records matching `match`, then inserts `record` (an upsert). */
  replace(collection: string, match: Record<string, FieldValue>, record: KeyedRecord): Promise<void>;
  /** Replaces fields, data and expiry of the first matching record; false when none matches. */
  update(
    collection: string,
    match: Record<string, FieldValue>,
    patch: Partial<Pick<KeyedRecord, 'fields' | 'data' | 'expiresAt'>>,
  ): Promise<boolean>;
  /** Deletes every matching record; returns how many. */
  delete(collection: string, match: Record<string, FieldValue>): Promise<number>;
  /** Deletes every record whose `expiresAt` is before `now`; returns how many. */
  deleteExpired(now: string): Promise<number>;
}

/** The content of a statement attachment, addressed by its SHA-256 (`sha2`). */
export interface AttachmentContent {
  sha2: string;
  contentType: string;
  content: Buffer;
}

/** Attachment contents per tenant; the same content sent twice is kept once. */
export interface AttachmentRepository {
  /** Stores contents (idempotent by sha2). */
  put(tenantId: string, attachments: AttachmentContent[]): Promise<void>;
  /** The stored contents among `sha2s`. */
  get(tenantId: string, sha2s: string[]): Promise<AttachmentContent[]>;
}

/** The three xAPI document resources. */
export type DocumentKind = 'state' | 'activity-profile' | 'agent-profile';

/**
 * Identifies one xAPI document: State (activity + agent [+ registration] + stateId), Activity Profile
 * (activity + profileId) or Agent Profile (agent + profileId). Absent parts are stored as empty strings.
 */
export interface DocumentKey {
  kind: DocumentKind;
  /** Activity IRI (State, Activity Profile). */
  activityId?: string;
  /** `agentKey` of the agent (State, Agent Profile). */
  agentKey?: string;
  /** Registration UUID, lowercase (State only). */
  registration?: string;
  /** The stateId or profileId. */
  id: string;
}

/** A set of documents: every document of `kind` sharing these key parts (`registration` absent = any). */
export type DocumentScope = Omit<DocumentKey, 'id'>;

/** A stored xAPI document: the bytes exactly as received (or as merged), never re-serialised. */
export interface StoredDocument extends DocumentKey {
  contentType: string;
  content: Buffer;
  /** Quoted SHA-1 hex of `content` (the HTTP ETag). */
  etag: string;
  /** When it was last written (ISO 8601, ms, UTC). */
  updated: string;
}

/** New content for a document. */
export interface DocumentContent {
  contentType: string;
  content: Buffer;
}

/**
 * A precondition checked against the current document (undefined when absent) right before a write; it
 * throws to refuse the write. Writes are compare-and-swap: when another writer changed the document in
 * between, the check runs again on the new current document.
 */
export type DocumentCheck = (current: StoredDocument | undefined) => void;

/** xAPI documents (State, Activity Profile, Agent Profile) per tenant. */
export interface DocumentRepository {
  get(tenantId: string, key: DocumentKey): Promise<StoredDocument | undefined>;
  /** Ids of the documents in `scope` (updated strictly after `since` when given), without repeats. */
  listIds(tenantId: string, scope: DocumentScope, since?: string): Promise<string[]>;
  /** Creates or replaces a document. */
  put(
    tenantId: string,
    key: DocumentKey,
    content: DocumentContent,
    check?: DocumentCheck,
  ): Promise<StoredDocument>;
  /**
   * POST semantics: creates the document when absent; when present, both must be JSON objects
   * (`application/json`) and the new one's top-level properties overwrite the stored ones (shallow merge).
   * @throws DocumentMergeError when either side is not a JSON object.
   */
  merge(
    tenantId: string,
    key: DocumentKey,
    content: DocumentContent,
    check?: DocumentCheck,
  ): Promise<StoredDocument>;
  /** Deletes one document; false when there was none. */
  delete(tenantId: string, key: DocumentKey, check?: DocumentCheck): Promise<boolean>;
  /** Deletes every document in `scope` (State: activity + agent [+ registration]); returns how many. */
  deleteMany(tenantId: string, scope: DocumentScope): Promise<number>;
}

/** Where statements, documents, LTI data and credentials live: MongoDB, PostgreSQL or embedded PGlite. */
export interface RecordStore {
  readonly backend: 'mongodb' | 'postgres' | 'pglite';
  /** Applies pending migrations (schema, indexes). Idempotent. */
  migrate(): Promise<void>;
  /** Throws when the store cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly statements: StatementRepository;
  readonly credentials: CredentialRepository;
  /** Tool data (LTI platforms, keys, nonces, launch state). */
  readonly keyed: KeyedRecordRepository;
  /** Statement attachment contents. */
  readonly attachments: AttachmentRepository;
  /** xAPI documents: State, Activity Profile, Agent Profile. */
  readonly documents: DocumentRepository;
  /** Physical erasure (forget, retention); absent on test doubles. */
  readonly eraser?: RecordEraser;
}
