import { randomUUID } from 'node:crypto';
import type { KeyedRecordRepository } from '../storage/types.js';

/** The keyed-record collection of the audit log (in the record store, durable as statements are). */
export const AUDIT_COLLECTION = 'audit_log';

/** One administrative action. Secrets never go in; a learner is named by {@link learnerDigest} only. */
export interface AuditEntry {
  id: string;
  at: string;
  /** Who: `cli` (local admin command on the stores), `admin-channel` (through the running server)… */
  actor: string;
  /** What: `key.create`, `platform.remove`, `forget`, `export`, `retention.run`… */
  action: string;
  /** The tenant acted on (`*` when every tenant). */
  tenantId: string;
  /** What was acted on: a key id, a forwarder id, `learner:<hmac>`… */
  target?: string;
  /** Counts and settings of the action (no secrets, no learner identifiers). */
  details?: Record<string, unknown>;
}

/** Appends and reads the audit log. */
export class AuditLog {
  constructor(private readonly keyed: KeyedRecordRepository) {}

  /** Records an action; returns the entry. */
  async append(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const full: AuditEntry = { id: randomUUID(), at: entry.at ?? new Date().toISOString(), ...entry };
    await this.keyed.insert({
      collection: AUDIT_COLLECTION,
      fields: { id: full.id, tenantId: full.tenantId, action: full.action },
      data: full,
      createdAt: full.at,
    });
    return full;
  }

  /** Entries, oldest first; `tenantId` keeps that tenant's and every-tenant ones. */
  async list(filter: { tenantId?: string; since?: string } = {}): Promise<AuditEntry[]> {
    const rows = await this.keyed.find(AUDIT_COLLECTION, {});
    return rows
      .map((r) => r.data as AuditEntry)
      .filter((e) => !filter.tenantId || e.tenantId === filter.tenantId || e.tenantId === '*')
      .filter((e) => !filter.since || e.at >= filter.since)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}
