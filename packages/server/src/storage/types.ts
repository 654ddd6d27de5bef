/**
 * The three storage roles of Kairos (see DESIGN.md "Storage: two roles, several backends"), each behind one
 * interface with one adapter per backend and one contract test suite that runs against every backend.
 */

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
  statement: Record<string, unknown>;
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
}

/** Projection progress for one projector. */
export interface Checkpoint {
  name: string;
  /** Storage key of the last statement projected. */
  position: string;
  updatedAt: string;
}

/** The relational projection and every aggregate a dashboard reads: PostgreSQL or embedded PGlite. */
export interface AnalyticsStore {
  readonly backend: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  getCheckpoint(tenantId: string, name: string): Promise<Checkpoint | undefined>;
  /** Moves a checkpoint forward; never backward (an older position is ignored). */
  saveCheckpoint(tenantId: string, name: string, position: string): Promise<void>;
  /** LTI contexts, resource links, learners and enrollments (launch claims and NRPS). */
  readonly roster?: RosterRepository;
}

/** An LTI context (course) as the roster keeps it. */
export interface RosterContext {
  tenantId: string;
  contextId: string;
  /** Activity IRI of the course in statements (`contextActivities.grouping`). */
  iri: string;
  label?: string;
  title?: string;
  rosterSyncedAt?: string;
}

/** An LTI resource link (a placed activity) of a context. */
export interface RosterResourceLink {
  tenantId: string;
  resourceLinkId: string;
  contextId: string;
  iri: string;
  title?: string;
  activityId?: string;
  lineItemUrl?: string;
  scoreMaximum?: number;
}

/** A person of a tenant; display names live only here (never in statements). */
export interface RosterPerson {
  tenantId: string;
  userId: string;
  actorKey?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
}

/** A member of a context, with what they launched. */
export interface RosterMember extends RosterPerson {
  role: 'learner' | 'instructor' | 'other';
  status: string;
  source: 'launch' | 'nrps';
  launches: { resourceLinkId: string; title?: string; count: number; lastAt: string }[];
}

/** Roster persistence in the analytics store. Upserts are idempotent. */
export interface RosterRepository {
  upsertContext(context: RosterContext): Promise<void>;
  upsertResourceLink(link: RosterResourceLink): Promise<void>;
  upsertPerson(person: RosterPerson): Promise<void>;
  upsertEnrollment(e: {
    tenantId: string;
    contextId: string;
    userId: string;
    role: RosterMember['role'];
    status?: string;
    source: 'launch' | 'nrps';
  }): Promise<void>;
  recordLaunch(l: {
    tenantId: string;
    contextId: string;
    resourceLinkId: string;
    userId: string;
    at: string;
  }): Promise<void>;
  /** Marks a roster sync: members of `contextId` absent from `userIds` (and known from NRPS) become inactive. */
  markSynced(tenantId: string, contextId: string, userIds: string[], at: string): Promise<void>;
  getContext(tenantId: string, contextId: string): Promise<RosterContext | undefined>;
  resourceLinks(tenantId: string, contextId: string): Promise<RosterResourceLink[]>;
  members(tenantId: string, contextId: string): Promise<RosterMember[]>;
}

/** Cache, rate limits, queues and live updates: Redis or in-process memory (single instance only). */
export interface Cache {
  readonly backend: 'redis' | 'memory';
  ping(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<string | undefined>;
  /** Sets a value, expiring after `ttlMs` when given. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  del(key: string): Promise<void>;
  /**
   * Counts a hit in the fixed window of `windowMs` that contains now and returns the count so far
   * (rate limiting). The counter expires with its window.
   */
  hit(key: string, windowMs: number): Promise<number>;
  /** Appends a message to a FIFO queue. */
  enqueue(queue: string, message: string): Promise<void>;
  /** Takes the oldest message of a queue, or `undefined` when it is empty. */
  dequeue(queue: string): Promise<string | undefined>;
  /** Number of messages waiting in a queue. */
  queueLength(queue: string): Promise<number>;
  /** Publishes a live-update message; returns after delivery to local subscribers. */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes to a channel; the returned function unsubscribes. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
}

/** The stores of one Kairos process. */
export interface Stores {
  record: RecordStore;
  analytics: AnalyticsStore;
  cache: Cache;
  /** Closes every store (and releases the data-directory lock). */
  close(): Promise<void>;
}
