/**
 * Physical erasure in the record store (forget, retention): what the xAPI API never does (it only voids).
 * One implementation per backend beside the adapters; plain CRUD only (FerretDB v1: no transactions,
 * `$lookup` or `$facet`), every step idempotent so a run stopped midway is finished by running it again.
 */

/** A statement chosen for erasure. */
export interface ErasableStatement {
  key: string;
  id: string;
  /** `sha2` of the attachments it declares (their contents may become orphans). */
  sha2s: string[];
}

/** Which statements an erasure takes. */
export type ErasureSelector =
  /** Statements naming one of these agent keys: actor, object, team member, instructor, context agent. */
  | { kind: 'agents'; agentKeys: string[] }
  /** Statements stored before this instant (retention). */
  | { kind: 'before'; stored: string };

/** Erasure operations of one record store. */
export interface RecordEraser {
  /**
   * Up to `limit` statements matched by `selector`, or referring (StatementRef, voiding) to one of
   * `erasedIds` (a statement about an erased one is about them too).
   */
  select(
    tenantId: string,
    selector: ErasureSelector,
    erasedIds: string[],
    limit: number,
  ): Promise<ErasableStatement[]>;
  /** The full statements of `select` (export). */
  read(
    tenantId: string,
    agentKeys: string[],
    limit: number,
    afterKey?: string,
  ): Promise<{ key: string; body: string }[]>;
  /** Deletes statements (and their index entries) by storage key; returns how many were there. */
  deleteStatements(tenantId: string, keys: string[], ids: string[]): Promise<number>;
  /** Deletes every State and Agent Profile document (all revisions) of these agents. */
  deleteAgentDocuments(tenantId: string, agentKeys: string[]): Promise<number>;
  /** Documents of these agents: kind, activity, id, content type, content (export). */
  agentDocuments(tenantId: string, agentKeys: string[]): Promise<ExportedDocument[]>;
  /** Documents not updated since `before` (retention); returns how many were deleted (or would be). */
  deleteDocumentsBefore(tenantId: string, before: string, dryRun: boolean): Promise<number>;
  /** Deletes the attachment contents among `sha2s` that no remaining statement of the tenant declares. */
  deleteOrphanAttachments(tenantId: string, sha2s: string[]): Promise<number>;
  /** Statements of the tenant stored before `before` (retention dry run). */
  countBefore(tenantId: string, before: string): Promise<number>;
  /**
   * Statements stored from `before` on that refer (StatementRef, voiding), directly or through one
   * another, to a statement stored before it: what an erasure by `{kind: 'before'}` takes beyond
   * {@link countBefore} (retention dry run).
   */
  countReferringBefore(tenantId: string, before: string): Promise<number>;
}

/** An xAPI document as exported. */
export interface ExportedDocument {
  kind: string;
  activityId: string;
  registration: string;
  id: string;
  contentType: string;
  updated: string;
  content: string;
}

/**
 * The index terms naming these agents: as actor or object agent (`a:`), or as a related agent (`ra:`) —
 * the terms `termsOf` (lrs/statements/prepare.ts) gives a statement about them.
 */
export const agentTerms = (agentKeys: string[]) => agentKeys.flatMap((k) => [`a:${k}`, `ra:${k}`]);

/** The `sha2`s a stored statement body declares. */
export function declaredSha2s(body: string): string[] {
  try {
    const s = JSON.parse(body) as { attachments?: { sha2?: unknown }[] };
    return (s.attachments ?? []).map((a) => a.sha2).filter((x): x is string => typeof x === 'string');
  } catch {
    return [];
  }
}
